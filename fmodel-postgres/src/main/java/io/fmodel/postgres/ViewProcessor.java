package io.fmodel.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.core.View;
import io.fmodel.postgres.internal.EventDecoder;
import io.fmodel.postgres.internal.Json;
import io.fmodel.postgres.internal.StreamRunner;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Runs a view over the event log: each event is evolved into the state of the entity it belongs to.
 *
 * <p>Delivery guarantees (in addition to those of {@link StreamProcessor}):
 * <ul>
 *   <li>{@link #exactlyOnce}: the view states live in the same database ({@link TransactionalViewStore}). For each
 *       batch of one partition, the states are read, evolved and saved, and the batch acknowledged, in ONE
 *       transaction: a crash, a killed connection or a lost lease rolls all of it back, so every event's effect is
 *       applied exactly once.
 *   <li>{@link #atLeastOnce}: the view is kept elsewhere (for example core's {@code MaterializedView::handle}). The
 *       handler runs first, the acknowledgement commits after it: an event whose handler ran but whose ack did not
 *       commit is delivered again. Make the handler idempotent.
 * </ul>
 * Creating a processor registers the view if it is missing ({@code register_view}); a registered view keeps its
 * positions and settings (lock timeout, pooling delay, {@code edge_function_url}), and only an explicit, different
 * {@link StreamingOptions#startAt()} moves it. Then it starts its threads: it does I/O.
 *
 * {@snippet :
 * try (ViewProcessor balances = ViewProcessor.exactlyOnce(dataSource, "balances",
 *         EventTypes.of("account", AccountEvent.class), balanceView,
 *         TransactionalViewStore.jsonb("balances", AccountEvent::accountId, Balance.class, new ObjectMapper()),
 *         StreamingOptions.defaults().withWorkers(4))) {
 *     // ... runs until closed
 * }
 * // a view kept elsewhere, e.g. core's MaterializedView: at least once
 * ViewProcessor elsewhere = ViewProcessor.atLeastOnce(dataSource, "balances-cache", types,
 *         materializedView::handle, StreamingOptions.defaults(), ProcessorListener.none());
 * }
 */
public interface ViewProcessor extends StreamProcessor {

    /** {@return a started processor with an exactly-once effect on {@code store}} */
    static <S, E> ViewProcessor exactlyOnce(
            DataSource dataSource,
            String view,
            EventTypes<E> eventTypes,
            View<S, E> evolve,
            TransactionalViewStore<S, E> store,
            StreamingOptions options) {
        return exactlyOnce(
                dataSource, view, eventTypes, evolve, store, options, ProcessorListener.none(), Json.defaultMapper());
    }

    /** {@return a started processor with an exactly-once effect on {@code store}, observed by {@code listener}} */
    static <S, E> ViewProcessor exactlyOnce(
            DataSource dataSource,
            String view,
            EventTypes<E> eventTypes,
            View<S, E> evolve,
            TransactionalViewStore<S, E> store,
            StreamingOptions options,
            ProcessorListener listener,
            ObjectMapper objectMapper) {
        return StreamRunner.start(
                dataSource,
                view,
                new EventDecoder<>(eventTypes, objectMapper),
                options,
                listener,
                store::install,
                store::clear,
                (transaction, delivery) -> {
                    E event = delivery.event();
                    Optional<S> state = store.fetch(transaction, event);
                    store.save(transaction, event, evolve.evolve(state.orElseGet(evolve::initialState), event));
                });
    }

    /** {@return a started processor calling {@code handler} for each event, at least once} */
    static <E> ViewProcessor atLeastOnce(
            DataSource dataSource,
            String view,
            EventTypes<E> eventTypes,
            Consumer<? super E> handler,
            StreamingOptions options,
            ProcessorListener listener) {
        return StreamRunner.start(
                dataSource,
                view,
                new EventDecoder<>(eventTypes, Json.defaultMapper()),
                options,
                listener,
                (transaction, delivery) -> handler.accept(delivery.event()));
    }
}
