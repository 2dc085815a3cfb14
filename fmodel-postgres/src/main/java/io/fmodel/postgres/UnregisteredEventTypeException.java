package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * The event's type is not registered for its decider: unknown to {@link EventTypes}, or its (decider, event, version) is not in the {@code deciders} table (which is also what an event of another decider gets).
 *
 * <p>Nothing was written. SQLSTATE {@code ES002} (or {@code 23503} for a direct INSERT).
 *
 * {@snippet :
 * catch (UnregisteredEventTypeException e) { log.warn("{} on {}", e.getMessage(), e.stream()); }
 * }
 */
public final class UnregisteredEventTypeException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param stream the stream concerned, as {@code decider/deciderId}
     * @param message what happened
     * @param sqlState the SQLSTATE the database raised, {@code null} when detected in Java
     * @param cause the underlying failure, if any
     */
    public UnregisteredEventTypeException(
            String stream, String message, @Nullable String sqlState, @Nullable Throwable cause) {
        super(stream, message, sqlState, cause);
    }
}
