package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.postgres.topology.CitusCluster;
import io.fmodel.postgres.topology.LocalServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Append throughput of one plain PostgreSQL server against a Citus coordinator with two workers, side by side in one
 * run on this machine, with the same load: {@code citus.writers} threads (8), each calling {@code append_events}
 * (one event per call, as the repository does for one event) on streams of its own, 20 events a stream, for
 * {@code citus.throughput.seconds} (8) after 2 s of warm-up, in {@code citus.throughput.rounds} (3) rounds that
 * alternate which side goes first; both run all along. Every server runs on the same cores as the others and
 * as the load: the figure says what distribution costs here, not what it gains on machines of their own.
 *
 * <p>Not in the default build (tag {@code citus-benchmark}); run with the {@code citus-long} profile
 * (docs/scaling.md): {@code ./mvnw -B -pl fmodel-postgres -am verify -Pcitus-long -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CitusThroughputIT}.
 */
@Tag("citus-benchmark")
class CitusThroughputIT {

    private static final int WRITERS = Integer.getInteger("citus.writers", 8);
    private static final int SECONDS = Integer.getInteger("citus.throughput.seconds", 8);
    private static final int ROUNDS = Integer.getInteger("citus.throughput.rounds", 3);
    private static final int WARM_UP_SECONDS = 2;
    private static final int EVENTS_PER_STREAM = 20;

    @Test
    void appends_per_second_of_one_server_and_of_a_coordinator_with_two_workers() throws Exception {
        try (LocalServer server = LocalServer.initdb(
                                Map.of("max_prepared_transactions", "50", "max_worker_processes", "32"))
                        .start();
                CitusCluster cluster = CitusCluster.start(2, Map.of())) {
            try (Connection c = server.connect("postgres");
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE bench");
            }
            cluster.createDatabase("bench");
            try (HikariDataSource plainPool = CitusStoreIT.pool(server.jdbcUrl("bench"), WRITERS + 2);
                    HikariDataSource citusPool = CitusStoreIT.pool(cluster.jdbcUrl("bench"), WRITERS + 2)) {
                assertThat(SchemaInstaller.install(plainPool, SchemaLayout.PLAIN))
                        .isNotEmpty();
                assertThat(SchemaInstaller.install(citusPool, SchemaLayout.CITUS))
                        .isNotEmpty();
                register(plainPool);
                register(citusPool);
                // rounds alternate which side goes first; the ratio is the median of the rounds' ratios
                List<Double> ratios = new ArrayList<>();
                List<String> rounds = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    double plain;
                    double citus;
                    if (round % 2 == 0) {
                        plain = appendsPerSecond(plainPool, "plain");
                        citus = appendsPerSecond(citusPool, "citus");
                    } else {
                        citus = appendsPerSecond(citusPool, "citus");
                        plain = appendsPerSecond(plainPool, "plain");
                    }
                    assertThat(plain).isPositive();
                    assertThat(citus).isPositive();
                    ratios.add(citus / plain);
                    rounds.add(String.format("plain %.0f/s, citus %.0f/s (%.2f)", plain, citus, citus / plain));
                }
                List<Double> sorted = ratios.stream().sorted().toList();
                System.out.printf(
                        "citus throughput: %d writers, append_events of one event, %d rounds of %d s per side after"
                                + " %d s of warm-up, %d cores shared by every server and the load: %s; median ratio"
                                + " (coordinator + 2 workers / one server) %.2f%n",
                        WRITERS,
                        ROUNDS,
                        SECONDS,
                        WARM_UP_SECONDS,
                        Runtime.getRuntime().availableProcessors(),
                        String.join("; ", rounds),
                        sorted.get(sorted.size() / 2));
            }
        }
    }

    private static void register(DataSource pool) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT register_decider_event('bench', 'e')");
        }
    }

    private static double appendsPerSecond(DataSource pool, String label) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong appended = new AtomicLong();
        try (ExecutorService writers = Executors.newFixedThreadPool(WRITERS)) {
            List<Future<?>> load = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                load.add(writers.submit(() -> {
                    try (Connection c = pool.getConnection();
                            PreparedStatement append = c.prepareStatement(
                                    "SELECT event_id FROM append_events(ARRAY['e'], ARRAY[?::uuid], 'bench', ?,"
                                            + " ARRAY['{\"n\": 1}'::jsonb], ?::uuid, ?::uuid, ARRAY[1]::bigint[])")) {
                        String stream = label + "-" + UUID.randomUUID();
                        @Nullable UUID previous = null;
                        int inStream = 0;
                        while (!stop.get()) {
                            UUID eventId = UUID.randomUUID();
                            append.setObject(1, eventId);
                            append.setString(2, stream);
                            append.setObject(3, UUID.randomUUID());
                            append.setObject(4, previous);
                            try (ResultSet r = append.executeQuery()) {
                                assertThat(r.next()).isTrue();
                            }
                            previous = eventId;
                            if (measuring.get()) {
                                appended.incrementAndGet();
                            }
                            if (++inStream == EVENTS_PER_STREAM) {
                                stream = label + "-" + UUID.randomUUID();
                                previous = null;
                                inStream = 0;
                            }
                        }
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    return null;
                }));
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(WARM_UP_SECONDS));
            measuring.set(true);
            long started = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS));
            measuring.set(false);
            long elapsed = System.nanoTime() - started;
            stop.set(true);
            for (Future<?> writer : load) {
                writer.get(60, TimeUnit.SECONDS);
            }
            return appended.get() * 1e9 / elapsed;
        }
    }
}
