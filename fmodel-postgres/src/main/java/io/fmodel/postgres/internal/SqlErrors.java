package io.fmodel.postgres.internal;

import io.fmodel.core.application.ConcurrencyConflictException;
import io.fmodel.core.application.StoreUnavailableException;
import io.fmodel.postgres.AppendOnlyViolationException;
import io.fmodel.postgres.DuplicateEventException;
import io.fmodel.postgres.EventStoreAccessException;
import io.fmodel.postgres.FinalStreamException;
import io.fmodel.postgres.InvalidValueException;
import io.fmodel.postgres.MissingValueException;
import io.fmodel.postgres.UnknownPreviousEventException;
import io.fmodel.postgres.UnregisteredEventTypeException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps a database failure to the typed exception it stands for, by SQLSTATE, never by message text. The store's
 * functions raise its own codes (ES001-ES009) for every failure of an append, on both layouts (plain PostgreSQL and
 * Citus, whose duplicate-key errors lose the constraint's name); only a direct write to the events table on plain
 * PostgreSQL raises PostgreSQL's 23505, told apart by constraint name. The table is in docs/event-store.md.
 */
public final class SqlErrors {

    private static final Logger LOG = LoggerFactory.getLogger(SqlErrors.class);

    private SqlErrors() {}

    /** SQLSTATE of a concurrency conflict raised by {@code append_event}. */
    public static final String CONFLICT = "ES001";

    /** SQLSTATE of an unregistered event type. */
    public static final String UNREGISTERED_EVENT_TYPE = "ES002";

    /** SQLSTATE of a previous_id that is not an event of the stream. */
    public static final String UNKNOWN_PREVIOUS_EVENT = "ES003";

    /** SQLSTATE of an append to a final stream. */
    public static final String FINAL_STREAM = "ES004";

    /** SQLSTATE of a null where a value is required. */
    public static final String MISSING_VALUE = "ES005";

    /** SQLSTATE of an update, delete or truncate of an append-only table. */
    public static final String APPEND_ONLY = "ES006";

    /**
     * SQLSTATE of a command id reused in another batch of the same stream. Through the API only a race raises it (the
     * command's earlier append committed between the replay check and the insert): a retry finds it and replays.
     */
    public static final String DUPLICATE_COMMAND = "ES007";

    /** SQLSTATE of a value out of bounds: an empty or oversized identifier, a number out of range. */
    public static final String INVALID_VALUE = "ES008";

    /** SQLSTATE of an event id stored already (sql/005; on Citus, within the stream's decider_id). */
    public static final String DUPLICATE_EVENT = "ES009";

    /**
     * {@return the exception a failed read (or a write that was never sent) stands for}
     *
     * @param failure what the driver (or jOOQ) threw
     * @param stream the stream concerned, {@code decider/deciderId}
     * @param expectedVersion the version the writer expected, for a conflict
     */
    public static RuntimeException map(Throwable failure, String stream, @Nullable Object expectedVersion) {
        return map(failure, stream, expectedVersion, false);
    }

    /**
     * {@return the exception {@code failure} stands for}
     *
     * @param failure what the driver (or jOOQ) threw
     * @param stream the stream concerned, {@code decider/deciderId}
     * @param expectedVersion the version the writer expected, for a conflict
     * @param sent whether a write was sent: a broken connection then leaves its outcome unknown
     */
    public static RuntimeException map(
            Throwable failure, String stream, @Nullable Object expectedVersion, boolean sent) {
        SQLException sql = sqlException(failure);
        if (sql == null) {
            return new EventStoreAccessException(stream, String.valueOf(failure.getMessage()), null, failure);
        }
        String state = String.valueOf(sql.getSQLState());
        if (isInfrastructureFailure(sql)) {
            // a statement the server never parsed or prepared was not run: its outcome is known
            boolean mixup = isPoolerMixup(sql);
            boolean unknown = sent && !mixup;
            return new StoreUnavailableException(
                    stream,
                    unknown,
                    "the event store is unavailable (SQLSTATE " + state + "): " + sql.getMessage()
                            + (unknown ? "; the write may or may not have committed" : "; nothing was written")
                            + (mixup ? "; " + POOLER_HINT : ""),
                    failure);
        }
        String constraint = constraint(sql);
        String message = serverMessage(sql);
        return switch (state) {
            case CONFLICT,
                    DUPLICATE_COMMAND,
                    // serialization failure and deadlock: the transaction lost a race, a retry is what helps
                    "40001",
                    "40P01" -> new ConcurrencyConflictException(stream, expectedVersion, failure);
            case INVALID_VALUE, "23514" -> new InvalidValueException(stream, message, state, failure);
            case UNREGISTERED_EVENT_TYPE, "23503" ->
                new UnregisteredEventTypeException(stream, message, state, failure);
            case UNKNOWN_PREVIOUS_EVENT -> new UnknownPreviousEventException(stream, message, state, failure);
            case FINAL_STREAM -> new FinalStreamException(stream, message, state, failure);
            case MISSING_VALUE, "23502" -> new MissingValueException(stream, message, state, failure);
            case APPEND_ONLY -> new AppendOnlyViolationException(stream, message, state, failure);
            case DUPLICATE_EVENT -> new DuplicateEventException(stream, message, state, failure);
            // a direct INSERT into events on plain PostgreSQL (the API raises the codes above)
            case "23505" ->
                switch (String.valueOf(constraint)) {
                    // a fork of the chain or a concurrent first event: the head moved
                    case "events_stream_position_key" ->
                        new ConcurrencyConflictException(stream, expectedVersion, failure);
                    case "events_event_id_key" -> new DuplicateEventException(stream, message, state, failure);
                    default -> new EventStoreAccessException(stream, message, state, failure);
                };
            default -> new EventStoreAccessException(stream, message, state, failure);
        };
    }

    /**
     * {@return the exception a failed call of a processor about its view stands for, never an untyped wrapper}: the
     * store unavailable for a connection failure (nothing written: these calls are reads, or writes that are safe to
     * repeat), else {@link EventStoreAccessException} with the SQLSTATE; {@code stream()} is {@code view NAME}
     *
     * @param failure what the driver (or jOOQ) threw
     * @param view the view concerned
     * @param doing what was being done, for the message: {@code "read the lag"}, {@code "register"}...
     */
    public static RuntimeException forView(Throwable failure, String view, String doing) {
        String context = "view " + view;
        String what = "cannot " + doing + " of view " + view + ": ";
        SQLException sql = sqlException(failure);
        if (sql == null) {
            return new EventStoreAccessException(context, what + failure.getMessage(), null, failure);
        }
        String state = String.valueOf(sql.getSQLState());
        if (isInfrastructureFailure(sql)) {
            boolean mixup = isPoolerMixup(sql);
            return new StoreUnavailableException(
                    context,
                    false,
                    what + "the event store is unavailable (SQLSTATE " + state + "): " + sql.getMessage()
                            + (mixup ? "; " + POOLER_HINT : ""),
                    failure);
        }
        return new EventStoreAccessException(context, what + serverMessage(sql), sql.getSQLState(), failure);
    }

    /**
     * {@return whether {@code failure} is the connection's or the server's, not the statement's: a broken or refused
     * connection (class 08, a driver's connection exception), a server shutting down or starting (57P01-57P03), too
     * many connections (53300), or a prepared statement a pooler lost or doubled on a shared server connection
     * (26000, 42P05)}
     *
     * <p>Such a failure says nothing about the event or the command: it is never counted against them, and the same
     * call on a new connection may succeed.
     */
    public static boolean isInfrastructureFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08")
                        || state.startsWith("57P")
                        || state.equals("53300")
                        || state.equals("26000")
                        || state.equals("42P05")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static final String POOLER_HINT = "a prepared statement of this connection is missing or doubled on the"
            + " server: the connection goes through a transaction pooler (PgBouncer before 1.21 in transaction mode)"
            + " while the driver prepares statements on the server; set prepareThreshold=0 in the JDBC URL"
            + " (docs/reliability.md)";

    private static final AtomicBoolean POOLER_WARNED = new AtomicBoolean();

    /**
     * {@return whether {@code failure} says the server connection does not hold this client's prepared statements
     * (26000: missing, 42P05: already there)}; the first time in a JVM, says why and what to do in the log
     */
    public static boolean isPoolerMixup(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && ("26000".equals(sql.getSQLState()) || "42P05".equals(sql.getSQLState()))) {
                if (POOLER_WARNED.compareAndSet(false, true)) {
                    LOG.warn(
                            "SQLSTATE {}: {}. Statements of other clients may run in their place.",
                            sql.getSQLState(),
                            POOLER_HINT);
                }
                return true;
            }
        }
        return false;
    }

    private static @Nullable SQLException sqlException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                return e;
            }
        }
        return null;
    }

    private static @Nullable String constraint(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        return server == null ? null : server.getConstraint();
    }

    private static String serverMessage(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        String message = server == null ? null : server.getMessage();
        return message == null ? String.valueOf(e.getMessage()) : message;
    }
}
