package io.fmodel.postgres.topology;

import static io.fmodel.postgres.topology.LocalServerIT.execute;
import static io.fmodel.postgres.topology.LocalServerIT.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.postgres.topology.ReplicaPair.Replication;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Smoke test of {@link ReplicaPair}: streaming replication between two real PostgreSQL 15 servers, and failover. */
@Tag("topology")
class ReplicaPairIT {

    private static final Map<String, String> SETTINGS = Map.of("max_connections", "20");

    @Test
    void a_row_committed_on_a_synchronous_primary_is_on_the_promoted_standby_after_the_primary_is_killed()
            throws Exception {
        try (ReplicaPair pair = ReplicaPair.start(Replication.SYNCHRONOUS, SETTINGS)) {
            execute(pair.primary(), "CREATE TABLE kept (id int PRIMARY KEY, note text)");
            execute(pair.primary(), "INSERT INTO kept VALUES (1, 'acknowledged by the primary')");

            pair.killPrimaryHard();
            pair.promoteStandby();

            try (Connection connection = DriverManager.getConnection(pair.multiHostJdbcUrl(), LocalServer.USER, "");
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(
                            "SELECT note, current_setting('port'), pg_is_in_recovery() FROM kept WHERE id = 1")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("acknowledged by the primary");
                assertThat(rows.getString(2))
                        .isEqualTo(Integer.toString(pair.standby().port()));
                assertThat(rows.getBoolean(3)).isFalse();
            }
            execute(pair.standby(), "INSERT INTO kept VALUES (2, 'written on the new primary')");
        }
    }

    @Test
    void a_synchronous_commit_waits_while_the_standby_is_stopped_and_returns_once_it_is_back() throws Exception {
        try (ReplicaPair pair = ReplicaPair.start(Replication.SYNCHRONOUS, SETTINGS)) {
            execute(pair.primary(), "CREATE TABLE kept (id int PRIMARY KEY)");

            pair.stopStandby();
            CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
                try {
                    execute(pair.primary(), "INSERT INTO kept VALUES (1)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            assertThat(commit).as("a commit without its synchronous standby").isNotDone();

            pair.startStandby();

            commit.get(30, TimeUnit.SECONDS);
            pair.awaitStandbyReplayed(Duration.ofSeconds(30));
            assertThat(query(pair.standby(), "SELECT count(*) FROM kept")).isEqualTo("1");
        }
    }

    @Test
    void an_asynchronous_standby_replays_the_primarys_commits_and_refuses_writes() throws Exception {
        try (ReplicaPair pair = ReplicaPair.start(Replication.ASYNCHRONOUS, SETTINGS)) {
            execute(pair.primary(), "CREATE TABLE kept AS SELECT generate_series(1, 100) AS id");

            pair.awaitStandbyReplayed(Duration.ofSeconds(30));

            assertThat(query(pair.standby(), "SELECT count(*) FROM kept")).isEqualTo("100");
            assertThat(query(pair.primary(), "SHOW synchronous_standby_names")).isEmpty();
            assertThatThrownBy(() -> execute(pair.standby(), "INSERT INTO kept VALUES (101)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("read-only transaction");
        }
    }
}
