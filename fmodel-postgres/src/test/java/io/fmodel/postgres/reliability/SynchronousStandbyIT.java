package io.fmodel.postgres.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.postgres.Await;
import io.fmodel.postgres.EventStoreTimeoutException;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.SchemaInstaller;
import io.fmodel.postgres.reliability.Tally.Add;
import io.fmodel.postgres.reliability.Tally.Added;
import io.fmodel.postgres.reliability.Tally.TallyCommand;
import io.fmodel.postgres.reliability.Tally.TallyEvent;
import io.fmodel.postgres.topology.ReplicaPair;
import io.fmodel.postgres.topology.ReplicaPair.Replication;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, parts 4 and 5, on a primary with a synchronous standby that is stopped: a commit then waits for it.
 * A bounded repository reports the wait as a typed exception saying the events are stored; a connection broken
 * during that wait leaves the outcome unknown, and the aggregate settles it by itself with the same command id.
 */
@Tag("topology")
class SynchronousStandbyIT {

    private static ReplicaPair pair;
    private static HikariDataSource pool;

    @BeforeAll
    static void start() {
        pair = ReplicaPair.start(Replication.SYNCHRONOUS, Map.of("max_connections", "40"));
        pool = SmallApp.pool(pair.primary().jdbcUrl("postgres"), "app-commands", 4, new Properties());
        SchemaInstaller.install(pool);
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    @AfterEach
    void standbyBack() {
        pair.startStandby();
    }

    @Test
    void while_the_standby_is_down_a_bounded_command_fails_in_time_saying_its_events_are_stored() throws Exception {
        var repository = PostgresEventStore.of(pool)
                .<TallyCommand, TallyEvent>repository(Tally.types(), Tally::streamOf)
                .withTimeout(Duration.ofSeconds(1));
        var aggregate = EventSourcingAggregate.of(Tally.TALLY, repository);
        pair.stopStandby();
        UUID commandId = UUID.randomUUID();
        Add add = new Add("bounded", 7);

        long started = System.nanoTime();
        assertThatThrownBy(() -> aggregate.handle(add, commandId))
                .isInstanceOfSatisfying(EventStoreTimeoutException.class, e -> {
                    assertThat(e.committed()).as("committed").isTrue();
                    assertThat(e.commandId()).isEqualTo(commandId);
                    assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(e.stream()).isEqualTo("tally/bounded");
                    assertThat(e.getMessage()).contains("stored", "synchronous standby");
                });
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(waited).as("time the command waited").isLessThan(Duration.ofSeconds(5));
        assertThat(commandsStored("bounded")).containsExactly(commandId);
        // handled again with its id: found, returned, nothing appended (and no commit to wait for)
        assertThat(aggregate.handle(add, commandId)).containsExactly(new Added("bounded", 1, 7));
        assertThat(commandsStored("bounded")).containsExactly(commandId);
        System.out.println(
                "bounded command (1 s) with the synchronous standby down failed after " + waited.toMillis() + " ms");
    }

    @Test
    void a_connection_broken_while_its_commit_waits_for_the_standby_is_settled_by_the_aggregate() throws Exception {
        var repository = PostgresEventStore.of(pool)
                .<TallyCommand, TallyEvent>repository(Tally.types(), Tally::streamOf)
                .withTimeout(Duration.ZERO);
        var aggregate = EventSourcingAggregate.of(Tally.TALLY, repository);
        pair.stopStandby();
        UUID commandId = UUID.randomUUID();
        Add add = new Add("in-doubt", 9);

        CompletableFuture<List<TallyEvent>> handled =
                CompletableFuture.supplyAsync(() -> aggregate.handle(add, commandId));
        int backend = awaitWaitingForStandby();
        terminate(backend); // the commit is done on the primary, its answer is lost with the connection

        assertThat(handled.get(30, TimeUnit.SECONDS)).containsExactly(new Added("in-doubt", 1, 9));
        assertThat(commandsStored("in-doubt")).containsExactly(commandId);
    }

    /** {@return the pid of the backend whose commit waits for the synchronous standby} */
    private static int awaitWaitingForStandby() throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (Connection connection = pair.primary().connect("postgres");
                PreparedStatement statement = connection.prepareStatement("SELECT pid FROM pg_stat_activity"
                        + " WHERE application_name = 'app-commands' AND wait_event = 'SyncRep'")) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        return rows.getInt(1);
                    }
                }
                Await.sleep(10);
            }
        }
        throw new AssertionError("no commit waited for the standby");
    }

    private static void terminate(int pid) throws SQLException {
        try (Connection connection = pair.primary().connect("postgres");
                PreparedStatement statement = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
            statement.setInt(1, pid);
            statement.executeQuery().close();
        }
    }

    private static List<UUID> commandsStored(String stream) throws SQLException {
        try (Connection connection = pair.primary().connect("postgres");
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT command_id FROM events WHERE decider = 'tally' AND decider_id = ? ORDER BY \"offset\"")) {
            statement.setString(1, stream);
            try (ResultSet rows = statement.executeQuery()) {
                List<UUID> ids = new java.util.ArrayList<>();
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
                return ids;
            }
        }
    }
}
