package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.Counter.Increment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reading after a snapshot does not grow with the stream: on a 10,000-event stream, {@code get_events_after} and
 * {@code save_snapshot} read {@code events} by index only (no sequential scan, in the plan and in the transaction's
 * statistics), and fetch a number of rows that depends on the events after the snapshot, not on the stream's length.
 */
class SnapshotCostIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final int LONG = 10_000;

    @BeforeAll
    static void aLongStream() throws SQLException {
        PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            // 10 decisions of 1,000 events each, chained, plus other streams around it: built through the API
            s.execute("""
                    DO $$
                    DECLARE
                        previous UUID := NULL;
                        ids UUID[];
                    BEGIN
                        FOR batch IN 1 .. %d LOOP
                            ids := ARRAY(SELECT gen_random_uuid() FROM generate_series(1, 1000));
                            PERFORM append_events(array_fill('Incremented'::text, ARRAY[1000]), ids, 'counter', 'long',
                                array_fill('{"counterId": "long", "amount": 1}'::jsonb, ARRAY[1000]),
                                gen_random_uuid(), previous, array_fill(1::bigint, ARRAY[1000]));
                            previous := ids[1000];
                            PERFORM append_event('Incremented', gen_random_uuid(), 'counter', 'short-' || batch,
                                '{"counterId": "short", "amount": 1}', gen_random_uuid(), NULL);
                        END LOOP;
                        -- then other streams go on: 2,000 events of 2,000 streams after the long one's last
                        FOR i IN 1 .. 2000 LOOP
                            PERFORM append_event('Incremented', gen_random_uuid(), 'counter', 'later-' || i,
                                '{"counterId": "later", "amount": 1}', gen_random_uuid(), NULL);
                        END LOOP;
                    END
                    $$
                    """.formatted(LONG / 1000));
            s.execute("ANALYZE events");
        }
    }

    /** {@return the event ids and command ids of the long stream, oldest first} */
    private static List<UUID[]> longStream() throws SQLException {
        List<UUID[]> rows = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT event_id, command_id FROM events WHERE decider_id = 'long' ORDER BY \"offset\"")) {
            while (rs.next()) {
                rows.add(new UUID[] {rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)});
            }
        }
        return rows;
    }

    @Test
    void the_plans_of_get_events_after_read_events_by_index_only() throws SQLException {
        List<UUID[]> stream = longStream();
        UUID nearHead = stream.get(LONG - 5)[0];
        UUID oldCommand = stream.get(10)[1];
        StringBuilder plans = new StringBuilder();
        try (Connection c = db.connection();
                Statement s = c.createStatement()) {
            // auto_explain sends the plans of the statements the function runs to this client, as notices
            s.execute("LOAD 'auto_explain'");
            s.execute("SET auto_explain.log_min_duration = 0");
            s.execute("SET auto_explain.log_nested_statements = on");
            s.execute("SET auto_explain.log_level = notice");
            s.execute("SET auto_explain.log_analyze = on");
            s.execute("SET auto_explain.log_buffers = on");
            s.execute("SET auto_explain.log_timing = off");
            s.execute("SET client_min_messages = notice");
            for (int i = 0;
                    i < 7;
                    i++) { // past the five custom plans after which PostgreSQL may switch to a generic one
                plans.setLength(0);
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM get_events_after('long', 'counter', '"
                        + nearHead + "', '" + oldCommand + "')")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(5 + 1_000);
                }
                for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                    plans.append(w.getMessage()).append('\n');
                }
                s.clearWarnings();
            }
        }
        System.out.println("get_events_after plans:\n" + plans);
        assertThat(plans.toString())
                .contains("events_event_id_key", "events_stream_position_key", "events_command_idx")
                .doesNotContain("Seq Scan");
    }

    @Test
    void fetching_after_a_snapshot_near_the_head_of_a_long_stream_fetches_only_the_rows_it_returns()
            throws SQLException {
        List<UUID[]> stream = longStream();
        UUID nearHead = stream.get(LONG - 5)[0];
        UUID oldCommand = stream.get(10)[1]; // 1,000 events of the first decision
        UUID newCommand = UUID.randomUUID();
        Cost none = cost(nearHead, newCommand, 5);
        Cost old = cost(nearHead, oldCommand, 5 + 1_000);
        System.out.printf(
                "get_events_after on a %d-event stream: 4 events after, %.2f ms, %d index tuples fetched;"
                        + " with a 1,000-event command before: %.2f ms, %d fetched%n",
                LONG, none.millis(), none.indexFetches(), old.millis(), old.indexFetches());
        assertThat(none.sequentialReads()).isZero();
        assertThat(old.sequentialReads()).isZero();
        assertThat(none.indexFetches()).isLessThan(20);
        assertThat(old.indexFetches()).isLessThan(1_000 + 20);
    }

    @Test
    void saving_a_snapshot_of_a_long_stream_reads_by_index_only() throws SQLException {
        List<UUID[]> stream = longStream();
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("SELECT save_snapshot('long', 'counter', 'v1', '{}', ?)")) {
                s.setObject(1, stream.getLast()[0]);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).isTrue();
                }
            }
            long[] stats = stats(c);
            c.rollback();
            assertThat(stats[0]).isZero();
            assertThat(stats[1]).isLessThan(5);
        }
    }

    record Cost(long sequentialReads, long indexFetches, double millis) {}

    private static Cost cost(UUID after, UUID commandId, int expectedRows) throws SQLException {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            long started = System.nanoTime();
            int rows = 0;
            try (PreparedStatement s =
                    c.prepareStatement("SELECT event_id FROM get_events_after('long', 'counter', ?, ?)")) {
                s.setObject(1, after);
                s.setObject(2, commandId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                    }
                }
            }
            double millis = (System.nanoTime() - started) / 1e6;
            long[] stats = stats(c);
            c.rollback();
            assertThat(rows).isEqualTo(expectedRows);
            return new Cost(stats[0], stats[1], millis);
        }
    }

    /** {@return sequential tuples read and index tuples fetched from events by this transaction} */
    private static long[] stats(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT coalesce(seq_tup_read, 0), coalesce(idx_tup_fetch, 0)"
                                + " FROM pg_stat_xact_user_tables WHERE relname = 'events' AND schemaname = current_schema()")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }
}
