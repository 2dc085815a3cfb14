package io.fmodel.postgres.reliability;

import static io.fmodel.postgres.reliability.TopologyReport.ms;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.postgres.Await;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.SchemaInstaller;
import io.fmodel.postgres.reliability.Tally.Add;
import io.fmodel.postgres.reliability.Tally.TallyCommand;
import io.fmodel.postgres.reliability.Tally.TallyEvent;
import io.fmodel.postgres.topology.ReplicaPair;
import io.fmodel.postgres.topology.ReplicaPair.Replication;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14, part 6: the primary of a streaming-replication pair is killed under load and its standby promoted; the
 * application reaches whichever server is primary through pgjdbc's multi-host URL ({@code targetServerType=primary})
 * and recovers by itself. With a synchronous standby nothing acknowledged is lost; with an asynchronous one, what was
 * acknowledged but not yet streamed is lost, and the test measures how much (docs/reliability.md). In both, the
 * promoted server's chains are whole and its view equals a replay of its events.
 */
@Tag("topology")
class FailoverIT {

    private static final Duration LOAD = Duration.ofSeconds(Integer.getInteger("topology.seconds", 3));
    private static final Duration CATCH_UP = Duration.ofSeconds(15);

    @ParameterizedTest
    @EnumSource(Replication.class)
    void the_application_follows_a_promoted_standby_by_itself(Replication replication) throws Exception {
        try (ReplicaPair pair = ReplicaPair.start(replication, Map.of("max_connections", "60"))) {
            String url = pair.multiHostJdbcUrl();
            try (HikariDataSource commands = SmallApp.pool(url, "app-commands", 8, new Properties());
                    HikariDataSource processors = SmallApp.pool(url, "app-processors", 8, new Properties())) {
                SchemaInstaller.install(commands);
                SmallApp app = new SmallApp(commands, processors);
                try {
                    app.startCommands();
                    Await.sleep(LOAD.toMillis());

                    long killed = System.nanoTime();
                    pair.killPrimaryHard();
                    pair.promoteStandby();
                    long promoted = System.nanoTime();

                    Await.sleep(LOAD.toMillis());
                    app.stopCommands();
                    Duration catchUp =
                            app.awaitViewCaughtUp(() -> pair.standby().connect("postgres"), CATCH_UP);
                    int settled = app.settleOutcomeUnknown();
                    app.awaitViewCaughtUp(() -> pair.standby().connect("postgres"), CATCH_UP);

                    StoreAudit.Verification audit;
                    Set<UUID> stored;
                    try (Connection connection = pair.standby().connect("postgres")) {
                        audit = StoreAudit.verify(connection, app.acknowledged, SmallApp.VIEW);
                        stored = commandIds(connection);
                    }
                    // when the lost commands were acknowledged, in ms relative to the kill (negative: before it)
                    java.util.LongSummaryStatistics lostAt = app.acknowledged.keySet().stream()
                            .filter(id -> !stored.contains(id))
                            .mapToLong(id -> (app.acknowledgedAt.get(id) - killed) / 1_000_000)
                            .summaryStatistics();
                    TopologyReport.line(
                            "failover, %s standby (kill -9 of the primary, pg_promote; multi-host URL"
                                    + " targetServerType=primary): promotion took %s; commands flowed again %s after"
                                    + " the promotion; %d acknowledged, %d outcome unknown then settled; acknowledged and"
                                    + " lost: %d (acknowledged %s relative to the kill); the view caught up %s"
                                    + " after the load; broken chains %d, duplicates %d, views differing %d",
                            replication.name().toLowerCase(Locale.ROOT),
                            ms(promoted - killed),
                            ms(app.firstAcknowledgementAfter(promoted)),
                            app.acknowledged.size(),
                            settled,
                            audit.lost(),
                            lostAt.getCount() == 0 ? "-" : lostAt.getMin() + ".." + lostAt.getMax() + " ms",
                            ms(catchUp),
                            audit.brokenChains().size(),
                            audit.duplicates(),
                            audit.viewMismatches().size());

                    assertThat(app.unexpected)
                            .as("unexpected failures of commands")
                            .isEmpty();
                    assertThat(app.outcomeUnknown)
                            .as("commands whose outcome stayed unknown")
                            .isEmpty();
                    assertThat(app.firstAcknowledgementAfter(promoted))
                            .as("commands acknowledged by the promoted standby")
                            .isNotNegative();
                    assertThat(audit.brokenChains())
                            .as("streams whose chain is broken")
                            .isEmpty();
                    assertThat(audit.duplicates())
                            .as("events stored or applied twice")
                            .isZero();
                    assertThat(audit.viewMismatches())
                            .as("views differing from a replay")
                            .isEmpty();
                    if (replication == Replication.SYNCHRONOUS) {
                        CrashRecoveryIT.assertIntact(audit, app);
                    } else {
                        assertThat(audit.events())
                                .as("events == acknowledged commands less those lost with the primary")
                                .isEqualTo(app.acknowledged.size() - audit.lost());
                    }
                } finally {
                    app.close();
                }
            }
        }
    }

    @Test
    void an_asynchronous_standby_that_lags_loses_what_the_primary_acknowledged_meanwhile() throws Exception {
        try (ReplicaPair pair = ReplicaPair.start(Replication.ASYNCHRONOUS, Map.of("max_connections", "40"));
                HikariDataSource pool =
                        SmallApp.pool(pair.primary().jdbcUrl("postgres"), "app-commands", 2, new Properties())) {
            SchemaInstaller.install(pool);
            var aggregate = EventSourcingAggregate.of(
                    Tally.TALLY, PostgresEventStore.of(pool).repository(Tally.types(), Tally::streamOf));
            Set<UUID> streamed = handle(aggregate, "before", 10);
            pair.awaitStandbyReplayed(Duration.ofSeconds(30));
            pair.stopStandby(); // a standby that lags: the primary acknowledges without it
            Set<UUID> unstreamed = handle(aggregate, "meanwhile", 10);

            pair.killPrimaryHard();
            pair.standby().start();
            pair.promoteStandby();

            Set<UUID> survived;
            try (Connection connection = pair.standby().connect("postgres")) {
                survived = commandIds(connection);
            }
            long lost = unstreamed.stream().filter(id -> !survived.contains(id)).count();
            TopologyReport.line(
                    "failover, asynchronous standby stopped (lagging) before 10 acknowledged commands, then the"
                            + " primary killed and the standby promoted: %d of those 10 lost, %d of the 10 streamed"
                            + " before kept",
                    lost, streamed.stream().filter(survived::contains).count());

            assertThat(survived)
                    .as("commands streamed before the standby stopped")
                    .containsAll(streamed);
            assertThat(lost).as("acknowledged commands lost with the primary").isEqualTo(unstreamed.size());
        }
    }

    private static Set<UUID> handle(
            EventSourcingAggregate<TallyCommand, Long, TallyEvent> aggregate, String stream, int commands) {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < commands; i++) {
            UUID id = UUID.randomUUID();
            aggregate.handle(new Add(stream, i), id);
            ids.add(id);
        }
        return ids;
    }

    private static Set<UUID> commandIds(Connection connection) throws Exception {
        Set<UUID> ids = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT command_id FROM events WHERE decider = 'tally'")) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
        }
        return ids;
    }
}
