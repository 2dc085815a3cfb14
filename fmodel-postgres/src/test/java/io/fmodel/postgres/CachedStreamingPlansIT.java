package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
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
            PlanChecks.appendNewStreams(db.dataSource(), "small-", 20);
            try (Connection other = db.dataSource().getConnection();
                    Statement s = other.createStatement()) {
                s.execute("VACUUM ANALYZE");
            }
            // plans cached on the small store: 20 partitions leased and acknowledged one by one
            for (int i = 0; i < 20; i++) {
                assertThat(leaseAndAck(cached, 1)).isEqualTo(1);
            }

            PlanChecks.appendNewStreams(db.dataSource(), "grown-", GROWN);

            cached.setAutoCommit(false);
            try (Statement s = cached.createStatement()) {
                s.execute("SELECT discover_events('cached', 100000)"); // discovery itself reads the new events
            }
            Map<String, Long> before = PlanChecks.sequentialReads(cached);
            assertThat(leaseAndAck(cached, 10)).isEqualTo(10);
            Map<String, Long> reads = PlanChecks.sequentialReadsSince(before, cached);
            cached.commit();

            assertThat(reads)
                    .as("rows read by sequential scans leasing and acknowledging 10 partitions")
                    .containsEntry("events", 0L)
                    .containsEntry("view_positions", 0L);
            // views (one row per view) is read by plain statements: a scan of its one page is the right plan
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
}
