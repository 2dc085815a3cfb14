package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * The stream was closed by a final event: nothing can be appended to it any more.
 *
 * <p>Nothing was written. SQLSTATE {@code ES004}.
 *
 * {@snippet :
 * catch (FinalStreamException e) { log.warn("{} on {}", e.getMessage(), e.stream()); }
 * }
 */
public final class FinalStreamException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param stream the stream concerned, as {@code decider/deciderId}
     * @param message what happened
     * @param sqlState the SQLSTATE the database raised, {@code null} when detected in Java
     * @param cause the underlying failure, if any
     */
    public FinalStreamException(String stream, String message, @Nullable String sqlState, @Nullable Throwable cause) {
        super(stream, message, sqlState, cause);
    }
}
