package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.Counter.Incremented;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Append cost does not grow with the stream: appends to a 10,000-event stream read no row of {@code events} by a
 * sequential scan and fetch a constant number of index tuples per append (measured with the transaction's own
 * statistics, not with a clock). Timings are only logged.
 */
class AppendCostIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final int LONG = 10_000;
    private static final int APPENDS = 100;

    @BeforeAll
    static void aLongStreamAndAShortOne() throws SQLException {
        PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            // 20 decisions of 1,000 events each, chained: built through the API, not behind its back
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
                        END LOOP;
                    END
                    $$
                    """.formatted(LONG / 1000));
            s.execute("ANALYZE events");
        }
    }

    @Test
    void appending_to_a_long_stream_reads_no_more_than_appending_to_a_short_one() throws SQLException {
        Cost shortStream = appendInOneTransaction("short", null);
        UUID longHead = head("long");
        Cost longStream = appendInOneTransaction("long", longHead);

        System.out.printf(
                "%d appends: short stream %.3f ms each, %d-event stream %.3f ms each; events index tuples fetched: %d vs %d%n",
                APPENDS,
                shortStream.millisPerAppend(),
                LONG,
                longStream.millisPerAppend(),
                shortStream.indexFetches(),
                longStream.indexFetches());
        assertThat(longStream.sequentialReads()).isZero();
        assertThat(longStream.indexFetches()).isLessThanOrEqualTo(shortStream.indexFetches() + APPENDS);
        assertThat(longStream.indexFetches()).isLessThan(10L * APPENDS);
    }

    @Test
    void the_repository_fetches_and_appends_a_long_stream() {
        var repository = PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);
        var command = new Increment("long", 1);
        long started = System.nanoTime();
        var history = repository.fetch(command);
        long fetched = System.nanoTime();
        repository.append(
                command,
                UUID.randomUUID(),
                List.<CounterEvent>of(new Incremented("long", 1)),
                history.getLast().version());
        long appended = System.nanoTime();
        System.out.printf(
                "repository on a %d-event stream: fetch %.1f ms, append %.2f ms%n",
                history.size(), (fetched - started) / 1e6, (appended - fetched) / 1e6);
        assertThat(history).hasSizeGreaterThanOrEqualTo(LONG);
    }

    record Cost(long sequentialReads, long indexFetches, double millisPerAppend) {}

    private static Cost appendInOneTransaction(String stream, UUID previous) throws SQLException {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            long started = System.nanoTime();
            UUID last = previous;
            try (PreparedStatement append = c.prepareStatement(
                    "SELECT event_id FROM append_event('Incremented', ?, 'counter', ?, '{\"counterId\": \"x\", \"amount\": 1}',"
                            + " ?, ?::uuid)")) {
                for (int i = 0; i < APPENDS; i++) {
                    UUID id = UUID.randomUUID();
                    append.setObject(1, id);
                    append.setString(2, stream);
                    append.setObject(3, UUID.randomUUID());
                    append.setObject(4, last);
                    append.executeQuery().close();
                    last = id;
                }
            }
            double millis = (System.nanoTime() - started) / 1e6 / APPENDS;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT coalesce(seq_tup_read, 0), coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables"
                                    + " WHERE relname = 'events' AND schemaname = current_schema()")) {
                rs.next();
                Cost cost = new Cost(rs.getLong(1), rs.getLong(2), millis);
                c.commit();
                return cost;
            }
        }
    }

    private static UUID head(String stream) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_id FROM get_last_event('" + stream + "', 'counter')")) {
            rs.next();
            return rs.getObject(1, UUID.class);
        }
    }
}
