package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * An event with the same {@code event_id} is already stored: in any stream on plain PostgreSQL, in a stream of the
 * same {@code decider_id} on Citus ({@link SchemaLayout#CITUS}, where event ids are unique per {@code decider_id}).
 *
 * <p>Nothing was written. SQLSTATE {@code ES009} from the store's functions; {@code 23505} on
 * {@code events_event_id_key} from a direct {@code INSERT} into {@code events} on plain PostgreSQL.
 *
 * {@snippet :
 * catch (DuplicateEventException e) { log.warn("{} on {}", e.getMessage(), e.stream()); }
 * }
 */
public final class DuplicateEventException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param stream the stream concerned, as {@code decider/deciderId}
     * @param message what happened
     * @param sqlState the SQLSTATE the database raised, {@code null} when detected in Java
     * @param cause the underlying failure, if any
     */
    public DuplicateEventException(
            String stream, String message, @Nullable String sqlState, @Nullable Throwable cause) {
        super(stream, message, sqlState, cause);
    }
}
