package io.fmodel.core.application;

import io.fmodel.core.Decider;
import java.util.List;
import java.util.UUID;

/**
 * Runs a {@link Decider} against an {@link EventRepository}: fetch the stream the command addresses, fold it into the
 * state, decide, append the new events.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>The append expects the version of the last event <em>fetched</em>, never one read again at save time, so a
 *       write that raced with this decision fails with {@link ConcurrencyConflictException} instead of being lost.
 *   <li>On such a conflict the whole fetch-fold-decide-append is retried under the {@link RetryPolicy} (default
 *       {@link RetryPolicy#defaults()}); when attempts run out, {@link RetriesExhaustedException} carries the command
 *       and the last conflict. Nothing else is retried: an exception from {@code decide} reaches the caller
 *       unchanged and nothing is written.
 *   <li>When the store is unreachable or the connection breaks ({@link StoreUnavailableException}), the attempt is
 *       retried with the same command id under the recovery policy (default {@link RetryPolicy#recoveryDefaults()},
 *       about 15 s in all): an append whose commit did happen is then found by its command id and its events
 *       returned, so a command is applied at most once. If the store stays unreachable, the caller gets
 *       {@link CommandOutcomeUnknownException} when an append may have committed, else the last
 *       {@link StoreUnavailableException}.
 *   <li>Idempotency: a command handled again with the same {@code commandId} returns the events it produced the
 *       first time, without deciding again (a decision with no events leaves no trace and is decided again).
 *   <li>Snapshots are opt-in ({@link #of(Decider, EventRepository, SnapshotRepository, SnapshotPolicy)}): the
 *       aggregate then folds only the events after the stream's snapshot, and decides, appends and returns exactly
 *       what it would without them. A snapshot that does not belong to the stream is ignored (docs/snapshots.md).
 * </ul>
 *
 * {@snippet :
 * InMemoryEventRepository<CounterCommand, CounterEvent> repository = InMemoryEventRepository.of(CounterCommand::counterId);
 * EventSourcingAggregate<CounterCommand, Integer, CounterEvent> counters = EventSourcingAggregate.of(counter, repository);
 * List<CounterEvent> events = counters.handle(new Add("c-1", 5)); // [Added[counterId=c-1, amount=5]]
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 */
public interface EventSourcingAggregate<C, S, E> {

    /** {@return the new events of {@code command}, handled under a fresh command id} */
    default List<E> handle(C command) {
        return handle(command, UUID.randomUUID());
    }

    /**
     * {@return the new events of {@code command}, or the events it produced before if {@code commandId} was already
     * handled}
     *
     * @throws RetriesExhaustedException when every attempt lost an optimistic-locking race
     * @throws StoreUnavailableException when the store stayed unreachable and nothing can have been written
     * @throws CommandOutcomeUnknownException when the store stayed unreachable after an append whose commit may have
     *     happened: handle the command again with the same id
     */
    List<E> handle(C command, UUID commandId);

    /** {@return this aggregate retrying concurrency conflicts under {@code policy}} */
    EventSourcingAggregate<C, S, E> withRetry(RetryPolicy policy);

    /**
     * {@return this aggregate retrying {@link StoreUnavailableException}s under {@code recovery} (default
     * {@link RetryPolicy#recoveryDefaults()}), with the same command id; {@code RetryPolicy.of(1, ZERO, ZERO)} turns
     * recovery off}
     */
    EventSourcingAggregate<C, S, E> withRecovery(RetryPolicy recovery);

    /**
     * {@return this aggregate telling {@code listener} of the conflicts, outages and retries of its commands (default
     * {@link CommandListener#none()}); it replaces the listener set before}
     */
    EventSourcingAggregate<C, S, E> withListener(CommandListener listener);

    /**
     * {@return an aggregate of {@code decider} over {@code repository}, with the default retry policy and no snapshots:
     * the aggregate below with {@link SnapshotRepository#none()}, folding the whole stream for every command}
     */
    static <C, S, E, V> EventSourcingAggregate<C, S, E> of(
            Decider<C, S, E> decider, EventRepository<C, E, V> repository) {
        return FetchDecideAppend.withoutSnapshots(decider, repository);
    }

    /**
     * {@return an aggregate of {@code decider} over {@code repository} that starts each command from the stream's
     * snapshot in {@code snapshots} and saves a new one as {@code snapshotPolicy} says, with the default retry policy}
     *
     * <p>Each attempt loads the snapshot, fetches the events after it ({@link EventRepository#fetchAfter}), folds them
     * onto the snapshot's state, decides, and appends expecting the version of the last event fetched (the snapshot's
     * when none is newer). Once the append committed, if at least {@code snapshotPolicy.every()} events were fetched
     * and appended since the snapshot, the state with the new events is saved as the snapshot of the last one; a
     * failing save does not fail the command ({@link SnapshotPolicy}). A decision with no events saves the fetched
     * state on the same condition. An append that {@linkplain Appended.Replayed replays} the command id (its first
     * attempt committed concurrently, after another version) saves nothing. A conflict retries the whole attempt,
     * snapshot load included.
     *
     * {@snippet :
     * var snapshots = InMemorySnapshotRepository.<CounterCommand, Integer>of(CounterCommand::counterId);
     * var counters = EventSourcingAggregate.of(counter, repository, snapshots, SnapshotPolicy.every(100));
     * }
     */
    static <C, S, E, V> EventSourcingAggregate<C, S, E> of(
            Decider<C, S, E> decider,
            EventRepository<C, E, V> repository,
            SnapshotRepository<C, S, V> snapshots,
            SnapshotPolicy snapshotPolicy) {
        return new FetchDecideAppend<>(
                decider,
                repository,
                snapshots,
                snapshotPolicy,
                RetryPolicy.defaults(),
                RetryPolicy.recoveryDefaults(),
                CommandListener.none());
    }
}
