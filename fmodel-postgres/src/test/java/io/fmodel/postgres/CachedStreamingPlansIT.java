package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The streaming half of {@link CachedPlansIT}: a consumer session that cached its plans while the store was small
 * keeps leasing and acknowledging by key once the store has grown (ADR 0050).
 */
class CachedStreamingPlansIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final int GROWN = 5_000;

    @Test
    void leasing_and_acking_read_no_table_sequentially_with_plans_cached_while_the_store_was_small()
            throws SQLException {
        try (Connection cached = db.connection()) {
            try (Statement s = cached.createStatement()) {
                s.execute("SELECT register_decider_event('counter', 'Incremented')");
                s.execute("SELECT register_view('cached', '-infinity'::timestamptz)");
            }
            append(20, "small-");
            try (Connection other = db.dataSource().getConnection();
                    Statement s = other.createStatement()) {
                s.execute("VACUUM ANALYZE");
            }
            // plans cached on the small store: 20 partitions leased and acknowledged one by one
            for (int i = 0; i < 20; i++) {
                assertThat(leaseAndAck(cached, 1)).isEqualTo(1);
            }

            append(GROWN, "grown-");

            cached.setAutoCommit(false);
            try (Statement s = cached.createStatement()) {
                s.execute("SELECT discover_events('cached', 100000)"); // discovery itself reads the new events
            }
            Map<String, Long> before = sequentialReads(cached);
            assertThat(leaseAndAck(cached, 10)).isEqualTo(10);
            Map<String, Long> reads = sequentialReads(cached);
            reads.replaceAll((table, n) -> n - before.getOrDefault(table, 0L));
            cached.commit();

            assertThat(reads)
                    .as("rows read by sequential scans leasing and acknowledging 10 partitions")
                    .containsEntry("events", 0L)
                    .containsEntry("view_positions", 0L);
            // views (one row per view) is read by plain statements: a scan of its one page is the right plan
        }
    }

    /** Appends one event to each of {@code streams} new streams, on another connection. */
    private static void append(int streams, String prefix) throws SQLException {
        try (Connection other = db.dataSource().getConnection();
                Statement s = other.createStatement()) {
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

    /** Leases up to {@code partitions} partitions and acknowledges each; {@return how many were leased} */
    private static int leaseAndAck(Connection c, int partitions) throws SQLException {
        Map<String, long[]> leased = new LinkedHashMap<>();
        try (PreparedStatement lease = c.prepareStatement(
                "SELECT decider_id, \"offset\", lease FROM stream_event_batches('cached', ?, 100)")) {
            lease.setInt(1, partitions);
            try (ResultSet rows = lease.executeQuery()) {
                while (rows.next()) {
                    leased.put(rows.getString(1), new long[] {rows.getLong(2), rows.getLong(3)});
                }
            }
        }
        try (PreparedStatement ack = c.prepareStatement("SELECT 1 FROM ack_event('cached', ?, ?, 'counter', ?)")) {
            for (Map.Entry<String, long[]> partition : leased.entrySet()) {
                ack.setString(1, partition.getKey());
                ack.setLong(2, partition.getValue()[0]);
                ack.setLong(3, partition.getValue()[1]);
                ack.executeQuery().close();
            }
        }
        return leased.size();
    }

    private static Map<String, Long> sequentialReads(Connection c) throws SQLException {
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
}
