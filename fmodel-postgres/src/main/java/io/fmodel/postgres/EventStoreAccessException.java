package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * Any other failure of the database or of the connection to it (server down, timeout, permission...).
 *
 * <p>If the connection broke while committing, the outcome is unknown: retrying with the same command id is safe,
 * because appends are idempotent per command. The SQLSTATE, when there is one, tells the cause; retrying may or may not help.
 *
 * {@snippet :
 * catch (EventStoreAccessException e) { log.warn("{} on {}", e.getMessage(), e.stream()); }
 * }
 */
public final class EventStoreAccessException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param stream the stream concerned, as {@code decider/deciderId}
     * @param message what happened
     * @param sqlState the SQLSTATE the database raised, {@code null} when detected in Java
     * @param cause the underlying failure, if any
     */
    public EventStoreAccessException(
            String stream, String message, @Nullable String sqlState, @Nullable Throwable cause) {
        super(stream, message, sqlState, cause);
    }
}
