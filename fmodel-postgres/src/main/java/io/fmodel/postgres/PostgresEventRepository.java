package io.fmodel.postgres;

import io.fmodel.core.application.EventRepository;
import io.fmodel.core.application.StoredEvent;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * The {@link EventRepository} on PostgreSQL: the event store of {@code sql/}, reached through its SQL API.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>The version of a stream is the id ({@link UUID}) of its last event, the {@code previous_id} of the next
 *       append (docs/adr/0003).
 *   <li>{@link #fetch} is one call of {@code get_events}: one round trip. {@link #fetchAfter} (the read of an
 *       aggregate with snapshots, {@link PostgresSnapshotRepository}) is one call of {@code get_events_after}: one
 *       round trip, reading by index only the events after the snapshot and the command's own earlier events.
 *   <li>{@link #append} writes all events of one decision in one transaction and one round trip
 *       ({@code append_events_with_metadata}, which chains them by {@code previous_id} as {@code append_events} does). If the stream
 *       moved on since {@code expectedVersion}, nothing is written and it throws
 *       {@link io.fmodel.core.application.ConcurrencyConflictException}, which the aggregate retries.
 *   <li>A server that cannot be reached, or a connection that breaks, throws
 *       {@link io.fmodel.core.application.StoreUnavailableException}; for an append already sent, its
 *       {@code outcomeUnknown()} is true. The aggregate retries it with the same command id (docs/reliability.md).
 *   <li>Every call is bounded ({@link #withTimeout}, default {@link #DEFAULT_TIMEOUT}): past the bound the driver
 *       cancels it and it throws {@link EventStoreTimeoutException}.
 *   <li>Every other failure is an {@link EventStoreException} subtype, not retried.
 *   <li>An append whose command id already produced events in the stream writes nothing and returns those events
 *       as {@link io.fmodel.core.application.Appended.Replayed}; an append that writes returns
 *       {@link io.fmodel.core.application.Appended.Written}. The answer of {@code append_events} tells them apart (a
 *       replay's rows do not carry the event ids generated for this call): no extra round trip.
 *   <li>Events are stored as JSON (Jackson) in {@code data}, typed by {@link EventTypes}, always at the current
 *       version of their class; stored events of older versions are read through the {@link Upcaster}s of
 *       {@link EventTypes} (docs/event-evolution.md). Creating a repository registers the decider's event types and
 *       upcast versions ({@code register_decider_event}, idempotent): it does I/O.
 *   <li>Each append writes a {@link Metadata} document for its events ({@code append_events_with_metadata}): the
 *       thread's, the repository's ({@link #withMetadata}), and the command id as causation and correlation id.
 * </ul>
 * Thread-safe: one instance serves all threads; each call borrows a connection from the {@link DataSource}.
 *
 * {@snippet :
 * var repository = PostgresEventStore.of(dataSource)
 *         .repository(EventTypes.of("training", TrainingEvent.class), TrainingCommand::trainingId);
 * var aggregate = EventSourcingAggregate.of(decider, repository);
 * }
 *
 * @param <C> command type
 * @param <E> event type
 */
public interface PostgresEventRepository<C, E> extends EventRepository<C, E, UUID> {

    /** The default bound on one call's time in the database: 30 seconds. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** {@return the event types this repository stores} */
    EventTypes<E> eventTypes();

    /**
     * {@return the id of the stream {@code command} addresses (the function the repository was made with), checked}
     *
     * @throws MissingValueException if {@code command} or its stream id is null
     * @throws InvalidValueException if the id is empty or longer than the store allows
     */
    String streamId(C command);

    /**
     * {@return the events of the stream {@code streamId} of this repository's decider, in order, with their ids and
     * command ids; empty for a stream without events}: what {@link #fetch} reads for a command addressing that stream,
     * without making up a command (one call of {@code get_events})
     *
     * @throws MissingValueException if {@code streamId} is null
     * @throws InvalidValueException if it is empty or longer than the store allows, before any I/O
     */
    List<StoredEvent<E, UUID>> read(String streamId);

    /**
     * {@return the events of the stream {@code streamId}, in order, as {@link #read} returns them, with their offsets
     * and {@link Metadata} ({@link Metadata#EMPTY} for an event written without)}: one call of {@code get_events}
     *
     * @throws MissingValueException if {@code streamId} is null
     * @throws InvalidValueException if it is empty or longer than the store allows, before any I/O
     */
    List<RecordedEvent<E>> readRecorded(String streamId);

    /**
     * {@return this repository writing {@code metadata}'s document for each command, under the thread's
     * ({@link Metadata#bind}) and over the command id, which is the default causation and correlation id}
     *
     * <p>Every event of a decision gets the metadata of its command: the one bound to the calling thread, completed by
     * {@code metadata.apply(command)}, completed by the command id. Pure: no registration is repeated.
     */
    PostgresEventRepository<C, E> withMetadata(Function<? super C, Metadata> metadata);

    /**
     * {@return this repository closing a stream with the events {@code closes} accepts: such an event is stored as
     * final, and appending to its stream afterwards throws {@link FinalStreamException}}
     *
     * <p>A closing event must be the last of its decision; otherwise {@link #append} throws
     * {@link IllegalArgumentException} before any I/O. Pure: no registration is repeated.
     */
    PostgresEventRepository<C, E> closingWith(Predicate<? super E> closes);

    /**
     * {@return this repository bounding each call's time in the database by {@code timeout} ({@link Duration#ZERO}: no
     * bound)}
     *
     * <p>The bound covers the statement and, for an append, its commit, including the wait for a synchronous standby
     * to confirm it: while such a standby is down, an append fails after {@code timeout} with an
     * {@link EventStoreTimeoutException} that says the events are stored but unconfirmed, instead of blocking for as
     * long as the standby is gone. A statement cancelled before its commit fails with one that says nothing was
     * written. The driver cancels the statement through a cancel request on its own connection (works through
     * PgBouncer). Borrowing a connection is bounded by the pool, not by this (HikariCP's {@code connectionTimeout}).
     * Pure: no registration is repeated.
     */
    PostgresEventRepository<C, E> withTimeout(Duration timeout);

    /** {@return the bound on each call's time in the database, {@link Duration#ZERO} for none} */
    Duration timeout();
}
