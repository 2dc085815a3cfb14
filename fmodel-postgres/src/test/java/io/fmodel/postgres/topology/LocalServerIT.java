package io.fmodel.postgres.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Smoke test of {@link LocalServer}: a real PostgreSQL 15 that is killed and recovers. */
@Tag("topology")
class LocalServerIT {

    @Test
    void a_committed_row_survives_a_hard_kill_and_the_restart_recovers_it() throws Exception {
        try (LocalServer server = LocalServer.initdb(Map.of("synchronous_commit", "on", "max_connections", "20"))
                .start()) {
            execute(server, "CREATE TABLE kept (id int PRIMARY KEY, note text)");
            execute(server, "INSERT INTO kept VALUES (1, 'committed before the kill')");
            long before = server.pid();
            List<Long> processes = ProcessHandle.of(before)
                    .orElseThrow()
                    .descendants()
                    .map(ProcessHandle::pid)
                    .toList();
            assertThat(processes)
                    .as("checkpointer, walwriter... of the postmaster")
                    .isNotEmpty();

            server.killHard();

            assertThat(server.isRunning()).isFalse();
            assertThat(Processes.gone(before)).as("the postmaster").isTrue();
            assertThat(processes).as("its children").allMatch(Processes::gone);

            server.restart();

            assertThat(server.pid()).isNotEqualTo(before);
            assertThat(Files.readString(server.logFile()))
                    .contains("database system was not properly shut down; automatic recovery in progress");
            assertThat(query(server, "SELECT note FROM kept WHERE id = 1")).isEqualTo("committed before the kill");
            assertThat(query(server, "SHOW max_connections")).isEqualTo("20");
        }
    }

    @Test
    void a_fast_stop_is_a_clean_shutdown_and_the_server_starts_again_on_its_port() throws Exception {
        try (LocalServer server = LocalServer.initdb(Map.of()).start()) {
            int port = server.port();
            execute(server, "CREATE TABLE kept AS SELECT 42 AS answer");

            server.stopFast();

            assertThat(server.isRunning()).isFalse();
            assertThat(Files.readString(server.logFile())).contains("database system is shut down");
            server.start();
            assertThat(server.port()).isEqualTo(port);
            assertThat(query(server, "SELECT answer FROM kept")).isEqualTo("42");
            assertThat(Files.readString(server.logFile())).doesNotContain("automatic recovery in progress");
        }
    }

    @Test
    void closing_deletes_the_data_directory() {
        LocalServer server = LocalServer.initdb(Map.of()).start();
        server.close();

        assertThat(server.dataDirectory()).doesNotExist();
        assertThat(server.isRunning()).isFalse();
    }

    static void execute(LocalServer server, String sql) throws SQLException {
        try (Connection connection = server.connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static String query(LocalServer server, String sql) throws SQLException {
        try (Connection connection = server.connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getString(1);
        }
    }
}
