package io.fmodel.vavr;

import io.fmodel.core.application.CommandListener;
import io.fmodel.core.application.CommandOutcomeUnknownException;
import io.fmodel.core.application.EventRepository;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetriesExhaustedException;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.core.application.SnapshotPolicy;
import io.fmodel.core.application.SnapshotRepository;
import io.fmodel.core.application.StoreUnavailableException;
import io.vavr.control.Either;
import java.util.List;
import java.util.UUID;

/**
 * An event-sourced aggregate whose {@code handle} returns {@code Right(events)} or {@code Left(CommandFailure)}
 * instead of throwing: a core {@link EventSourcingAggregate}, wrapped. It fetches, folds, decides, appends, retries
 * conflicts and recovers from outages exactly as that aggregate does (same guarantees, same policies, same
 * idempotency by command id); only the way its outcome reaches the caller differs.
 *
 * <p>Exactly the outcomes the core documents become a {@link CommandFailure}:
 * <ul>
 *   <li>a rejection by {@code decide} (a {@link RejectedException}, which {@link EitherDecider#asDecider()} throws for
 *       a {@code Left}) becomes {@link CommandFailure.Rejected}: nothing was appended. A conflict retry decides
 *       again, so a command rejected after a retry is rejected, not exhausted;
 *   <li>{@link RetriesExhaustedException} becomes {@link CommandFailure.RetriesExhausted};
 *   <li>{@link StoreUnavailableException} becomes {@link CommandFailure.StoreUnavailable};
 *   <li>{@link CommandOutcomeUnknownException} becomes {@link CommandFailure.OutcomeUnknown}.
 * </ul>
 * Everything else propagates unchanged: another exception from {@code decide} or {@code evolve}, a repository's
 * other errors (an unregistered event type, an undecodable stored event, ...) and a {@code RejectedException} that
 * is not this aggregate's rejection are bugs to fix, not outcomes to match on.
 *
 * {@snippet :
 * var counters = EitherAggregate.of(counter, InMemoryEventRepository.of(CounterCommand::counterId));
 * counters.handle(new Add("c-1", 5));   // Right([Added[counterId=c-1, amount=5]])
 * counters.handle(new Add("c-1", 500)); // Left(Rejected[command=Add[...], ..., rejection=over 100, ...]): nothing appended
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 * @param <R> rejection type
 */
public interface EitherAggregate<C, S, E, R> {

    /** {@return the new events of {@code command}, or why there are none, handled under a fresh command id} */
    default Either<CommandFailure<C, R>, List<E>> handle(C command) {
        return handle(command, UUID.randomUUID());
    }

    /**
     * {@return the new events of {@code command} (or the events it produced before if {@code commandId} was already
     * handled), or why there are none}
     */
    Either<CommandFailure<C, R>, List<E>> handle(C command, UUID commandId);

    /** {@return this aggregate retrying concurrency conflicts under {@code policy}} */
    EitherAggregate<C, S, E, R> withRetry(RetryPolicy policy);

    /** {@return this aggregate retrying outages under {@code recovery}, with the same command id} */
    EitherAggregate<C, S, E, R> withRecovery(RetryPolicy recovery);

    /** {@return this aggregate telling {@code listener} of its commands' conflicts, outages and retries} */
    EitherAggregate<C, S, E, R> withListener(CommandListener listener);

    /** {@return an aggregate of {@code decider} over {@code repository}, with the core's default policies} */
    static <C, S, E, R, V> EitherAggregate<C, S, E, R> of(
            EitherDecider<C, S, E, R> decider, EventRepository<C, E, V> repository) {
        return new EitherOfAggregate<>(
                EventSourcingAggregate.of(decider.asDecider(), repository), Rejections.of(decider));
    }

    /**
     * {@return an aggregate of {@code decider} over {@code repository}, starting each command from its stream's
     * snapshot as {@link EventSourcingAggregate#of(io.fmodel.core.Decider, EventRepository, SnapshotRepository,
     * SnapshotPolicy)} does}
     */
    static <C, S, E, R, V> EitherAggregate<C, S, E, R> of(
            EitherDecider<C, S, E, R> decider,
            EventRepository<C, E, V> repository,
            SnapshotRepository<C, S, V> snapshots,
            SnapshotPolicy snapshotPolicy) {
        return new EitherOfAggregate<>(
                EventSourcingAggregate.of(decider.asDecider(), repository, snapshots, snapshotPolicy),
                Rejections.of(decider));
    }

    /**
     * {@return {@code aggregate}, of any core decider (combined ones included), returning {@code Either}: a
     * {@link RejectedException} whose rejection is a {@code rejectionType} becomes {@link CommandFailure.Rejected}}
     *
     * {@snippet :
     * var shop = EitherAggregate.of(EventSourcingAggregate.of(Decider.combine(orders, payments), repository), Reason.class);
     * }
     */
    static <C, S, E, R> EitherAggregate<C, S, E, R> of(
            EventSourcingAggregate<C, S, E> aggregate, Class<R> rejectionType) {
        return new EitherOfAggregate<>(aggregate, Rejections.ofType(rejectionType));
    }
}
