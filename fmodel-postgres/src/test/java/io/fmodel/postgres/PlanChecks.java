package io.fmodel.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/** What the ITs of cached plans share: growing a store behind a session's back, and counting sequential reads. */
final class PlanChecks {

    private PlanChecks() {}

    /** Appends one {@code Incremented} event of decider {@code counter} to each of {@code streams} new streams. */
    static void appendNewStreams(DataSource dataSource, String prefix, int streams) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                    DO $$
                    BEGIN
                        FOR i IN 1 .. %d LOOP
                            PERFORM append_events(ARRAY['Incremented'], ARRAY[gen_random_uuid()], 'counter',
                                '%s' || i, ARRAY['{}'::jsonb], gen_random_uuid(), NULL, ARRAY[1::bigint]);
                        END LOOP;
                    END
                    $$""".formatted(streams, prefix));
        }
    }

    /**
     * {@return rows read by sequential scans per table of the current schema, as this session counts them} Take the
     * difference of two calls in one transaction: {@code pg_stat_xact_*} may still hold counts of earlier
     * transactions that were not flushed.
     */
    static Map<String, Long> sequentialReads(Connection c) throws SQLException {
        Map<String, Long> reads = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT relname, coalesce(seq_tup_read, 0)"
                        + " FROM pg_stat_xact_user_tables WHERE schemaname = current_schema()")) {
            while (rows.next()) {
                reads.put(rows.getString(1), rows.getLong(2));
            }
        }
        return reads;
    }

    /** {@return the sequential reads since {@code before}, per table} */
    static Map<String, Long> sequentialReadsSince(Map<String, Long> before, Connection c) throws SQLException {
        Map<String, Long> reads = sequentialReads(c);
        reads.replaceAll((table, n) -> n - before.getOrDefault(table, 0L));
        return reads;
    }
}
