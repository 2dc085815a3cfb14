package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SQL API of sql/002_event_streaming.sql, called as a psql user would. One schema for the class: each test has its
 * own view, registered before its appends. */
class EventStreamingSqlIT {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreamingSqlIT.class);

    @RegisterExtension
    static final TestDatabase database = new TestDatabase();

    private DataSource db;

    @BeforeEach
    void dataSource() {
        db = database.dataSource();
    }

    @Test
    void a_stale_lease_cannot_ack_and_positions_never_move_backwards() throws Exception {
        try (Connection c = db.getConnection()) {
            registerTypes(c);
            query(c, "SELECT * FROM register_view('fenced', NULL, 1)");
            append(c, "fenced-s1", 3);
            Map<String, Object> first = single(query(c, "SELECT * FROM stream_events('fenced')"));
            long staleLease = (Long) first.get("lease");
            Thread.sleep(1_100); // the 1 s lease expires; another consumer takes the partition over
            Map<String, Object> second = single(query(c, "SELECT * FROM stream_events('fenced', 1, 30)"));
            assertThat(second.get("offset")).isEqualTo(first.get("offset"));
            assertThat((Long) second.get("lease")).isGreaterThan(staleLease);
            assertThat(second.get("attempt")).isEqualTo(2);

            long offset = (Long) first.get("offset");
            assertSqlState(
                    c,
                    "SELECT * FROM ack_event('fenced', 'fenced-s1', " + offset + ", 'decider1', " + staleLease + ")",
                    "VS002");
            // beyond the delivered range, or of another stream: VS003
            assertSqlState(c, "SELECT * FROM ack_event('fenced', 'fenced-s1', " + (offset + 1) + ")", "VS003");
            assertSqlState(c, "SELECT * FROM ack_event('fenced', 'nope', " + offset + ")", "VS003");
            query(
                    c,
                    "SELECT * FROM ack_event('fenced', 'fenced-s1', " + offset + ", 'decider1', " + second.get("lease")
                            + ")");
            // acked: no longer held; acking again or backwards fails loudly
            assertSqlState(c, "SELECT * FROM ack_event('fenced', 'fenced-s1', " + offset + ")", "VS002");
            Map<String, Object> next = single(query(c, "SELECT * FROM stream_events('fenced')"));
            assertThat(next.get("offset")).isEqualTo(offset + 1);
            assertSqlState(c, "SELECT * FROM ack_event('fenced', 'fenced-s1', " + offset + ")", "VS003");
            assertSqlState(
                    c, "SELECT * FROM nack_event('fenced', 'fenced-s1', 'decider1', " + staleLease + ")", "VS002");
            assertThat(single(query(c, "SELECT position FROM view_positions WHERE view = 'fenced'"))
                            .get("position"))
                    .isEqualTo(offset);
        }
    }

    @Test
    void stream_events_leases_for_the_views_own_lock_timeout() throws SQLException {
        try (Connection c = db.getConnection()) {
            registerTypes(c);
            query(c, "SELECT * FROM register_view('timeouts', NULL, 7)");
            append(c, "timeouts-s1", 1);
            append(c, "timeouts-s2", 1);
            Map<String, Object> row = single(
                    query(
                            c,
                            "SELECT extract(epoch FROM locked_until - clock_timestamp()) AS left FROM stream_events('timeouts')"));
            assertThat(((Number) row.get("left")).doubleValue()).isBetween(5.0, 7.0);
            row = single(
                    query(
                            c,
                            "SELECT extract(epoch FROM locked_until - clock_timestamp()) AS left FROM stream_events('timeouts', 1, 60)"));
            assertThat(((Number) row.get("left")).doubleValue()).isBetween(58.0, 60.0);
        }
    }

    @Test
    void two_deciders_sharing_an_id_are_two_partitions() throws SQLException {
        try (Connection c = db.getConnection()) {
            registerTypes(c);
            query(c, "SELECT * FROM register_decider_event('decider2', 'event1', '', 1)");
            query(c, "SELECT * FROM register_view('shared', NULL)");
            append(c, "decider1", "shared", 2);
            append(c, "decider2", "shared", 2);
            List<Map<String, Object>> rows = query(c, "SELECT * FROM stream_events('shared', 10)");
            assertThat(rows).extracting(r -> r.get("decider")).containsExactly("decider1", "decider2");
            assertSqlState(c, "SELECT * FROM nack_event('shared', 'shared')", "VS006");
            // the offset tells ack_event which decider it is
            query(
                    c,
                    "SELECT * FROM ack_event('shared', 'shared', " + rows.get(1).get("offset") + ")");
            query(c, "SELECT * FROM nack_event('shared', 'shared')");
            assertThat(query(c, "SELECT * FROM stream_events('shared', 10)")).hasSize(2);
        }
    }

    @Test
    void a_hot_stream_is_drained_in_batches() throws SQLException {
        try (Connection c = db.getConnection()) {
            registerTypes(c);
            query(c, "SELECT * FROM register_view('hot', NULL)");
            for (int s = 0; s < 10; s++) {
                append(c, "hot" + s, 1_000);
            }
            int calls = 0;
            int events = 0;
            List<Map<String, Object>> batch;
            while (!(batch = query(c, "SELECT * FROM stream_event_batches('hot', 10, 500)")).isEmpty()) {
                calls++;
                events += batch.size();
                Map<String, Map<String, Object>> last = new HashMap<>();
                for (Map<String, Object> row : batch) {
                    last.put((String) row.get("decider_id"), row);
                }
                for (Map<String, Object> row : last.values()) {
                    query(
                            c,
                            "SELECT * FROM ack_event('hot', '" + row.get("decider_id") + "', " + row.get("offset")
                                    + ", 'decider1', " + row.get("lease") + ")");
                }
            }
            assertThat(events).isEqualTo(10_000);
            assertThat(calls).isEqualTo(2);
            assertThat(single(query(c, "SELECT view_lag('hot') AS lag")).get("lag"))
                    .isEqualTo(0L);
        }
    }

    @Test
    void registering_a_view_again_keeps_its_pending_events_and_reset_replays() throws SQLException {
        try (Connection c = db.getConnection()) {
            registerTypes(c);
            query(c, "SELECT * FROM register_view('rereg', NULL)");
            append(c, "rereg-s1", 3);
            assertThat(query(c, "SELECT * FROM stream_events('rereg', 10)")).hasSize(1);
            query(c, "SELECT * FROM nack_event('rereg', 'rereg-s1')");
            query(c, "SELECT * FROM register_view('rereg')"); // the seed's default start_at = now dropped them
            query(c, "SELECT * FROM register_view('rereg', NULL, 60, 5)");
            assertThat(single(query(c, "SELECT view_lag('rereg') AS lag")).get("lag"))
                    .isEqualTo(3L);
            assertThat(single(query(c, "SELECT * FROM stream_events('rereg')")).get("attempt"))
                    .isEqualTo(2);
            query(c, "SELECT * FROM reset_view('rereg')");
            assertThat(single(query(c, "SELECT * FROM stream_events('rereg')")).get("attempt"))
                    .isEqualTo(1);
        }
    }

    @Test
    void a_view_starts_at_a_point_in_time() throws Exception {
        try (Connection c = db.getConnection()) {
            registerTypes(c);
            append(c, "old", 2);
            Thread.sleep(20);
            Object cut = single(query(c, "SELECT clock_timestamp() AS t")).get("t");
            Thread.sleep(20);
            append(c, "new", 2);
            query(c, "SELECT * FROM register_view('pit', '" + cut + "')");
            query(c, "SELECT * FROM register_view('pit_now')");
            assertThat(query(c, "SELECT * FROM stream_events('pit', 10)"))
                    .extracting(r -> r.get("decider_id"))
                    .containsExactly("new");
            assertThat(query(c, "SELECT * FROM stream_events('pit_now', 10)")).isEmpty();
            append(c, "newer", 1);
            assertThat(query(c, "SELECT * FROM stream_events('pit_now', 10)"))
                    .extracting(r -> r.get("decider_id"))
                    .containsExactly("newer");
        }
    }

    @Test
    void a_parked_partition_is_skipped_listed_and_released() throws SQLException {
        try (Connection c = db.getConnection()) {
            registerTypes(c);
            query(c, "SELECT * FROM register_view('parking', NULL)");
            append(c, "poison", 2);
            append(c, "fine", 2);
            Map<String, Object> poison =
                    query(c, "SELECT * FROM stream_events('parking', 10)").getFirst();
            query(c, "SELECT * FROM nack_event('parking', 'fine')");
            query(
                    c,
                    "SELECT * FROM park_partition('parking', 'poison', 'decider1', 'boom', " + poison.get("lease")
                            + ")");
            assertThat(query(c, "SELECT * FROM stream_events('parking', 10)"))
                    .extracting(r -> r.get("decider_id"))
                    .containsExactly("fine");
            Map<String, Object> parked = single(query(c, "SELECT * FROM parked_partitions('parking')"));
            assertThat(parked.get("last_error")).isEqualTo("boom");
            assertThat(parked.get("attempts")).isEqualTo(1);
            query(c, "SELECT * FROM release_partition('parking', 'poison', 'decider1')");
            assertThat(query(c, "SELECT * FROM parked_partitions('parking')")).isEmpty();
            assertThat(query(c, "SELECT * FROM stream_events('parking', 10)"))
                    .extracting(r -> r.get("decider_id"))
                    .containsExactly("poison");
        }
    }

    @Test
    void an_append_committing_late_with_a_lower_offset_is_not_skipped() throws SQLException {
        try (Connection c = db.getConnection();
                Connection slow = db.getConnection()) {
            registerTypes(c);
            query(c, "SELECT * FROM register_view('holes', NULL)");
            slow.setAutoCommit(false);
            append(slow, "slow", 1); // holds the lower offset, uncommitted
            append(c, "fast", 1);
            assertThat(query(c, "SELECT * FROM stream_events('holes', 10)")).isEmpty(); // waits for the hole
            slow.commit();
            assertThat(query(c, "SELECT * FROM stream_events('holes', 10)"))
                    .extracting(r -> r.get("decider_id"))
                    .containsExactly("slow", "fast");
            // a rolled-back append leaves a permanent hole: it is passed once no transaction can fill it
            append(slow, "rolledback", 1);
            slow.rollback();
            append(c, "after", 1);
            assertThat(query(c, "SELECT * FROM stream_events('holes', 10)")).isEmpty(); // the hole is recorded
            assertThat(query(c, "SELECT * FROM stream_events('holes', 10)"))
                    .extracting(r -> r.get("decider_id"))
                    .containsExactly("after");
        }
    }

    @Test
    void a_consumer_holding_its_transaction_open_never_blocks_writers() throws SQLException {
        try (Connection consumer = db.getConnection();
                Connection writer = db.getConnection()) {
            registerTypes(writer);
            query(writer, "SELECT * FROM register_view('open_tx', NULL)");
            append(writer, "open_tx-s1", 1);
            consumer.setAutoCommit(false);
            Map<String, Object> row = single(query(consumer, "SELECT * FROM stream_events('open_tx')"));
            query(consumer, "SELECT * FROM ack_event('open_tx', 'open_tx-s1', " + row.get("offset") + ")");
            // the consumer now holds its position row until it commits (the seed's writers waited for it here)
            query(writer, "SELECT set_config('lock_timeout', '1s', false)");
            append(writer, "open_tx-s1", 2);
            consumer.commit();
            assertThat(query(writer, "SELECT * FROM stream_events('open_tx', 1)"))
                    .hasSize(1);
        }
    }

    @Test
    void applying_the_streaming_file_again_is_harmless() throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            registerTypes(c);
            query(c, "SELECT * FROM register_view('twice', NULL)");
            append(c, "twice-s1", 2);
            s.execute(SchemaInstaller.sql("002_event_streaming.sql"));
            assertThat(query(c, "SELECT * FROM stream_events('twice', 10)")).hasSize(1);
            assertThat(single(query(
                                    c,
                                    "SELECT count(*) AS n FROM schema_version WHERE file = '002_event_streaming.sql'"))
                            .get("n"))
                    .isEqualTo(1L);
        }
    }

    @Test
    void streaming_cost_over_ten_thousand_streams_is_logged() throws SQLException {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            registerTypes(c);
            query(c, "SELECT * FROM register_view('cost', NULL)");
            s.execute(
                    "SELECT count(*) FROM generate_series(1, 10000) i, LATERAL append_event('event1', gen_random_uuid(), "
                            + "'decider1', 'stream-' || i, '{}', gen_random_uuid(), NULL, 1)");
            s.execute("ANALYZE");
            long t0 = System.nanoTime();
            query(c, "SELECT discover_events('cost')");
            long discovery = System.nanoTime() - t0;
            List<Long> pending = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long t = System.nanoTime();
                List<Map<String, Object>> rows = query(c, "SELECT * FROM stream_events('cost', 100)");
                pending.add(System.nanoTime() - t);
                for (Map<String, Object> row : rows) {
                    query(
                            c,
                            "SELECT * FROM ack_event('cost', '" + row.get("decider_id") + "', " + row.get("offset")
                                    + ", 'decider1', " + row.get("lease") + ")");
                }
            }
            // everything processed, as if acknowledged: no marker left (behind the API's back, for the measure only)
            s.execute("DELETE FROM view_markers WHERE view = 'cost'");
            s.execute("VACUUM view_markers"); // as autovacuum would: the delete left 10,000 dead index entries
            List<Long> idle = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long t = System.nanoTime();
                assertThat(query(c, "SELECT * FROM stream_events('cost', 100)")).isEmpty();
                idle.add(System.nanoTime() - t);
            }
            long t1 = System.nanoTime();
            query(c, "SELECT * FROM register_view('cost2')");
            long register = System.nanoTime() - t1;
            LOG.info(
                    "10,000 streams: first discovery {} ms; stream_events(v, 100) pending median {} ms; idle median {} ms; register_view {} ms",
                    discovery / 1e6,
                    median(pending) / 1e6,
                    median(idle) / 1e6,
                    register / 1e6);
        }
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    static void registerTypes(Connection c) throws SQLException {
        query(c, "SELECT * FROM register_decider_event('decider1', 'event1', '', 1)");
    }

    static void append(Connection c, String deciderId, int count) throws SQLException {
        append(c, "decider1", deciderId, count);
    }

    static void append(Connection c, String decider, String deciderId, int count) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT count(*) FROM append_events(array_fill('event1'::text, ARRAY[?]), "
                        + "ARRAY(SELECT gen_random_uuid() FROM generate_series(1, ?)), ?, ?, "
                        + "ARRAY(SELECT jsonb_build_object('n', i) FROM generate_series(1, ?) i), ?, "
                        + "(SELECT event_id FROM get_last_event(?, ?)), array_fill(1::bigint, ARRAY[?]))")) {
            ps.setInt(1, count);
            ps.setInt(2, count);
            ps.setString(3, decider);
            ps.setString(4, deciderId);
            ps.setInt(5, count);
            ps.setObject(6, UUID.randomUUID());
            ps.setString(7, deciderId);
            ps.setString(8, decider);
            ps.setInt(9, count);
            ps.execute();
        }
    }

    static List<Map<String, Object>> query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static Map<String, Object> single(List<Map<String, Object>> rows) {
        assertThat(rows).hasSize(1);
        return rows.getFirst();
    }

    private static void assertSqlState(Connection c, String sql, String state) {
        assertThatThrownBy(() -> query(c, sql))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(state));
    }
}
