package io.fmodel.postgres.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Smoke test of {@link CitusCluster}: a coordinator and two workers, a distributed table that outlives a worker's
 * crash; and a record, on stdout, of how Citus behaves where the event store will care (lines starting with
 * {@code FACT}, in {@code target/failsafe-reports/...CitusClusterIT-output.txt}).
 */
@Tag("citus")
class CitusClusterIT {

    private static final String DATABASE = "citus_smoke";

    private static CitusCluster cluster;
    private static String skipped = "";

    @BeforeAll
    static void startCluster() throws SQLException {
        try {
            cluster = CitusCluster.start(2, Map.of());
        } catch (TestAbortedException e) {
            // Reported by each test, not by the class: a class that skips in @BeforeAll counts as no test at all.
            skipped = String.valueOf(e.getMessage());
            return;
        }
        cluster.createDatabase(DATABASE);
        execute("CREATE TABLE t (k bigint PRIMARY KEY, v text)");
        execute("SELECT create_distributed_table('t', 'k')");
    }

    @BeforeEach
    void skipWithoutCitus() {
        Assumptions.assumeTrue(cluster != null, skipped);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void rows_of_a_distributed_table_survive_a_hard_kill_and_a_restart_of_a_worker() throws Exception {
        try (Connection connection = cluster.connect(DATABASE);
                PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
            for (int k = 1; k <= 100; k++) {
                insert.setLong(1, k);
                insert.setString(2, "row " + k);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        assertThat(query("SELECT count(*) FROM t WHERE k BETWEEN 1 AND 100")).isEqualTo("100");
        long onWorker = rowsOnWorker(0, "t");
        assertThat(onWorker).as("rows in worker 0's shards").isBetween(1L, 99L);

        cluster.killWorkerHard(0);

        assertThatThrownBy(() -> query("SELECT count(*) FROM t"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(Integer.toString(cluster.workers().get(0).port()));

        cluster.restartWorker(0);

        assertThat(query("SELECT count(*) FROM t WHERE k BETWEEN 1 AND 100")).isEqualTo("100");
        assertThat(rowsOnWorker(0, "t")).isEqualTo(onWorker);
    }

    @Test
    void the_facts_the_event_store_needs_about_citus_are_printed() throws Exception {
        List<String> facts = new ArrayList<>();
        uniqueViolations(facts);
        sequenceDefaults(facts);
        snapshotsAndTransactionIds(facts);
        notifications(facts);

        facts.forEach(fact -> System.out.println("FACT " + fact));
        assertThat(facts).isNotEmpty();
    }

    // ------------------------------------------------------------------------------------------------------- facts

    private static void uniqueViolations(List<String> facts) throws SQLException {
        execute("CREATE TABLE u (k bigint, n int, v text, PRIMARY KEY (k, n), CONSTRAINT u_k_v_key UNIQUE (k, v))");
        execute("SELECT create_distributed_table('u', 'k', colocate_with := 't')");
        execute("INSERT INTO u VALUES (1, 1, 'a')");
        facts.add("unique violation of the primary key through the coordinator: "
                + violation("INSERT INTO u VALUES (1, 1, 'b')"));
        facts.add("unique violation of a named constraint through the coordinator: "
                + violation("INSERT INTO u VALUES (1, 2, 'a')"));
        facts.add("unique violation in a multi-row insert over two shards: "
                + violation("INSERT INTO u VALUES (1, 3, 'c'), (2, 1, 'c'), (1, 4, 'a')"));
        execute("CREATE FUNCTION insert_u(key bigint, n int, v text) RETURNS void LANGUAGE sql"
                + " AS 'INSERT INTO u VALUES (key, n, v)'");
        execute("SELECT create_distributed_function('insert_u(bigint,int,text)', '$1', colocate_with := 't')");
        facts.add("unique violation in a distributed function (run on the worker): "
                + violation("SELECT insert_u(1, 1, 'z')"));
    }

    private static void sequenceDefaults(List<String> facts) throws SQLException {
        execute("CREATE SEQUENCE s_id_seq"); // bigint
        execute("CREATE TABLE s (k bigint, id bigint DEFAULT nextval('s_id_seq'), PRIMARY KEY (k, id))");
        execute("SELECT create_distributed_table('s', 'k', colocate_with := 't')");
        execute("CREATE SEQUENCE s4_id_seq AS integer");
        execute("CREATE TABLE s4 (k bigint, id integer DEFAULT nextval('s4_id_seq'), PRIMARY KEY (k, id))");
        execute("SELECT create_distributed_table('s4', 'k', colocate_with := 't')");
        for (String table : List.of("s", "s4")) {
            execute("CREATE FUNCTION insert_" + table + "(key bigint) RETURNS text LANGUAGE plpgsql AS $$"
                    + " DECLARE drawn bigint;"
                    + " BEGIN"
                    + "   INSERT INTO " + table + " (k) VALUES (key) RETURNING id INTO drawn;"
                    + "   RETURN 'id ' || drawn || ', function ran on port ' || inet_server_port();"
                    + " END $$");
            execute("SELECT create_distributed_function('insert_" + table + "(bigint)', '$1', colocate_with := 't')");
        }
        facts.add("ports: coordinator " + cluster.coordinator().port() + ", workers "
                + cluster.workers().stream().map(LocalServer::port).toList() + "; key 7 is on port "
                + query("SELECT nodeport FROM citus_shards WHERE table_name = 's'::regclass"
                        + " AND shardid = get_shard_id_for_distribution_column('s', 7)"));
        for (String table : List.of("s", "s4")) {
            String sequence = table + "_id_seq";
            facts.add(table + " ("
                    + query("SELECT data_type FROM information_schema.columns" + " WHERE table_name = '" + table
                            + "' AND column_name = 'id'")
                    + "), INSERT through the coordinator: id "
                    + attempt("INSERT INTO " + table + " (k) VALUES (7) RETURNING id") // RETURNING 'id ' || id: 0A000
                    + "; " + sequenceStates(sequence));
            facts.add(table + ", distributed function, autocommit: " + attempt("SELECT insert_" + table + "(7)") + "; "
                    + sequenceStates(sequence));
            facts.add(table + ", distributed function in a transaction block: "
                    + attemptInTransaction("SELECT insert_" + table + "(7)") + "; " + sequenceStates(sequence));
        }
    }

    private static void snapshotsAndTransactionIds(List<String> facts) throws SQLException {
        LocalServer worker = cluster.workers().get(0);
        try (Connection observer = cluster.connect(DATABASE);
                Connection onWorker = worker.connect(DATABASE);
                Connection workerObserver = worker.connect(DATABASE)) {
            onWorker.setAutoCommit(false);
            String workerXid = query(onWorker, "SELECT pg_current_xact_id()::text");
            facts.add("a transaction open directly on worker 0 has xid " + workerXid + "; worker 0's snapshot "
                    + query(workerObserver, "SELECT pg_current_snapshot()::text") + ", the coordinator's "
                    + query(observer, "SELECT pg_current_snapshot()::text") + " (coordinator's next xid "
                    + query(observer, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text") + ")");
            onWorker.rollback();
        }

        long keyOnWorker0 = firstKeyOn(worker, 1000);
        try (Connection writer = cluster.connect(DATABASE);
                Connection observer = cluster.connect(DATABASE);
                Connection workerObserver = worker.connect(DATABASE)) {
            writer.setAutoCommit(false);
            execute(writer, "INSERT INTO t VALUES (" + keyOnWorker0 + ", 'open')");
            facts.add("a single-shard INSERT through the coordinator, transaction open: coordinator xid "
                    + query(writer, "SELECT coalesce(pg_current_xact_id_if_assigned()::text, 'none')")
                    + ", Citus transaction " + query(writer, "SELECT get_current_transaction_id()::text")
                    + "; worker 0's snapshot " + query(workerObserver, "SELECT pg_current_snapshot()::text")
                    + " with backend xids "
                    + query(
                            workerObserver,
                            "SELECT string_agg(backend_xid::text, ',')"
                                    + " FROM pg_stat_activity WHERE backend_xid IS NOT NULL")
                    + "; the coordinator's snapshot " + query(observer, "SELECT pg_current_snapshot()::text"));
            String before = query(observer, "SELECT pg_current_snapshot()::text");
            writer.commit();
            facts.add("single-shard commit: coordinator snapshot " + before + " -> "
                    + query(observer, "SELECT pg_current_snapshot()::text"));

            execute(writer, "INSERT INTO t VALUES " + String.join(", ", keysOnEachWorker(2000)));
            facts.add("a multi-shard INSERT (both workers), transaction open: coordinator xid "
                    + query(writer, "SELECT coalesce(pg_current_xact_id_if_assigned()::text, 'none')")
                    + "; the coordinator's snapshot " + query(observer, "SELECT pg_current_snapshot()::text")
                    + "; worker 0's " + query(workerObserver, "SELECT pg_current_snapshot()::text"));
            before = query(observer, "SELECT pg_current_snapshot()::text");
            writer.commit();
            facts.add("multi-shard commit: coordinator snapshot " + before + " -> "
                    + query(observer, "SELECT pg_current_snapshot()::text") + ", pg_dist_transaction rows "
                    + query(
                            observer,
                            "SELECT count(*) || ' (xmin ' || coalesce(string_agg(xmin::text, ','), '-')"
                                    + " || ')' FROM pg_dist_transaction"));
            writer.rollback();
        }
    }

    private static void notifications(List<String> facts) throws SQLException {
        execute("CREATE FUNCTION notify_from(key bigint) RETURNS text LANGUAGE plpgsql AS $$"
                + " BEGIN"
                + "   PERFORM pg_notify('probe', 'function for key ' || key || ' on port ' || inet_server_port());"
                + "   RETURN inet_server_port()::text;"
                + " END $$");
        execute("SELECT create_distributed_function('notify_from(bigint)', '$1', colocate_with := 't')");
        List<LocalServer> workers = cluster.workers();
        try (Connection onCoordinator = cluster.connect(DATABASE);
                Connection onWorker0 = workers.get(0).connect(DATABASE);
                Connection onWorker1 = workers.get(1).connect(DATABASE);
                Connection sender = workers.get(0).connect(DATABASE)) {
            for (Connection listener : List.of(onCoordinator, onWorker0, onWorker1)) {
                execute(listener, "LISTEN probe");
            }
            execute(sender, "NOTIFY probe, 'NOTIFY run directly on worker 0'");
            execute("NOTIFY probe, 'NOTIFY run on the coordinator'");
            facts.add("notify_from(7) ran on port " + query("SELECT notify_from(7)"));
            facts.add("LISTEN on the coordinator received: " + received(onCoordinator));
            facts.add("LISTEN on worker 0 received: " + received(onWorker0));
            facts.add("LISTEN on worker 1 received: " + received(onWorker1));
        }
    }

    // ----------------------------------------------------------------------------------------------------- helpers

    private static String violation(String sql) {
        try (Connection connection = cluster.connect(DATABASE);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return "no error";
        } catch (PSQLException e) {
            ServerErrorMessage server = e.getServerErrorMessage();
            if (server == null) {
                return "SQLSTATE " + e.getSQLState() + ", " + e.getMessage();
            }
            return "SQLSTATE " + e.getSQLState() + ", constraint field " + server.getConstraint() + ", table field "
                    + server.getSchema() + "." + server.getTable() + ", message [" + server.getMessage()
                    + "], detail [" + server.getDetail() + "], context [" + server.getWhere() + "]";
        } catch (SQLException e) {
            return "SQLSTATE " + e.getSQLState() + ", " + e.getMessage();
        }
    }

    private static String attempt(String sql) {
        try {
            return query(sql);
        } catch (SQLException e) {
            return "ERROR " + e.getSQLState() + " [" + e.getMessage() + "]";
        }
    }

    private static String attemptInTransaction(String sql) {
        try (Connection connection = cluster.connect(DATABASE)) {
            connection.setAutoCommit(false);
            String result = query(connection, sql);
            connection.commit();
            return result;
        } catch (SQLException e) {
            return "ERROR " + e.getSQLState() + " [" + e.getMessage() + "]";
        }
    }

    private static String sequenceStates(String sequence) throws SQLException {
        StringBuilder states = new StringBuilder("sequence last_value on the coordinator ")
                .append(lastValue(cluster.coordinator(), sequence));
        for (int i = 0; i < cluster.workers().size(); i++) {
            states.append(", worker ")
                    .append(i)
                    .append(' ')
                    .append(lastValue(cluster.workers().get(i), sequence));
        }
        return states.toString();
    }

    private static String lastValue(LocalServer server, String sequence) throws SQLException {
        try (Connection connection = server.connect(DATABASE)) {
            return query(
                    connection,
                    "SELECT CASE WHEN is_called THEN last_value::text ELSE 'unused (starts at ' || last_value || ')'"
                            + " END FROM " + sequence);
        }
    }

    private static List<String> keysOnEachWorker(long from) throws SQLException {
        List<String> rows = new ArrayList<>();
        for (LocalServer worker : cluster.workers()) {
            rows.add("(" + firstKeyOn(worker, from) + ", 'multi')");
        }
        return rows;
    }

    private static long firstKeyOn(LocalServer worker, long from) throws SQLException {
        return Long.parseLong(query("SELECT min(k) FROM generate_series(" + from + ", " + (from + 100) + ") k"
                + " WHERE get_shard_id_for_distribution_column('t', k) IN (SELECT shardid FROM citus_shards"
                + " WHERE table_name = 't'::regclass AND nodeport = " + worker.port() + ")"));
    }

    private static String received(Connection listener) throws SQLException {
        PGConnection connection = listener.unwrap(PGConnection.class);
        List<String> payloads = new ArrayList<>();
        PGNotification[] batch = connection.getNotifications(500);
        while (batch != null && batch.length > 0) {
            for (PGNotification notification : batch) {
                payloads.add("'" + notification.getParameter() + "'");
            }
            batch = connection.getNotifications(200);
        }
        return payloads.isEmpty() ? "nothing" : String.join(", ", payloads);
    }

    private static long rowsOnWorker(int index, String table) throws SQLException {
        LocalServer worker = cluster.workers().get(index);
        List<String> shards = new ArrayList<>();
        try (Connection connection = cluster.connect(DATABASE);
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT shard_name FROM citus_shards WHERE table_name = ?::regclass AND nodeport = ?")) {
            statement.setString(1, table);
            statement.setInt(2, worker.port());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    shards.add(rows.getString(1));
                }
            }
        }
        long count = 0;
        try (Connection connection = worker.connect(DATABASE)) {
            for (String shard : shards) {
                count += Long.parseLong(query(connection, "SELECT count(*) FROM " + shard));
            }
        }
        return count;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = cluster.connect(DATABASE)) {
            execute(connection, sql);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String query(String sql) throws SQLException {
        try (Connection connection = cluster.connect(DATABASE)) {
            return query(connection, sql);
        }
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return String.valueOf(rows.getString(1));
        }
    }
}
