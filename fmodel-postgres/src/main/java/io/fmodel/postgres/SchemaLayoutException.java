package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * The database does not fit the {@link SchemaLayout} asked for, or a part of the store is not available in the
 * database's layout: {@link SchemaLayout#CITUS} asked of a database without the {@code citus} extension, one layout
 * asked of a store installed in the other, or a processor started on a Citus store whose streaming tables
 * are not the Citus ones ({@code sql/citus/002_event_streaming.sql} not installed, as by an older release).
 *
 * <p>Nothing was written; retrying does not help. {@link #stream()} is {@code schema}, or {@code view NAME} for a
 * processor.
 *
 * {@snippet :
 * catch (SchemaLayoutException e) { log.error("wrong database for this layout: {}", e.getMessage()); }
 * }
 */
public final class SchemaLayoutException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param stream {@code schema}, or {@code view NAME} for a processor
     * @param message what does not fit, and what to do
     * @param cause the underlying failure, if any
     */
    public SchemaLayoutException(String stream, String message, @Nullable Throwable cause) {
        super(stream, message, null, cause);
    }
}
