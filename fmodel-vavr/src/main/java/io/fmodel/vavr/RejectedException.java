package io.fmodel.vavr;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Thrown from a core {@code Decider}'s {@code decide} to reject a command with a value: what
 * {@link EitherDecider#asDecider()} throws for a {@code Left}, and what a plain core decider may throw to be read as
 * a rejection by {@link EitherAggregate#of(io.fmodel.core.application.EventSourcingAggregate, Class)}.
 *
 * <p>The core treats it as any exception from {@code decide}: nothing is written, it is not retried, and it reaches
 * the caller of the core aggregate unchanged. {@link EitherAggregate} turns it into
 * {@link CommandFailure.Rejected}. It is an outcome, not a bug, so it carries no stack trace.
 *
 * {@snippet :
 * Decider<CounterCommand, Integer, CounterEvent> plain = Decider.of(0, (command, total) -> {
 *     if (total + command.amount() > 100) {
 *         throw new RejectedException("over 100");
 *     }
 *     return List.of(new Added(command.counterId(), command.amount()));
 * }, (total, event) -> total + event.amount());
 * }
 */
public final class RejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // rejections are domain values; serializing this exception is not supported
    private final Object rejection;

    /** The EitherDecider whose Left this is, so that its aggregate can take the rejection as its own type. */
    private final transient @Nullable EitherDecider<?, ?, ?, ?> origin;

    /** @param rejection why the command was rejected */
    public RejectedException(Object rejection) {
        this(rejection, null);
    }

    RejectedException(Object rejection, @Nullable EitherDecider<?, ?, ?, ?> origin) {
        super("command rejected: " + Objects.requireNonNull(rejection, "rejection"), null, false, false);
        this.rejection = rejection;
        this.origin = origin;
    }

    /** {@return why the command was rejected} */
    public Object rejection() {
        return rejection;
    }

    /** {@return the decider whose {@code Left} this is, {@code null} when thrown by other code} */
    @Nullable
    EitherDecider<?, ?, ?, ?> origin() {
        return origin;
    }
}
