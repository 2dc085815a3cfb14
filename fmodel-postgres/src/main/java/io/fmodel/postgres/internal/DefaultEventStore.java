package io.fmodel.postgres.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.core.Saga;
import io.fmodel.core.View;
import io.fmodel.postgres.CommandSender;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.HttpDeliveryOptions;
import io.fmodel.postgres.HttpDeliveryProcessor;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.PostgresSnapshotRepository;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.SagaProcessor;
import io.fmodel.postgres.SchemaInstaller;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.TransactionalViewStore;
import io.fmodel.postgres.ViewProcessor;
import io.fmodel.postgres.ViewStates;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;

/** {@link PostgresEventStore}: the three things configured once, handed to every part it makes. */
public record DefaultEventStore(DataSource dataSource, ObjectMapper objectMapper, ProcessorListener listener)
        implements PostgresEventStore {

    /** Handlers and sagas keep no state in the database: nothing to create at start, nothing to forget on rebuild. */
    private static final StreamRunner.Installer NOTHING_TO_INSTALL = connection -> {};

    private static final StreamRunner.Clearer NOTHING_TO_CLEAR = transaction -> {};

    public DefaultEventStore {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(objectMapper, "objectMapper");
        Objects.requireNonNull(listener, "listener");
    }

    /** {@return a store with the default mapper and no listener} */
    public static PostgresEventStore create(DataSource dataSource) {
        return new DefaultEventStore(dataSource, Json.defaultMapper(), ProcessorListener.none());
    }

    @Override
    public PostgresEventStore withObjectMapper(ObjectMapper objectMapper) {
        return new DefaultEventStore(dataSource, objectMapper, listener);
    }

    @Override
    public PostgresEventStore withListener(ProcessorListener listener) {
        return new DefaultEventStore(dataSource, objectMapper, listener);
    }

    @Override
    public PostgresEventStore installSchema() {
        SchemaInstaller.install(dataSource);
        return this;
    }

    @Override
    public <C, E> PostgresEventRepository<C, E> repository(
            EventTypes<E> eventTypes, Function<? super C, String> streamId) {
        return JooqEventRepository.create(dataSource, eventTypes, streamId, objectMapper);
    }

    @Override
    public <C, S> PostgresSnapshotRepository<C, S> snapshots(
            PostgresEventRepository<C, ?> repository, Class<S> stateType, String revision) {
        Objects.requireNonNull(repository, "repository");
        return JooqSnapshotRepository.create(
                dataSource, repository.eventTypes().decider(), repository::streamId, stateType, revision, objectMapper);
    }

    @Override
    public <S, E> TransactionalViewStore<S, E> jsonbViewStore(
            String table, Function<? super E, String> idOf, Class<S> stateType) {
        return new JsonbViewStore<>(table, idOf, stateType, objectMapper);
    }

    @Override
    public <S> ViewStates<S> viewStates(String table, Class<S> stateType) {
        return new JsonbViewStates<>(dataSource, table, stateType, objectMapper);
    }

    @Override
    public <S, E> ViewProcessor startView(
            String view,
            EventTypes<E> eventTypes,
            View<S, E> evolve,
            TransactionalViewStore<S, E> store,
            StreamingOptions options) {
        Objects.requireNonNull(evolve, "evolve");
        Objects.requireNonNull(store, "store");
        return start(view, eventTypes, options, store::install, store::clear, (transaction, delivery) -> {
            E event = delivery.event();
            Optional<S> state = store.fetch(transaction, event);
            store.save(transaction, event, evolve.evolve(state.orElseGet(evolve::initialState), event));
        });
    }

    @Override
    public <E> ViewProcessor startAtLeastOnce(
            String view, EventTypes<E> eventTypes, Consumer<? super E> handler, StreamingOptions options) {
        Objects.requireNonNull(handler, "handler");
        return start(
                view,
                eventTypes,
                options,
                NOTHING_TO_INSTALL,
                NOTHING_TO_CLEAR,
                (transaction, delivery) -> handler.accept(delivery.event()));
    }

    @Override
    public <E, A> SagaProcessor startSaga(
            String view,
            EventTypes<E> eventTypes,
            Saga<? super E, ? extends A> saga,
            CommandSender<? super A> sender,
            StreamingOptions options) {
        Objects.requireNonNull(saga, "saga");
        Objects.requireNonNull(sender, "sender");
        return start(view, eventTypes, options, NOTHING_TO_INSTALL, NOTHING_TO_CLEAR, (transaction, delivery) -> {
            List<? extends A> commands = saga.react(delivery.event());
            for (int i = 0; i < commands.size(); i++) {
                sender.send(commands.get(i), SagaProcessor.commandId(view, delivery.eventId(), i));
            }
        });
    }

    /** Views, sagas and handlers: the events of {@code eventTypes}, decoded with the store's mapper. */
    private <E> StreamRunner<E> start(
            String view,
            EventTypes<E> eventTypes,
            StreamingOptions options,
            StreamRunner.Installer installer,
            StreamRunner.Clearer clearer,
            StreamRunner.Handler<E> handler) {
        return StreamRunner.start(
                dataSource,
                view,
                new EventDecoder<>(eventTypes, objectMapper),
                options,
                listener,
                installer,
                clearer,
                handler);
    }

    @Override
    public HttpDeliveryProcessor startPush(String view, String secret, HttpDeliveryOptions options) {
        return HttpDeliveryRunner.start(dataSource, view, secret, options, listener);
    }
}
