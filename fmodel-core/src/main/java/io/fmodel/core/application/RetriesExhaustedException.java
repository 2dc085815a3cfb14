package io.fmodel.core.application;

/**
 * Thrown when a command still lost the optimistic-locking race after every attempt its {@link RetryPolicy} allows.
 *
 * <p>Nothing of the last attempt was written. The cause is the last {@link ConcurrencyConflictException}.
 *
 * {@snippet :
 * try {
 *     aggregate.handle(command);
 * } catch (RetriesExhaustedException e) {
 *     log.warn("gave up on {} after {} attempts", e.command(), e.attempts(), e.getCause());
 * }
 * }
 */
public final class RetriesExhaustedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // commands are domain records; serializing this exception is not supported
    private final Object command;

    private final int attempts;

    /**
     * @param command the command that could not be applied
     * @param attempts how many attempts were made
     * @param lastConflict the conflict of the last attempt
     */
    public RetriesExhaustedException(Object command, int attempts, ConcurrencyConflictException lastConflict) {
        super(
                "gave up on command " + command + " after " + attempts + " attempt(s): " + lastConflict.getMessage(),
                lastConflict);
        this.command = command;
        this.attempts = attempts;
    }

    /** {@return the command that could not be applied} */
    public Object command() {
        return command;
    }

    /** {@return how many attempts were made} */
    public int attempts() {
        return attempts;
    }
}
