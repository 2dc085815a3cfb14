package io.fmodel.vavr;

import io.fmodel.core.application.CommandListener;
import io.fmodel.core.application.CommandOutcomeUnknownException;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetriesExhaustedException;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.core.application.StoreUnavailableException;
import io.vavr.control.Either;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** {@link EitherAggregate}: the core aggregate does the work; its documented exceptions become a {@code Left}. */
record EitherOfAggregate<C, S, E, R>(EventSourcingAggregate<C, S, E> aggregate, Rejections<R> rejections)
        implements EitherAggregate<C, S, E, R> {

    EitherOfAggregate {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(rejections, "rejections");
    }

    @Override
    public Either<CommandFailure<C, R>, List<E>> handle(C command, UUID commandId) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(commandId, "commandId");
        try {
            return Either.right(aggregate.handle(command, commandId));
        } catch (RejectedException rejected) {
            R rejection = rejections.of(rejected);
            if (rejection == null) {
                throw rejected;
            }
            return Either.left(new CommandFailure.Rejected<>(command, commandId, rejection, rejected));
        } catch (RetriesExhaustedException exhausted) {
            return Either.left(new CommandFailure.RetriesExhausted<>(command, commandId, exhausted));
        } catch (CommandOutcomeUnknownException unknown) {
            return Either.left(new CommandFailure.OutcomeUnknown<>(command, commandId, unknown));
        } catch (StoreUnavailableException unavailable) {
            return Either.left(new CommandFailure.StoreUnavailable<>(command, commandId, unavailable));
        }
    }

    @Override
    public EitherOfAggregate<C, S, E, R> withRetry(RetryPolicy policy) {
        return new EitherOfAggregate<>(aggregate.withRetry(policy), rejections);
    }

    @Override
    public EitherOfAggregate<C, S, E, R> withRecovery(RetryPolicy recovery) {
        return new EitherOfAggregate<>(aggregate.withRecovery(recovery), rejections);
    }

    @Override
    public EitherOfAggregate<C, S, E, R> withListener(CommandListener listener) {
        return new EitherOfAggregate<>(aggregate.withListener(listener), rejections);
    }
}
