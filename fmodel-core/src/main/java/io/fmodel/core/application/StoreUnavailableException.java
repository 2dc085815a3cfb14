package io.fmodel.core.application;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a repository when the store could not be reached, or the connection broke during the call.
 *
 * <p>A read wrote nothing. For an append, {@link #outcomeUnknown()} is true: the connection may have broken during the
 * commit, so the events may or may not be stored. Aggregates retry such failures with the same command id under their
 * recovery policy (appends are idempotent by command id, so a retry that finds the events returns them), and throw
 * {@link CommandOutcomeUnknownException} when that does not settle it.
 *
 * {@snippet :
 * throw new StoreUnavailableException("training/42", true, "connection lost during commit", sqlException);
 * }
 */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String stream;
    private final boolean outcomeUnknown;

    /**
     * @param stream a human-readable name of the stream, for example {@code "training/42"}
     * @param outcomeUnknown true when the failure may have happened after the write was sent (an append)
     * @param message what failed
     * @param cause the underlying failure, if any
     */
    public StoreUnavailableException(String stream, boolean outcomeUnknown, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.stream = stream;
        this.outcomeUnknown = outcomeUnknown;
    }

    /** {@return the stream the call was about} */
    public String stream() {
        return stream;
    }

    /** {@return whether the call may have written before it failed (an append whose commit may have happened)} */
    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }
}
