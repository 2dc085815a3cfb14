package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * Any other failure of the database (a permission, a missing function, a server-side limit...).
 *
 * <p>The SQLSTATE, when there is one, tells the cause; retrying does not help. A connection that breaks or a server
 * that cannot be reached is {@link io.fmodel.core.application.StoreUnavailableException} instead, and a call that
 * takes longer than its bound is {@link EventStoreTimeoutException}.
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
