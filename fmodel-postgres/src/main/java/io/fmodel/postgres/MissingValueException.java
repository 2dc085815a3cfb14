package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * A value the event store requires was null (decider id, event, data, command id...).
 *
 * <p>Nothing was written. SQLSTATE {@code ES005} (or {@code 23502} for a direct INSERT).
 *
 * {@snippet :
 * catch (MissingValueException e) { log.warn("{} on {}", e.getMessage(), e.stream()); }
 * }
 */
public final class MissingValueException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param stream the stream concerned, as {@code decider/deciderId}
     * @param message what happened
     * @param sqlState the SQLSTATE the database raised, {@code null} when detected in Java
     * @param cause the underlying failure, if any
     */
    public MissingValueException(String stream, String message, @Nullable String sqlState, @Nullable Throwable cause) {
        super(stream, message, sqlState, cause);
    }
}
