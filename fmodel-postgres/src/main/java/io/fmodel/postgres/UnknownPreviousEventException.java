package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * The {@code previous_id} of an append is not an event of the stream: unknown, or an event of another stream.
 *
 * <p>Nothing was written. SQLSTATE {@code ES003}. A conflict would be a known but stale {@code previous_id}; this is a caller bug.
 *
 * {@snippet :
 * catch (UnknownPreviousEventException e) { log.warn("{} on {}", e.getMessage(), e.stream()); }
 * }
 */
public final class UnknownPreviousEventException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param stream the stream concerned, as {@code decider/deciderId}
     * @param message what happened
     * @param sqlState the SQLSTATE the database raised, {@code null} when detected in Java
     * @param cause the underlying failure, if any
     */
    public UnknownPreviousEventException(
            String stream, String message, @Nullable String sqlState, @Nullable Throwable cause) {
        super(stream, message, sqlState, cause);
    }
}
