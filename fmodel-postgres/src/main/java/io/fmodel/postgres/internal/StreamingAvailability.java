package io.fmodel.postgres.internal;

import io.fmodel.postgres.SchemaLayoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Whether processors can run on the store: on a Citus store (events distributed) without the streaming tables of
 * {@code sql/002} (whose Citus variant is not in this release: issue 18), a processor refuses to start with
 * {@link SchemaLayoutException} instead of failing later on a missing function. One catalog read per start; does I/O.
 */
public final class StreamingAvailability {

    private StreamingAvailability() {}

    /**
     * Refuses when {@code dataSource}'s store is distributed on Citus and has no streaming tables; a failure to read
     * the catalog is left to the processor's own first call, which reports it as usual.
     *
     * @throws SchemaLayoutException when streaming is not installed on a Citus store
     */
    public static void require(DataSource dataSource, String view) {
        boolean missing;
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            try (ResultSet citus = statement.executeQuery("SELECT to_regclass('views') IS NULL"
                    + " AND EXISTS (SELECT FROM pg_extension WHERE extname = 'citus')")) {
                citus.next();
                missing = citus.getBoolean(1);
            }
            if (missing) {
                try (ResultSet distributed = statement.executeQuery(
                        "SELECT EXISTS (SELECT FROM pg_dist_partition WHERE logicalrelid = to_regclass('events'))")) {
                    distributed.next();
                    missing = distributed.getBoolean(1);
                }
            }
        } catch (SQLException e) {
            return;
        }
        if (missing) {
            throw new SchemaLayoutException(
                    "view " + view,
                    "cannot start a processor of view " + view + ": this event store is distributed on Citus, and"
                            + " event streaming (sql/002) is not installed there yet; its Citus variant is the"
                            + " streaming part of issue 18 (docs/scaling.md). Appends and reads work; run"
                            + " processors on a plain PostgreSQL store until then",
                    null);
        }
    }
}
