package io.fmodel.postgres.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.core.Saga;
import io.fmodel.core.View;
import io.fmodel.postgres.CommandSender;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.HttpDeliveryOptions;
import io.fmodel.postgres.HttpDeliveryProcessor;
import io.fmodel.postgres.Metadata;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.PostgresSnapshotRepository;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.RecordedEvent;
import io.fmodel.postgres.SagaProcessor;
import io.fmodel.postgres.SchemaInstaller;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.TransactionalViewStore;
import io.fmodel.postgres.ViewProcessor;
import io.fmodel.postgres.ViewStates;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
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
        return startEvolving(view, eventTypes, options, false, evolve, store, StreamRunner.Delivery::event);
    }

    @Override
    public <E> ViewProcessor startAtLeastOnce(
            String view, EventTypes<E> eventTypes, Consumer<? super E> handler, StreamingOptions options) {
        Objects.requireNonNull(handler, "handler");
        return start(
                view,
                eventTypes,
                options,
                false,
                NOTHING_TO_INSTALL,
                NOTHING_TO_CLEAR,
                (transaction, delivery) -> handler.accept(delivery.event()));
    }

    @Override
    public <S, E> ViewProcessor startRecordedView(
            String view,
            EventTypes<E> eventTypes,
            View<S, RecordedEvent<E>> evolve,
            TransactionalViewStore<S, RecordedEvent<E>> store,
            StreamingOptions options) {
        return startEvolving(view, eventTypes, options, true, evolve, store, StreamRunner.Delivery::recorded);
    }

    /**
     * An exactly-once view: each delivery, as {@code input} makes it (the event, or the event with its record), is
     * folded into the state {@code store} keeps for it, in the transaction that acknowledges it.
     */
    private <S, E, T> ViewProcessor startEvolving(
            String view,
            EventTypes<E> eventTypes,
            StreamingOptions options,
            boolean metadata,
            View<S, T> evolve,
            TransactionalViewStore<S, T> store,
            Function<StreamRunner.Delivery<E>, T> input) {
        Objects.requireNonNull(evolve, "evolve");
        Objects.requireNonNull(store, "store");
        return start(view, eventTypes, options, metadata, store::install, store::clear, (transaction, delivery) -> {
            T in = input.apply(delivery);
            Optional<S> state = store.fetch(transaction, in);
            store.save(transaction, in, evolve.evolve(state.orElseGet(evolve::initialState), in));
        });
    }

    @Override
    public <E> ViewProcessor startRecordedHandler(
            String view,
            EventTypes<E> eventTypes,
            Consumer<? super RecordedEvent<E>> handler,
            StreamingOptions options) {
        Objects.requireNonNull(handler, "handler");
        return start(
                view,
                eventTypes,
                options,
                true,
                NOTHING_TO_INSTALL,
                NOTHING_TO_CLEAR,
                (transaction, delivery) -> handler.accept(delivery.recorded()));
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
        return start(view, eventTypes, options, true, NOTHING_TO_INSTALL, NOTHING_TO_CLEAR, (transaction, delivery) -> {
            List<? extends A> commands = saga.react(delivery.event());
            if (commands.isEmpty()) {
                return;
            }
            // the commands continue the event's conversation, caused by the event: bound for the sender's thread, so
            // that a repository appending there writes it (Metadata.current())
            Metadata cause = delivery.metadata();
            Metadata sent = new Metadata(
                    cause.correlationId() != null
                            ? cause.correlationId()
                            : delivery.commandId().toString(),
                    delivery.eventId().toString(),
                    cause.traceContext(),
                    cause.entries());
            try (Metadata.Scope scope = Metadata.bind(sent)) {
                for (int i = 0; i < commands.size(); i++) {
                    sender.send(commands.get(i), commandId(view, delivery, i));
                }
            }
        });
    }

    /**
     * The id of the {@code index}-th command for a delivered event: {@link SagaProcessor#commandId} for the first (or
     * only) event of a stored event; for the next events of one that upcasting split, the part counts as well.
     */
    private static UUID commandId(String view, StreamRunner.Delivery<?> delivery, int index) {
        if (delivery.part() == 0) {
            return SagaProcessor.commandId(view, delivery.eventId(), index);
        }
        return UUID.nameUUIDFromBytes((view + "\n" + delivery.eventId() + "\n" + delivery.part() + "\n" + index)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Views, sagas and handlers: the events of {@code eventTypes}, decoded with the store's mapper. */
    private <E> StreamRunner<E> start(
            String view,
            EventTypes<E> eventTypes,
            StreamingOptions options,
            boolean metadata,
            StreamRunner.Installer installer,
            StreamRunner.Clearer clearer,
            StreamRunner.Handler<E> handler) {
        StreamingAvailability.require(dataSource, view);
        return StreamRunner.start(
                dataSource,
                view,
                new EventDecoder<>(eventTypes, objectMapper),
                options,
                listener,
                metadata,
                installer,
                clearer,
                handler);
    }

    @Override
    public HttpDeliveryProcessor startPush(String view, String secret, HttpDeliveryOptions options) {
        return startPush(view, secret, options, List.of());
    }

    @Override
    public HttpDeliveryProcessor startPush(
            String view, String secret, HttpDeliveryOptions options, List<? extends EventTypes<?>> eventTypes) {
        StreamingAvailability.require(dataSource, view);
        Map<String, EventDecoder<?>> decoders = new HashMap<>();
        for (EventTypes<?> types : eventTypes) {
            if (decoders.put(types.decider(), new EventDecoder<>(types, objectMapper)) != null) {
                throw new IllegalArgumentException("two EventTypes of decider " + types.decider());
            }
        }
        return HttpDeliveryRunner.start(dataSource, view, secret, options, listener, Map.copyOf(decoders));
    }
}
