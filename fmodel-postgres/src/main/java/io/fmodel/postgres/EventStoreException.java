package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * A failure of the PostgreSQL event store that is not an optimistic-locking conflict.
 *
 * <p>Conflicts (the stream moved on since it was read) are {@link io.fmodel.core.application.ConcurrencyConflictException}
 * and are retried by the aggregate; everything here is not retried: retrying would fail the same way. Each subtype
 * stands for one cause, so callers switch on the type, not on messages. When the database raised the failure,
 * {@link #sqlState()} is its SQLSTATE (see {@code docs/event-store.md}); nothing was written, except for an
 * {@link EventStoreTimeoutException} that says {@code committed()}.
 *
 * <p>A store that cannot be reached, or a connection that breaks, is not one of these: it is
 * {@link io.fmodel.core.application.StoreUnavailableException}, which the aggregate retries with the same command id.
 *
 * {@snippet :
 * try {
 *     aggregate.handle(command);
 * } catch (FinalStreamException e) {
 *     // the stream was closed: tell the user, do not retry
 * } catch (EventStoreException e) {
 *     log.error("event store failure on stream {}", e.stream(), e);
 * }
 * }
 */
public abstract sealed class EventStoreException extends RuntimeException
        permits UnregisteredEventTypeException,
                UnknownPreviousEventException,
                FinalStreamException,
                DuplicateEventException,
                MissingValueException,
                InvalidValueException,
                AppendOnlyViolationException,
                EventEncodingException,
                EventDecodingException,
                EventStoreTimeoutException,
                EventStoreAccessException,
                SchemaLayoutException {

    private static final long serialVersionUID = 1L;

    private final String stream;
    private final @Nullable String sqlState;

    EventStoreException(String stream, String message, @Nullable String sqlState, @Nullable Throwable cause) {
        super(message, cause);
        this.stream = stream;
        this.sqlState = sqlState;
    }

    /**
     * {@return the stream concerned, as {@code decider/deciderId}, or the decider alone when no stream is; for a
     * processor's calls about its view, {@code view NAME}}
     */
    public String stream() {
        return stream;
    }

    /** {@return the SQLSTATE the database raised, {@code null} when the failure was detected in Java} */
    public @Nullable String sqlState() {
        return sqlState;
    }
}
