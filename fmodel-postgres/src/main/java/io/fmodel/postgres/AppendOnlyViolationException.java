package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * Someone tried to update, delete or truncate events or registered event types: the store is append-only.
 *
 * <p>Nothing was written. SQLSTATE {@code ES006}.
 *
 * {@snippet :
 * catch (AppendOnlyViolationException e) { log.warn("{} on {}", e.getMessage(), e.stream()); }
 * }
 */
public final class AppendOnlyViolationException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param stream the stream concerned, as {@code decider/deciderId}
     * @param message what happened
     * @param sqlState the SQLSTATE the database raised, {@code null} when detected in Java
     * @param cause the underlying failure, if any
     */
    public AppendOnlyViolationException(
            String stream, String message, @Nullable String sqlState, @Nullable Throwable cause) {
        super(stream, message, sqlState, cause);
    }
}
