package io.fmodel.postgres.reliability;

import static io.fmodel.postgres.reliability.TopologyReport.ms;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.core.application.StoreUnavailableException;
import io.fmodel.postgres.Await;
import io.fmodel.postgres.SchemaInstaller;
import io.fmodel.postgres.reliability.Tally.Add;
import io.fmodel.postgres.topology.LocalServer;
import io.fmodel.postgres.topology.PgBouncer;
import io.fmodel.postgres.topology.PgBouncer.PoolMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14, parts 2 and 3: the application and its view through a real PgBouncer (Debian's, skipped when absent), in
 * transaction and in session pooling, with the settings docs/reliability.md gives: {@code prepareThreshold=0}, and
 * in session pooling a pool large enough for every connection the application's pools keep open.
 *
 * <p>The view is woken by the data source's poller of {@code last_offsets()}, which needs no session of its own: its
 * latency through transaction pooling is measured and must stay far below the 1 s poll interval. A last test runs
 * transaction pooling with the driver's default settings, where the server-side prepared statements of one client
 * run on another's server connection (a statement of the same name, or none): an unsupported setup, which is why the
 * docs require {@code prepareThreshold=0}. Commands fail with typed errors that say what to change, the view makes
 * little progress, but nothing acknowledged is lost or duplicated and nothing is parked.
 */
@Tag("topology")
class PgBouncerTopologyIT {

    private static final Duration LOAD = Duration.ofSeconds(Integer.getInteger("topology.seconds", 3));
    private static final Duration CATCH_UP = Duration.ofSeconds(10);
    /** Connections each pool of the application keeps open: 4 for commands, 4 for the view (2 workers, poller, keeper). */
    private static final int POOL = 4;

    @ParameterizedTest
    @EnumSource(PoolMode.class)
    void with_the_documented_settings_commands_and_the_view_work_through_pgbouncer(PoolMode mode) throws Exception {
        Properties driver = new Properties();
        driver.setProperty("prepareThreshold", "0");
        // session pooling pins a server connection per client connection: room for both pools and the installer
        int serverConnections = mode == PoolMode.SESSION ? 2 * POOL + 2 : 4;
        try (LocalServer server =
                        LocalServer.initdb(Map.of("max_connections", "60")).start();
                PgBouncer bouncer = PgBouncer.start(server, mode, serverConnections)) {
            Run run = run(server, bouncer, driver);

            TopologyReport.line(
                    "pgbouncer %s pooling (%s), prepareThreshold=0: %d commands acknowledged, %d unavailable, %d"
                            + " typed failures left to the caller; append to view p50 %s, max %s (20 single commands);"
                            + " the view caught up %s after the load; lost %d, duplicates %d, views differing %d",
                    mode.name().toLowerCase(java.util.Locale.ROOT),
                    PgBouncer.version(),
                    run.app.acknowledged.size(),
                    run.app.unavailable.get(),
                    run.app.outcomeUnknown.size(),
                    ms(run.latencies.get(run.latencies.size() / 2)),
                    ms(run.latencies.getLast()),
                    ms(run.catchUp),
                    run.audit.lost(),
                    run.audit.duplicates(),
                    run.audit.viewMismatches().size());

            assertThat(run.app.unexpected).as("unexpected failures of commands").isEmpty();
            assertThat(run.app.storeFailures).as("failures of the store").isEmpty();
            assertThat(run.app.unavailable.get() + run.app.outcomeUnknown.size())
                    .as("commands the documented settings should not fail")
                    .isZero();
            assertThat(run.parked).as("parked partitions").isZero();
            assertThat(run.latencies.get(run.latencies.size() / 2))
                    .as("median append-to-view latency: the wake-up works without a session (the poll is 1 s)")
                    .isLessThan(Duration.ofMillis(300));
            CrashRecoveryIT.assertIntact(run.audit, run.app);
        }
    }

    @Test
    void with_the_drivers_default_settings_in_transaction_pooling_failures_are_typed_and_nothing_is_lost_or_parked()
            throws Exception {
        try (LocalServer server =
                        LocalServer.initdb(Map.of("max_connections", "60")).start();
                PgBouncer bouncer = PgBouncer.start(server, PoolMode.TRANSACTION, 4)) {
            String url = bouncer.jdbcUrl("postgres");
            try (HikariDataSource commands = SmallApp.pool(url, "app-commands", POOL, new Properties());
                    HikariDataSource processors = SmallApp.pool(url, "app-processors", POOL, new Properties())) {
                SchemaInstaller.install(commands);
                // starting can meet another client's prepared statement too: typed, with the hint, and a restart
                // of the application (here: a new attempt) goes on
                AtomicInteger startFailures = new AtomicInteger();
                SmallApp app = startDespitePoolerMixUps(commands, processors, startFailures);
                long parked;
                StoreAudit.Verification audit;
                try {
                    app.startCommands();
                    Await.sleep(LOAD.toMillis());
                    app.stopCommands();
                    Await.sleep(1_000); // let the view fail some more
                    try (Connection connection = server.connect("postgres")) {
                        parked = parked(connection);
                        audit = StoreAudit.verify(connection, app.acknowledged, SmallApp.VIEW);
                    }
                } finally {
                    app.close();
                }
                TopologyReport.line(
                        "pgbouncer transaction pooling, driver defaults (server-side prepared statements of one client"
                                + " run on another's server connection): %d failed starts (typed, with the hint);"
                                + " %d commands acknowledged, %d unavailable"
                                + " (SQLSTATE 26000 or 42P05, with the hint), %d outcome unknown, %d other typed"
                                + " failures %s; the view applied %d events, parked %d; lost %d, duplicates %d",
                        startFailures.get(),
                        app.acknowledged.size(),
                        app.unavailable.get(),
                        app.outcomeUnknown.size(),
                        app.storeFailures.size(),
                        app.storeFailures.stream()
                                .map(f -> f.split(":")[0])
                                .distinct()
                                .toList(),
                        app.viewProcessed(),
                        parked,
                        audit.lost(),
                        audit.duplicates());

                // unsupported, and loud: what fails is typed, what was acknowledged is stored once, nothing is parked
                assertThat(app.unexpected).as("untyped failures of commands").isEmpty();
                assertThat(parked)
                        .as("partitions parked for infrastructure errors")
                        .isZero();
                assertThat(audit.lost()).as("acknowledged commands missing").isZero();
                assertThat(audit.duplicates())
                        .as("events stored or applied twice")
                        .isZero();
                assertThat(audit.brokenChains())
                        .as("streams whose chain is broken")
                        .isEmpty();
            }
        }
    }

    /** Starts the application again after each typed start failure, as a supervisor would, up to 10 times. */
    private static SmallApp startDespitePoolerMixUps(
            DataSource commands, DataSource processors, AtomicInteger failures) {
        while (true) {
            try {
                return new SmallApp(commands, processors);
            } catch (StoreUnavailableException e) {
                assertThat(e).hasMessageContaining("prepareThreshold=0");
                assertThat(failures.incrementAndGet()).as("failed starts").isLessThan(10);
            }
        }
    }

    private record Run(
            SmallApp app,
            List<Duration> latencies,
            Duration catchUp,
            int settled,
            long parked,
            StoreAudit.Verification audit) {}

    /** Runs the load, then the latency probe; settles, audits. */
    private static Run run(LocalServer server, PgBouncer bouncer, Properties driver) throws Exception {
        String url = bouncer.jdbcUrl("postgres");
        try (HikariDataSource commands = SmallApp.pool(url, "app-commands", POOL, driver);
                HikariDataSource processors = SmallApp.pool(url, "app-processors", POOL, driver)) {
            SchemaInstaller.install(commands);
            SmallApp app = new SmallApp(commands, processors);
            try {
                app.startCommands();
                Await.sleep(LOAD.toMillis());
                app.stopCommands();
                Duration catchUp = app.awaitViewCaughtUp(() -> server.connect("postgres"), CATCH_UP);
                List<Duration> latencies = latencies(server, app);
                int settled = app.settleOutcomeUnknown();
                app.awaitViewCaughtUp(() -> server.connect("postgres"), CATCH_UP);
                try (Connection connection = server.connect("postgres")) {
                    return new Run(
                            app,
                            latencies,
                            catchUp,
                            settled,
                            parked(connection),
                            StoreAudit.verify(connection, app.acknowledged, SmallApp.VIEW));
                }
            } finally {
                app.close();
            }
        }
    }

    /** One command at a time on a stream of its own: the time until its event is in the view, sorted. */
    private static List<Duration> latencies(LocalServer server, SmallApp app) throws SQLException {
        List<Duration> latencies = new ArrayList<>();
        try (Connection connection = server.connect("postgres");
                PreparedStatement seen =
                        connection.prepareStatement("SELECT count(*) FROM " + SmallApp.VIEW + " WHERE id = ?")) {
            for (int i = 0; i < 20; i++) {
                String stream = "latency-" + i;
                Await.sleep(ThreadLocalRandom.current().nextLong(20, 120));
                long started = System.nanoTime();
                assertThat(app.handle(new Add(stream, i), UUID.randomUUID()))
                        .as("latency command acknowledged")
                        .isTrue();
                seen.setString(1, stream);
                while (true) {
                    try (ResultSet rows = seen.executeQuery()) {
                        rows.next();
                        if (rows.getLong(1) == 1) {
                            break;
                        }
                    }
                    if (System.nanoTime() - started > CATCH_UP.toNanos()) {
                        throw new AssertionError("the event of " + stream + " never reached the view");
                    }
                    Await.sleep(1);
                }
                latencies.add(Duration.ofNanos(System.nanoTime() - started));
            }
        }
        latencies.sort(null);
        return latencies;
    }

    private static long parked(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM parked_partitions(?)")) {
            statement.setString(1, SmallApp.VIEW);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
