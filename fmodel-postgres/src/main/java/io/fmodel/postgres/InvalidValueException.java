package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * A value the event store refuses: an identifier that is empty or longer than its limit in bytes (a stream id above
 * 512 bytes, a decider, event or view name above 128), a number out of its documented range, or a column only the
 * store assigns.
 *
 * <p>Nothing was written. SQLSTATE {@code ES008} when the database refused it; the adapter checks identifiers before
 * any I/O, and then {@link #sqlState()} is {@code null}. The limits are in docs/event-store.md.
 *
 * {@snippet :
 * catch (InvalidValueException e) { return badRequest(e.getMessage()); } // the stream id came from user input
 * }
 */
public final class InvalidValueException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param stream the stream concerned, as {@code decider/deciderId} (the id abbreviated when it is too long)
     * @param message what is wrong, with the limit
     * @param sqlState the SQLSTATE the database raised, {@code null} when detected in Java
     * @param cause the underlying failure, if any
     */
    public InvalidValueException(String stream, String message, @Nullable String sqlState, @Nullable Throwable cause) {
        super(stream, message, sqlState, cause);
    }
}
