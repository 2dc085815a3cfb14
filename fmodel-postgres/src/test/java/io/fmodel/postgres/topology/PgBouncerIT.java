package io.fmodel.postgres.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.topology.PgBouncer.PoolMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Smoke test of {@link PgBouncer}: pgjdbc through a real pgbouncer, in transaction and in session pooling. */
@Tag("topology")
class PgBouncerIT {

    private static final int THREADS = 2;
    private static final int QUERIES = 50;

    private static LocalServer server;

    @BeforeAll
    static void startServer() {
        PgBouncer.assumeInstalled();
        System.out.println("pgbouncer: " + PgBouncer.version());
        server = LocalServer.initdb(Map.of("max_connections", "20")).start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void in_transaction_pooling_two_clients_share_one_server_connection_for_fifty_queries() throws Exception {
        try (PgBouncer bouncer = PgBouncer.start(server, PoolMode.TRANSACTION, 1)) {
            List<Set<Integer>> backends = queryOnThreads(bouncer);

            assertThat(backends).hasSize(THREADS);
            Set<Integer> all = new HashSet<>();
            backends.forEach(all::addAll);
            assertThat(all)
                    .as("server connections behind both clients (default_pool_size = 1)")
                    .hasSize(1);
        }
    }

    @Test
    void in_session_pooling_each_client_keeps_its_own_server_connection_for_fifty_queries() throws Exception {
        try (PgBouncer bouncer = PgBouncer.start(server, PoolMode.SESSION, THREADS)) {
            List<Set<Integer>> backends = queryOnThreads(bouncer);

            assertThat(backends).hasSize(THREADS).allMatch(pids -> pids.size() == 1);
            assertThat(backends.get(0)).doesNotContainAnyElementsOf(backends.get(1));
        }
    }

    /**
     * {@return for each thread, the backend pids that served it} Both threads connect first, then run their share of
     * the {@link #QUERIES} prepared queries (unnamed statements: {@code prepareThreshold=0}) at the same time.
     */
    private static List<Set<Integer>> queryOnThreads(PgBouncer bouncer) throws Exception {
        Properties options = new Properties();
        options.setProperty("prepareThreshold", "0");
        List<Connection> connections = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            for (int i = 0; i < THREADS; i++) {
                connections.add(bouncer.connect("postgres", options));
            }
            List<Future<Set<Integer>>> results = new ArrayList<>();
            for (Connection connection : connections) {
                Callable<Set<Integer>> share = () -> query(connection, QUERIES / THREADS);
                results.add(threads.submit(share));
            }
            List<Set<Integer>> backends = new ArrayList<>();
            for (Future<Set<Integer>> result : results) {
                backends.add(result.get(30, TimeUnit.SECONDS));
            }
            return backends;
        } finally {
            threads.shutdownNow();
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    private static Set<Integer> query(Connection connection, int count) throws SQLException {
        Set<Integer> backends = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT ?::int + 1, pg_backend_pid()")) {
            for (int i = 0; i < count; i++) {
                statement.setInt(1, i);
                try (ResultSet rows = statement.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getInt(1)).isEqualTo(i + 1);
                    backends.add(rows.getInt(2));
                }
            }
        }
        return backends;
    }
}
