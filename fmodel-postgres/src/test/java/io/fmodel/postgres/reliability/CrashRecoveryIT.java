package io.fmodel.postgres.reliability;

import static io.fmodel.postgres.reliability.TopologyReport.ms;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.postgres.Await;
import io.fmodel.postgres.SchemaInstaller;
import io.fmodel.postgres.topology.LocalServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, part 1: a crash of the server, or of the processor's connections, under load and with the library's
 * default options. Commands resume by themselves, nothing acknowledged is lost, and the view catches up within
 * seconds, not within its lease timeout: the workers give back what they held once they reconnect.
 *
 * <p>Runs Debian's PostgreSQL 15 ({@link LocalServer}, skipped when absent). {@code -Dtopology.seconds=60} makes each
 * load phase last a minute (the long form, docs/reliability.md).
 */
@Tag("topology")
class CrashRecoveryIT {

    private static final Duration LOAD = Duration.ofSeconds(Integer.getInteger("topology.seconds", 3));
    /** Far below the processors' lease (10 s by default) plus the time to reconnect. */
    private static final Duration CATCH_UP = Duration.ofSeconds(8);

    @Test
    void after_a_sigkill_of_the_postmaster_under_load_commands_resume_and_the_view_catches_up_in_seconds()
            throws Exception {
        try (LocalServer server =
                        LocalServer.initdb(Map.of("max_connections", "60")).start();
                HikariDataSource commands =
                        SmallApp.pool(server.jdbcUrl("postgres"), "app-commands", 8, new Properties());
                HikariDataSource processors =
                        SmallApp.pool(server.jdbcUrl("postgres"), "app-processors", 8, new Properties())) {
            SchemaInstaller.install(commands);
            SmallApp app = new SmallApp(commands, processors);
            try {
                app.startCommands();
                Await.sleep(LOAD.toMillis());
                long beforeKill = app.viewProcessed();

                server.killHard();
                long killed = System.nanoTime();
                Await.sleep(1_000);
                server.restart();
                long restarted = System.nanoTime();

                Await.sleep(LOAD.toMillis());
                app.stopCommands();
                Duration catchUp = app.awaitViewCaughtUp(() -> server.connect("postgres"), CATCH_UP);
                int settled = app.settleOutcomeUnknown();
                app.awaitViewCaughtUp(() -> server.connect("postgres"), CATCH_UP);

                StoreAudit.Verification audit;
                try (Connection connection = server.connect("postgres")) {
                    audit = StoreAudit.verify(connection, app.acknowledged, SmallApp.VIEW);
                }
                TopologyReport.line(
                        "crash (SIGKILL of the postmaster, restart 1 s later), default options: %d commands"
                                + " acknowledged, %d unavailable (nothing written), %d outcome unknown then settled"
                                + " with their ids; commands flowed again %s after the restart (%s after the kill);"
                                + " the view caught up %s after the load ended; lost %d, duplicates %d, broken chains"
                                + " %d, views differing from a replay %d",
                        app.acknowledged.size(),
                        app.unavailable.get(),
                        settled,
                        ms(app.firstAcknowledgementAfter(restarted)),
                        ms(app.firstAcknowledgementAfter(killed)),
                        ms(catchUp),
                        audit.lost(),
                        audit.duplicates(),
                        audit.brokenChains().size(),
                        audit.viewMismatches().size());

                assertThat(app.unexpected).as("unexpected failures of commands").isEmpty();
                assertThat(app.outcomeUnknown)
                        .as("commands whose outcome stayed unknown")
                        .isEmpty();
                assertThat(app.firstAcknowledgementAfter(restarted))
                        .as("commands acknowledged after the restart")
                        .isNotNegative();
                assertThat(app.viewProcessed())
                        .as("events the view applied after the crash")
                        .isGreaterThan(beforeKill);
                assertIntact(audit, app);
            } finally {
                app.close();
            }
        }
    }

    @Test
    void when_the_processors_connections_are_terminated_the_view_carries_on_in_seconds() throws Exception {
        try (LocalServer server =
                        LocalServer.initdb(Map.of("max_connections", "60")).start();
                HikariDataSource commands =
                        SmallApp.pool(server.jdbcUrl("postgres"), "app-commands", 8, new Properties());
                HikariDataSource processors =
                        SmallApp.pool(server.jdbcUrl("postgres"), "app-processors", 8, new Properties())) {
            SchemaInstaller.install(commands);
            SmallApp app = new SmallApp(commands, processors);
            try {
                app.startCommands();
                int terminated = 0;
                long deadline = System.nanoTime() + LOAD.toNanos();
                while (System.nanoTime() < deadline) {
                    Await.sleep(300);
                    terminated += terminate(server, "fmodel:" + SmallApp.VIEW, "app-processors");
                }
                app.stopCommands();
                Duration catchUp = app.awaitViewCaughtUp(() -> server.connect("postgres"), CATCH_UP);

                StoreAudit.Verification audit;
                try (Connection connection = server.connect("postgres")) {
                    audit = StoreAudit.verify(connection, app.acknowledged, SmallApp.VIEW);
                }
                TopologyReport.line(
                        "processor connections terminated (pg_terminate_backend every 300 ms, %d in all), default"
                                + " options: %d commands acknowledged; the view caught up %s after the load ended;"
                                + " views differing from a replay %d",
                        terminated,
                        app.acknowledged.size(),
                        ms(catchUp),
                        audit.viewMismatches().size());

                assertThat(terminated).as("processor connections terminated").isPositive();
                assertThat(app.unexpected).as("unexpected failures of commands").isEmpty();
                assertIntact(audit, app);
            } finally {
                app.close();
            }
        }
    }

    static void assertIntact(StoreAudit.Verification audit, SmallApp app) {
        assertThat(app.acknowledged).as("acknowledged commands").isNotEmpty();
        assertThat(audit.lost())
                .as("acknowledged commands missing from the store")
                .isZero();
        assertThat(audit.brokenChains()).as("streams whose chain is broken").isEmpty();
        assertThat(audit.duplicates()).as("events stored or applied twice").isZero();
        assertThat(audit.events()).as("events == acknowledged commands").isEqualTo(app.acknowledged.size());
        assertThat(audit.viewMismatches()).as("views differing from a replay").isEmpty();
    }

    /**
     * {@return how many backends were terminated: the view's workers (named after the view) and the other connections
     * of the processors' pool (the wake-up poller, the lease keeper)}
     */
    static int terminate(LocalServer server, String workers, String pool) throws Exception {
        try (Connection connection = server.connect("postgres");
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FILTER (WHERE"
                        + " pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name IN (?, ?)")) {
            statement.setString(1, workers);
            statement.setString(2, pool);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
