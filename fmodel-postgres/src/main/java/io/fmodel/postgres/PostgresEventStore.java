package io.fmodel.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.core.Saga;
import io.fmodel.core.View;
import io.fmodel.postgres.internal.DefaultEventStore;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The entry point of the adapter: one event store of {@code sql/} in one database, reached through a
 * {@link DataSource}. Everything else comes from it, so the data source, the Jackson mapper and the processors'
 * listener are configured once and every part encodes and decodes events the same way.
 *
 * <p>Immutable and thread-safe; {@link #of}, {@link #withObjectMapper} and {@link #withListener} do no I/O. The
 * {@code start...} methods start processors (threads and connections: close them); {@link #installSchema()} and
 * {@link #repository} do I/O.
 *
 * {@snippet :
 * PostgresEventStore store = PostgresEventStore.of(dataSource).installSchema();
 * var trainings = store.repository(EventTypes.of("training", TrainingEvent.class), TrainingCommand::trainingId);
 * var aggregate = EventSourcingAggregate.of(trainingDecider, trainings);
 *
 * var summaries = store.jsonbViewStore("training_summaries", TrainingEvent::trainingId, TrainingSummary.class);
 * try (ViewProcessor view = store.startView("training-summaries", trainings.eventTypes(), summaryView, summaries,
 *         StreamingOptions.defaults())) {
 *     aggregate.handle(new ScheduleTraining("t-1", "Java"));
 *     Optional<TrainingSummary> summary = store.viewStates("training_summaries", TrainingSummary.class).find("t-1");
 * }
 * }
 */
public interface PostgresEventStore {

    /**
     * {@return the store in the database of {@code dataSource}, encoding with the adapter's default Jackson mapper
     * ({@code java.time} types as ISO-8601 strings) and observed by no listener; no I/O}
     *
     * <p>Give it a pooled data source (HikariCP, for example): every call borrows a connection, and each processor
     * worker holds one.
     */
    static PostgresEventStore of(DataSource dataSource) {
        return DefaultEventStore.create(dataSource);
    }

    /** {@return the data source every part of this store borrows its connections from} */
    DataSource dataSource();

    /** {@return the mapper that encodes events, snapshots and view states, and decodes them in every processor} */
    ObjectMapper objectMapper();

    /** {@return the listener every processor started from this store reports to} */
    ProcessorListener listener();

    /**
     * {@return this store with events, snapshots and view states encoded and decoded by {@code objectMapper}; no I/O}
     *
     * <p>Configure it with every module the events need before passing it, and do not change it afterwards.
     */
    PostgresEventStore withObjectMapper(ObjectMapper objectMapper);

    /** {@return this store with every processor it starts reporting to {@code listener}; no I/O} */
    PostgresEventStore withListener(ProcessorListener listener);

    /**
     * Applies the files of {@code sql/} the database has not recorded yet ({@link SchemaInstaller#install}): creates
     * the event store or upgrades it to this version, without taking a lock a writer holds. The role needs the right to
     * create objects; where the schema is managed otherwise, do not call it.
     *
     * @return this store
     * @throws EventStoreAccessException if a file cannot be applied; then nothing is applied
     */
    PostgresEventStore installSchema();

    /**
     * {@return the event repository of {@code eventTypes.decider()}, one stream per {@code streamId} of a command}
     *
     * <p>Registers the decider's event types ({@code register_decider_event}, idempotent): it does I/O.
     *
     * @throws EventStoreException if the event types cannot be registered
     */
    <C, E> PostgresEventRepository<C, E> repository(EventTypes<E> eventTypes, Function<? super C, String> streamId);

    /**
     * {@return the snapshots of the streams of {@code repository}: same decider, same stream ids, states of class
     * {@code stateType} in shape {@code revision}; no I/O}
     *
     * <p>Change {@code revision} whenever the state's JSON shape changes: snapshots of another revision are not loaded,
     * the aggregate folds the whole history instead (docs/snapshots.md).
     */
    <C, S> PostgresSnapshotRepository<C, S> snapshots(
            PostgresEventRepository<C, ?> repository, Class<S> stateType, String revision);

    /**
     * {@return a view store keeping one JSONB document per entity in {@code table} (columns {@code id TEXT PRIMARY
     * KEY, state JSONB, updated_at}), created by the first processor that uses it; no I/O}
     *
     * @param table an unquoted SQL identifier: letters, digits and underscores
     * @param idOf the entity an event belongs to
     * @throws IllegalArgumentException if {@code table} is not such an identifier
     */
    <S, E> TransactionalViewStore<S, E> jsonbViewStore(
            String table, Function<? super E, String> idOf, Class<S> stateType);

    /**
     * {@return the query side of the JSONB view store in {@code table}: states by id, in pages, counted; no I/O}
     *
     * @throws IllegalArgumentException if {@code table} is not an unquoted SQL identifier
     */
    <S> ViewStates<S> viewStates(String table, Class<S> stateType);

    /**
     * {@return a started processor of the view {@code view}, evolving the states of {@code store} exactly once}: the
     * states of one batch and its acknowledgement commit in one transaction ({@link ViewProcessor})
     *
     * <p>Registers the view if it is missing, from the beginning of the log unless {@code options} name a start.
     *
     * @throws EventStoreException if the view cannot be registered or the store not installed
     */
    <S, E> ViewProcessor startView(
            String view,
            EventTypes<E> eventTypes,
            View<S, E> evolve,
            TransactionalViewStore<S, E> store,
            StreamingOptions options);

    /**
     * {@return a started processor of the view {@code view}, calling {@code handler} for each event at least once}:
     * for a view kept outside this database (make {@code handler} idempotent)
     *
     * @throws EventStoreException if the view cannot be registered
     */
    <E> ViewProcessor startAtLeastOnce(
            String view, EventTypes<E> eventTypes, Consumer<? super E> handler, StreamingOptions options);

    /**
     * {@return a started processor of the view {@code view} that folds {@link RecordedEvent}s, each event with its
     * offset and {@link Metadata}, exactly once}: {@link #startView} for a view that reads the metadata as well
     *
     * {@snippet :
     * var lastCause = store.jsonbViewStore("last_cause",
     *         (RecordedEvent<CounterEvent> r) -> r.event().counterId(), String.class);
     * store.startRecordedView("last-cause", types,
     *         View.of("", (String cause, RecordedEvent<CounterEvent> r) -> r.metadata().causationId()),
     *         lastCause, StreamingOptions.defaults());
     * }
     *
     * @throws EventStoreException if the view cannot be registered or the store not installed
     */
    <S, E> ViewProcessor startRecordedView(
            String view,
            EventTypes<E> eventTypes,
            View<S, RecordedEvent<E>> evolve,
            TransactionalViewStore<S, RecordedEvent<E>> store,
            StreamingOptions options);

    /**
     * {@return a started processor of the view {@code view}, calling {@code handler} for each event, with its offset
     * and {@link Metadata}, at least once}: {@link #startAtLeastOnce} for a handler that reads the metadata as well
     *
     * @throws EventStoreException if the view cannot be registered
     */
    <E> ViewProcessor startRecordedHandler(
            String view,
            EventTypes<E> eventTypes,
            Consumer<? super RecordedEvent<E>> handler,
            StreamingOptions options);

    /**
     * {@return a started processor of the view {@code view}, sending the reactions of {@code saga} to {@code sender}
     * with command ids derived from the events ({@link SagaProcessor#commandId})}
     *
     * <p>Around each send, the triggering event's correlation id (its command id when it has none), its id as
     * causation id, its trace context and entries are bound to the sender's thread ({@link Metadata#bind}): a sender
     * that handles the command in that thread, as {@code aggregate::handle} does, writes them on the command's events.
     *
     * @throws EventStoreException if the view cannot be registered
     */
    <E, A> SagaProcessor startSaga(
            String view,
            EventTypes<E> eventTypes,
            Saga<? super E, ? extends A> saga,
            CommandSender<? super A> sender,
            StreamingOptions options);

    /**
     * {@return a started processor pushing the events of the registered view {@code view} to its
     * {@code edge_function_url}, signed with {@code secret} ({@link HttpDeliveryProcessor})}
     *
     * @throws IllegalArgumentException if {@code secret} is empty
     * @throws EventStoreException if the view is not registered with an http(s) URL
     */
    HttpDeliveryProcessor startPush(String view, String secret, HttpDeliveryOptions options);

    /**
     * {@return {@link #startPush(String, String, HttpDeliveryOptions)}, pushing the events of the deciders of
     * {@code eventTypes} at their current versions}: a stored event of an older version is upcast by their
     * {@link Upcaster}s first (one request per resulting event, none for a dropped one); the events of other deciders
     * go as they are stored
     *
     * @throws IllegalArgumentException if {@code secret} is empty or two event types have the same decider
     * @throws EventStoreException if the view is not registered with an http(s) URL
     */
    HttpDeliveryProcessor startPush(
            String view, String secret, HttpDeliveryOptions options, List<? extends EventTypes<?>> eventTypes);
}
