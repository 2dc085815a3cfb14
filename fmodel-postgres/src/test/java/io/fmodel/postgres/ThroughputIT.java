package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.Counter.Incremented;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The repository against the baseline it must stay close to: raw JDBC calling {@code get_events} then
 * {@code append_event}, one command at a time, same streams, same pool. Logs commands per second; asserts only that
 * both did the same work (timing assertions would be flaky on a shared machine).
 */
class ThroughputIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final int STREAMS = 50;
    private static final int COMMANDS = 1_000;

    static PostgresEventRepository<Increment, CounterEvent> repository;

    @BeforeAll
    static void warmUp() throws SQLException {
        repository = PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);
        runRepository("warm-repo-", 300);
        runJdbc("warm-jdbc-", 300);
    }

    @Test
    void the_repository_does_the_work_of_raw_jdbc_calls_and_logs_both_rates() throws SQLException {
        long t0 = System.nanoTime();
        runJdbc("jdbc-", COMMANDS);
        long t1 = System.nanoTime();
        runRepository("repo-", COMMANDS);
        long t2 = System.nanoTime();
        runJdbcBatch("batch-", COMMANDS);
        long t3 = System.nanoTime();

        double jdbc = COMMANDS / ((t1 - t0) / 1e9);
        double repo = COMMANDS / ((t2 - t1) / 1e9);
        double batch = COMMANDS / ((t3 - t2) / 1e9);
        System.out.printf(
                "fetch+append, %d commands over %d streams, 1 thread: raw JDBC get_events+append_event %.0f commands/s,"
                        + " raw JDBC get_events+append_events %.0f commands/s, repository %.0f commands/s (%.0f%% of the first)%n",
                COMMANDS, STREAMS, jdbc, batch, repo, 100 * repo / jdbc);
        assertThat(repository.fetch(new Increment("repo-0", 1))).hasSize(COMMANDS / STREAMS);
        assertThat(repository.fetch(new Increment("jdbc-0", 1))).hasSize(COMMANDS / STREAMS);
    }

    private static void runRepository(String prefix, int commands) {
        long fetching = 0;
        long appending = 0;
        for (int i = 0; i < commands; i++) {
            var command = new Increment(prefix + (i % STREAMS), 1);
            long t0 = System.nanoTime();
            List<StoredEvent<CounterEvent, UUID>> history = repository.fetch(command);
            long t1 = System.nanoTime();
            UUID version = history.isEmpty() ? null : history.getLast().version();
            repository.append(command, UUID.randomUUID(), List.of(new Incremented(command.counterId(), 1)), version);
            long t2 = System.nanoTime();
            fetching += t1 - t0;
            appending += t2 - t1;
        }
        System.out.printf(
                "repository: fetch %.3f ms, append %.3f ms per command%n",
                fetching / 1e6 / commands, appending / 1e6 / commands);
    }

    private static void runJdbcBatch(String prefix, int commands) throws SQLException {
        for (int i = 0; i < commands; i++) {
            String stream = prefix + (i % STREAMS);
            try (Connection c = db.dataSource().getConnection()) {
                UUID last = null;
                try (PreparedStatement get =
                        c.prepareStatement("SELECT event_id, data FROM get_events(?, 'counter')")) {
                    get.setString(1, stream);
                    try (ResultSet rs = get.executeQuery()) {
                        while (rs.next()) {
                            last = rs.getObject(1, UUID.class);
                            rs.getString(2);
                        }
                    }
                }
                try (PreparedStatement append = c.prepareStatement(
                        "SELECT * FROM append_events(ARRAY['Incremented'], ARRAY[?::uuid], 'counter', ?,"
                                + " ARRAY[?::jsonb], ?, ?::uuid, ARRAY[1::bigint])")) {
                    append.setObject(1, UUID.randomUUID());
                    append.setString(2, stream);
                    append.setString(3, "{\"counterId\": \"" + stream + "\", \"amount\": 1}");
                    append.setObject(4, UUID.randomUUID());
                    append.setObject(5, last);
                    append.executeQuery().close();
                }
            }
        }
    }

    private static void runJdbc(String prefix, int commands) throws SQLException {
        for (int i = 0; i < commands; i++) {
            String stream = prefix + (i % STREAMS);
            try (Connection c = db.dataSource().getConnection()) {
                UUID last = null;
                try (PreparedStatement get =
                        c.prepareStatement("SELECT event_id, data FROM get_events(?, 'counter')")) {
                    get.setString(1, stream);
                    try (ResultSet rs = get.executeQuery()) {
                        while (rs.next()) {
                            last = rs.getObject(1, UUID.class);
                            rs.getString(2);
                        }
                    }
                }
                try (PreparedStatement append = c.prepareStatement(
                        "SELECT * FROM append_event('Incremented', ?, 'counter', ?, ?::jsonb, ?, ?::uuid)")) {
                    append.setObject(1, UUID.randomUUID());
                    append.setString(2, stream);
                    append.setString(3, "{\"counterId\": \"" + stream + "\", \"amount\": 1}");
                    append.setObject(4, UUID.randomUUID());
                    append.setObject(5, last);
                    append.executeQuery().close();
                }
            }
        }
    }
}
