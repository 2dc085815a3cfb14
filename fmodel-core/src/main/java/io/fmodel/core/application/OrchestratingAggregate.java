package io.fmodel.core.application;

import io.fmodel.core.Decider;
import io.fmodel.core.Saga;
import java.util.List;
import java.util.UUID;

/**
 * An event-sourced aggregate with a saga: the events of a decision are fed to the saga, and the commands it reacts
 * with are handled in turn, until no command is left.
 *
 * <p>Each command, the first one and every one the saga emits, is decided against the state of the entity <em>it
 * addresses</em>: its own stream, fetched through the repository, never a fold of the other events of the batch
 * (the class of bug reported as fmodel-ts#798). Each command's events are appended to its stream all or nothing,
 * with the guarantees of {@link EventSourcingAggregate} (optimistic locking, retries, idempotency).
 *
 * <p>The steps are not one transaction across streams. Instead the cascade is resumable: the saga's commands get
 * ids derived from the id of the command that caused them, so handling the first command again with the same
 * {@code commandId} replays the steps already done (without deciding them again) and carries on where it stopped.
 * A cascade deeper than {@code maxDepth} (default 10) stops with {@link OrchestrationTooDeepException}; steps before
 * it stay appended.
 *
 * {@snippet :
 * OrchestratingAggregate<Command, State, Event> transfers =
 *         OrchestratingAggregate.of(account, transferSaga, InMemoryEventRepository.of(Command::accountId));
 * List<Event> all = transfers.handle(new Withdraw("a-1", 10, "a-2")); // the withdrawal, then the deposit on a-2
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 */
public interface OrchestratingAggregate<C, S, E> {

    /** {@return every event of the cascade {@code command} starts, in the order they were appended} */
    default List<E> handle(C command) {
        return handle(command, UUID.randomUUID());
    }

    /**
     * {@return every event of the cascade {@code command} starts, in the order they were appended; for an already
     * handled {@code commandId}, the events appended then, completed by any step not yet done}
     *
     * @throws RetriesExhaustedException when a step lost every optimistic-locking race
     * @throws OrchestrationTooDeepException when the saga keeps emitting commands past the depth bound
     */
    List<E> handle(C command, UUID commandId);

    /** {@return this aggregate retrying every step's concurrency conflicts under {@code policy}} */
    OrchestratingAggregate<C, S, E> withRetry(RetryPolicy policy);

    /** {@return this aggregate retrying every step's store outages under {@code recovery}, with the step's command id} */
    OrchestratingAggregate<C, S, E> withRecovery(RetryPolicy recovery);

    /** {@return this aggregate stopping cascades deeper than {@code maxDepth} saga reactions} */
    OrchestratingAggregate<C, S, E> withMaxDepth(int maxDepth);

    /** {@return an aggregate of {@code decider} and {@code saga} over {@code repository}} */
    static <C, S, E, V> OrchestratingAggregate<C, S, E> of(
            Decider<C, S, E> decider, Saga<? super E, ? extends C> saga, EventRepository<C, E, V> repository) {
        return new Cascade<>(FetchDecideAppend.withoutSnapshots(decider, repository), saga, 10);
    }
}
