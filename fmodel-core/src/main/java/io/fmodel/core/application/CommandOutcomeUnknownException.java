package io.fmodel.core.application;

import java.util.UUID;

/**
 * Thrown when a command's append failed in a way that leaves its outcome unknown (the connection broke during the
 * commit), and retrying it with the same command id did not settle the question within the recovery policy: the store
 * stayed unavailable.
 *
 * <p>The events may or may not be stored. Handling the command again with {@link #commandId()} is safe: if they were
 * stored, the aggregate returns them without deciding again; if not, it decides and appends.
 *
 * {@snippet :
 * try {
 *     aggregate.handle(command, commandId);
 * } catch (CommandOutcomeUnknownException e) {
 *     retryLater(e.command(), e.commandId()); // the same id: applied at most once
 * }
 * }
 */
public final class CommandOutcomeUnknownException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // commands are domain records; serializing this exception is not supported
    private final Object command;

    private final UUID commandId;
    private final int attempts;

    /**
     * @param command the command whose outcome is unknown
     * @param commandId its id: handle it again with this id
     * @param attempts how many attempts were made
     * @param last the last failure
     */
    public CommandOutcomeUnknownException(
            Object command, UUID commandId, int attempts, StoreUnavailableException last) {
        super(
                "the outcome of command " + command + " (id " + commandId + ") is unknown after " + attempts
                        + " attempt(s): " + last.getMessage() + "; handling it again with the same id is safe",
                last);
        this.command = command;
        this.commandId = commandId;
        this.attempts = attempts;
    }

    /** {@return the command whose outcome is unknown} */
    public Object command() {
        return command;
    }

    /** {@return the command's id, to handle it again with} */
    public UUID commandId() {
        return commandId;
    }

    /** {@return how many attempts were made} */
    public int attempts() {
        return attempts;
    }
}
