package io.fmodel.vavr;

import io.fmodel.core.application.CommandOutcomeUnknownException;
import io.fmodel.core.application.RetriesExhaustedException;
import io.fmodel.core.application.StoreUnavailableException;
import java.util.Objects;
import java.util.UUID;

/**
 * Why {@link EitherAggregate#handle} did not return events: the {@code Left} side, one case per outcome the core
 * aggregate documents as an exception. Every case keeps the command, its id and the exception it stands for.
 *
 * <p>What each case guarantees:
 * <ul>
 *   <li>{@link Rejected}: {@code decide} rejected the command (in the last attempt, after any conflict retries);
 *       nothing was written. Handling it again decides again.
 *   <li>{@link RetriesExhausted}: every attempt lost an optimistic-locking race; nothing of the last attempt was
 *       written.
 *   <li>{@link StoreUnavailable}: the store stayed unreachable and nothing can have been written.
 *   <li>{@link OutcomeUnknown}: the store stayed unreachable after an append whose commit may have happened; handling
 *       the command again with {@link #commandId()} is safe (applied at most once).
 * </ul>
 *
 * {@snippet :
 * String message = switch (failure) {
 *     case CommandFailure.Rejected<Command, Reason> r -> "rejected: " + r.rejection();
 *     case CommandFailure.RetriesExhausted<Command, Reason> x -> "gave up after " + x.attempts() + " attempts";
 *     case CommandFailure.StoreUnavailable<Command, Reason> u -> "store down, nothing written";
 *     case CommandFailure.OutcomeUnknown<Command, Reason> u -> "send again with id " + u.commandId();
 * };
 * }
 *
 * @param <C> command type
 * @param <R> rejection type
 */
public sealed interface CommandFailure<C, R>
        permits CommandFailure.Rejected,
                CommandFailure.RetriesExhausted,
                CommandFailure.StoreUnavailable,
                CommandFailure.OutcomeUnknown {

    /** {@return the command that was not applied, or whose outcome is unknown} */
    C command();

    /** {@return the id the command was handled under} */
    UUID commandId();

    /** {@return the exception the core aggregate threw for this outcome} */
    RuntimeException cause();

    /**
     * {@code decide} rejected the command; nothing was written.
     *
     * @param command the command
     * @param commandId its id
     * @param rejection why it was rejected
     * @param cause the exception that carried the rejection through the core aggregate
     * @param <C> command type
     * @param <R> rejection type
     */
    record Rejected<C, R>(C command, UUID commandId, R rejection, RejectedException cause)
            implements CommandFailure<C, R> {

        /** Checks that no component is null. */
        public Rejected {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(rejection, "rejection");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * Every attempt lost an optimistic-locking race; nothing of the last attempt was written.
     *
     * @param command the command
     * @param commandId its id
     * @param cause the core's exception, with the last conflict as its cause
     * @param <C> command type
     * @param <R> rejection type
     */
    record RetriesExhausted<C, R>(C command, UUID commandId, RetriesExhaustedException cause)
            implements CommandFailure<C, R> {

        /** Checks that no component is null. */
        public RetriesExhausted {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(cause, "cause");
        }

        /** {@return how many attempts were made} */
        public int attempts() {
            return cause.attempts();
        }
    }

    /**
     * The store stayed unreachable; nothing can have been written.
     *
     * @param command the command
     * @param commandId its id
     * @param cause the last failure
     * @param <C> command type
     * @param <R> rejection type
     */
    record StoreUnavailable<C, R>(C command, UUID commandId, StoreUnavailableException cause)
            implements CommandFailure<C, R> {

        /** Checks that no component is null. */
        public StoreUnavailable {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * The store stayed unreachable after an append whose commit may have happened: the events may or may not be
     * stored. Handling the command again with {@link #commandId()} is safe.
     *
     * @param command the command
     * @param commandId its id: handle the command again with it
     * @param cause the core's exception, with the last outage as its cause
     * @param <C> command type
     * @param <R> rejection type
     */
    record OutcomeUnknown<C, R>(C command, UUID commandId, CommandOutcomeUnknownException cause)
            implements CommandFailure<C, R> {

        /** Checks that no component is null. */
        public OutcomeUnknown {
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(cause, "cause");
        }
    }
}
