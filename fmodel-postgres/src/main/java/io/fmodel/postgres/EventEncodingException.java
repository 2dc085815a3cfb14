package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * An event could not be serialized to JSON.
 *
 * <p>Nothing was written. Detected in Java, before any I/O.
 *
 * {@snippet :
 * catch (EventEncodingException e) { log.warn("{} on {}", e.getMessage(), e.stream()); }
 * }
 */
public final class EventEncodingException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param stream the stream concerned, as {@code decider/deciderId}
     * @param message what happened
     * @param sqlState the SQLSTATE the database raised, {@code null} when detected in Java
     * @param cause the underlying failure, if any
     */
    public EventEncodingException(String stream, String message, @Nullable String sqlState, @Nullable Throwable cause) {
        super(stream, message, sqlState, cause);
    }
}
