package io.fmodel.postgres.internal;

import io.fmodel.postgres.SchemaLayoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Whether processors can run on the store: on a Citus store (events distributed) whose streaming is not the Citus
 * one ({@code citus/002_event_streaming.sql} not recorded in {@code schema_version}: no streaming tables, or those
 * of plain {@code sql/002}, which skip events on Citus), a processor refuses to start with
 * {@link SchemaLayoutException} instead of failing later on a missing function or, worse, skipping events. Two
 * catalog reads per start; does I/O.
 */
public final class StreamingAvailability {

    private StreamingAvailability() {}

    /**
     * Refuses when {@code dataSource}'s store is distributed on Citus without Citus streaming; a failure to read
     * the catalog is left to the processor's own first call, which reports it as usual.
     *
     * @throws SchemaLayoutException when streaming is not installed on a Citus store
     */
    public static void require(DataSource dataSource, String view) {
        boolean missing;
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet citus =
                    statement.executeQuery("SELECT EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')")) {
                citus.next();
                missing = citus.getBoolean(1);
            }
            if (missing) {
                try (ResultSet distributed = statement.executeQuery(
                        "SELECT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = to_regclass('events'))"
                                + " AND NOT EXISTS (SELECT FROM schema_version"
                                + " WHERE file = 'citus/002_event_streaming.sql')")) {
                    distributed.next();
                    missing = distributed.getBoolean(1);
                }
            }
        } catch (SQLException e) {
            return; // the catalog cannot be read now: the processor's own first call reports why, typed
        }
        if (missing) {
            throw new SchemaLayoutException(
                    "view " + view,
                    "cannot start a processor of view " + view + ": this event store is distributed on Citus, and"
                            + " its streaming is not the Citus one (sql/citus/002_event_streaming.sql is not installed;"
                            + " plain sql/002 skips events on Citus): run SchemaInstaller.install on the coordinator"
                            + " (docs/scaling.md). Appends and reads work",
                    null);
        }
    }
}
