package io.fmodel.postgres;

import java.time.Duration;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A call of the repository took longer than its bound ({@link PostgresEventRepository#withTimeout}) and was cancelled.
 *
 * <p>Two outcomes, told apart by {@link #committed()}:
 * <ul>
 *   <li>{@code false}: the statement was cancelled while it ran; it was rolled back and nothing was written.
 *   <li>{@code true}: the append had committed on the server and was waiting for a synchronous standby to confirm it
 *       ({@code synchronous_commit} with {@code synchronous_standby_names}) when the bound cut the wait short. The
 *       events are stored and visible on this server, but no standby has confirmed them: if this server is lost before
 *       a standby catches up, a failover loses them. Handling the command again with {@link #commandId()} returns them
 *       without appending twice.
 * </ul>
 * Not retried by the aggregate: the bound is the caller's, and retrying would multiply it.
 *
 * {@snippet :
 * try {
 *     aggregate.handle(command, commandId);
 * } catch (EventStoreTimeoutException e) {
 *     if (e.committed()) log.warn("{} stored but not confirmed by a standby", e.commandId());
 *     else log.warn("{} not stored: the database did not answer within {}", commandId, e.timeout());
 * }
 * }
 */
public final class EventStoreTimeoutException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;
    private final boolean committed;
    private final @Nullable UUID commandId;

    /**
     * @param stream the stream concerned, as {@code decider/deciderId}
     * @param message what happened
     * @param sqlState the SQLSTATE the database raised ({@code 57014} for a cancelled statement), or {@code null}
     * @param timeout the bound that was reached
     * @param committed whether the append had committed (only its standby's confirmation was cut short)
     * @param commandId the command of the append, {@code null} for a read
     * @param cause the underlying failure, if any
     */
    public EventStoreTimeoutException(
            String stream,
            String message,
            @Nullable String sqlState,
            Duration timeout,
            boolean committed,
            @Nullable UUID commandId,
            @Nullable Throwable cause) {
        super(stream, message, sqlState, cause);
        this.timeout = timeout;
        this.committed = committed;
        this.commandId = commandId;
    }

    /** {@return the bound that was reached} */
    public Duration timeout() {
        return timeout;
    }

    /** {@return whether the events were stored (the wait for a synchronous standby's confirmation was cut short)} */
    public boolean committed() {
        return committed;
    }

    /** {@return the command of the append, {@code null} for a read} */
    public @Nullable UUID commandId() {
        return commandId;
    }
}
