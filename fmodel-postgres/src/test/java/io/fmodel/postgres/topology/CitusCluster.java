package io.fmodel.postgres.topology;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A Citus cluster on loopback: a coordinator and N workers, each a {@link LocalServer} of its own with
 * {@code shared_preload_libraries = 'citus'}. For tests of the event store on a distributed PostgreSQL.
 *
 * <p>Citus keeps its metadata (nodes, distributed tables, shards) per database, and the coordinator reaches a worker
 * in the database of the same name. So {@link #start} only starts the servers, and {@link #createDatabase} makes a
 * database usable: it creates it on every node with {@code CREATE EXTENSION citus}, then, on the coordinator,
 * {@code citus_set_coordinator_host} and one {@code citus_add_node} per worker (which also syncs the metadata to the
 * workers, so that they can route queries and run distributed functions). Tests connect to the coordinator
 * ({@link #jdbcUrl}); the nodes talk to each other as {@link LocalServer#USER} over loopback, with {@code trust}.
 *
 * <p>Guarantees: a worker keeps its port across {@link #killWorkerHard} and {@link #restartWorker}, so the
 * coordinator's metadata stays right; {@link #close()} stops and deletes every node, also when {@link #start} fails
 * half way. When PostgreSQL 15 or Citus ({@code citus.so} in PostgreSQL's {@code lib} directory) is not installed, or
 * {@code citus.so} does not load into that PostgreSQL, {@link #start} skips the calling test ({@link Assumptions}).
 * All methods do I/O.
 *
 * <p>Defaults for every node, which {@code settings} override: {@code max_prepared_transactions = 50} (Citus commits
 * a multi-shard write with two-phase commit), {@code max_worker_processes = 32} (one Citus maintenance daemon per node
 * and database), {@code citus.shard_count = 4} (a cheap {@code create_distributed_table} on two cores),
 * {@code citus.node_conninfo = 'sslmode=disable'} (with Citus's default, {@code sslmode=require}, each node's first
 * {@code CREATE EXTENSION citus} turns {@code ssl} on with {@code ALTER SYSTEM} and generates a self-signed
 * certificate; nothing here leaves loopback). {@code wal_level} stays {@code replica}: only shard moves need
 * {@code logical}.
 *
 * {@snippet :
 * try (CitusCluster cluster = CitusCluster.start(2, Map.of())) {
 *     cluster.createDatabase("events");
 *     try (Connection connection = cluster.connect("events")) {
 *         connection.createStatement().execute("""
 *                 CREATE TABLE t (k bigint PRIMARY KEY, v text);
 *                 SELECT create_distributed_table('t', 'k');
 *                 INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 100) g""");
 *     }
 *     cluster.killWorkerHard(0);  // SIGKILL, as a crash would
 *     cluster.restartWorker(0);   // crash recovery on the same port
 * }
 * }
 */
public final class CitusCluster implements AutoCloseable {

    /** The Citus library that must be installed: {@code lib/citus.so} beside PostgreSQL's {@link LocalServer#BIN}. */
    public static final Path LIBRARY = LocalServer.BIN.resolveSibling("lib").resolve("citus.so");

    /** The address the nodes are registered under in Citus's metadata. */
    public static final String HOST = "127.0.0.1";

    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final LocalServer coordinator;
    private final List<LocalServer> workers;
    private final List<String> databases = new ArrayList<>();

    private CitusCluster(LocalServer coordinator, List<LocalServer> workers) {
        this.coordinator = coordinator;
        this.workers = List.copyOf(workers);
    }

    /** {@return a running coordinator and two workers, see {@link #start(int, Map)}} */
    public static CitusCluster start(Map<String, String> settings) {
        return start(2, settings);
    }

    /**
     * {@return a running coordinator and {@code workers} workers, no database set up yet ({@link #createDatabase})}
     *
     * <p>{@code settings} go to every node's {@code postgresql.conf}, after the defaults of this class; a
     * {@code shared_preload_libraries} of theirs is kept after {@code citus}, which must come first. Skips the calling
     * test when PostgreSQL 15 or Citus is not installed.
     */
    public static CitusCluster start(int workers, Map<String, String> settings) {
        if (workers < 1) {
            throw new IllegalArgumentException("a Citus cluster needs at least one worker, not " + workers);
        }
        assumeInstalled();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("max_prepared_transactions", "50");
        all.put("max_worker_processes", "32");
        all.put("citus.shard_count", "4");
        all.put("citus.node_conninfo", "sslmode=disable");
        all.putAll(settings);
        String preload = all.getOrDefault("shared_preload_libraries", "").trim();
        all.put("shared_preload_libraries", preload.isEmpty() ? "citus" : "citus," + preload);

        List<LocalServer> started = new ArrayList<>();
        try {
            LocalServer coordinator = LocalServer.initdb(with(all, "cluster_name", "coordinator"));
            started.add(coordinator);
            startLoadingCitus(coordinator);
            List<LocalServer> nodes = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                LocalServer worker = LocalServer.initdb(with(all, "cluster_name", "worker" + i));
                started.add(worker);
                nodes.add(worker.start());
            }
            return new CitusCluster(coordinator, nodes);
        } catch (RuntimeException e) {
            started.forEach(LocalServer::close);
            throw e;
        }
    }

    /**
     * Starts {@code server}; skips the calling test when {@code citus.so} is there but does not load, as when it was
     * built against a newer minor release of PostgreSQL 15 than the one installed (a minor release may add a
     * function its headers call: Citus 13.2.2 built on 15.20 headers needs {@code heap_datum_check}, which 15.18
     * lacks).
     */
    private static void startLoadingCitus(LocalServer server) {
        try {
            server.start();
        } catch (IllegalStateException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("could not load library") && message.contains(LIBRARY.toString())) {
                Assumptions.abort(LIBRARY + " is installed but does not load into "
                        + LocalServer.BIN.resolve("postgres")
                        + " (built for another PostgreSQL 15 minor release?): the Citus tests are skipped\n" + message);
            }
            throw e;
        }
    }

    /** Skips the calling test when PostgreSQL 15 or the Citus extension for it is not installed. */
    static void assumeInstalled() {
        LocalServer.assumeInstalled();
        Assumptions.assumeTrue(
                Files.isRegularFile(LIBRARY),
                () -> LIBRARY + " is missing: the Citus tests need Citus for PostgreSQL 15 (.ci/run installs it from "
                        + "../shared/vendor/citus when that folder exists) and are skipped");
    }

    /** {@return the coordinator, where the tests connect} */
    public LocalServer coordinator() {
        return coordinator;
    }

    /** {@return the workers, in the order they were added; {@link #killWorkerHard} and others take an index in it} */
    public List<LocalServer> workers() {
        return workers;
    }

    /** {@return the JDBC URL of {@code database} on the coordinator; log in as {@link LocalServer#USER}} */
    public String jdbcUrl(String database) {
        return coordinator.jdbcUrl(database);
    }

    /** {@return a new connection to {@code database} on the coordinator} */
    public Connection connect(String database) throws SQLException {
        return coordinator.connect(database);
    }

    /** {@return the databases {@link #createDatabase} has set up, in order} */
    public synchronized List<String> databases() {
        return List.copyOf(databases);
    }

    /**
     * Creates {@code name} on every node with the {@code citus} extension, and registers the coordinator and the
     * workers in its metadata. Not transactional: a failure leaves what was done.
     *
     * @param name a plain lower-case SQL identifier (it is not quoted)
     * @throws IllegalStateException when a statement fails, with the node it failed on
     */
    public synchronized void createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a database name here is a plain lower-case identifier, not " + name);
        }
        // Workers first: citus_add_node connects to the worker's database of the same name and syncs metadata there.
        for (LocalServer worker : workers) {
            execute(worker, "postgres", "CREATE DATABASE " + name);
            execute(worker, name, "CREATE EXTENSION citus");
        }
        execute(coordinator, "postgres", "CREATE DATABASE " + name);
        execute(coordinator, name, "CREATE EXTENSION citus");
        try (Connection connection = coordinator.connect(name)) {
            register(connection, "SELECT citus_set_coordinator_host(?, ?)", coordinator);
            for (LocalServer worker : workers) {
                register(connection, "SELECT citus_add_node(?, ?)", worker);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not register the nodes in " + name + " on the coordinator", e);
        }
        databases.add(name);
    }

    /** Kills worker {@code index} as a crash would ({@link LocalServer#killHard()}); the coordinator is not told. */
    public void killWorkerHard(int index) {
        workers.get(index).killHard();
    }

    /**
     * Starts worker {@code index} again on its data directory and port (crash recovery after a kill) and returns once
     * it accepts connections; a running worker is stopped fast first.
     */
    public void restartWorker(int index) {
        workers.get(index).restart();
    }

    /** Stops and deletes every node, workers first. Idempotent. */
    @Override
    public void close() {
        RuntimeException failure = null;
        List<LocalServer> all = new ArrayList<>(workers);
        all.add(coordinator);
        for (LocalServer server : all) {
            try {
                server.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private static Map<String, String> with(Map<String, String> settings, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(settings);
        copy.put(name, value);
        return copy;
    }

    private static void register(Connection connection, String sql, LocalServer node) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, HOST);
            statement.setInt(2, node.port());
            statement.execute();
        }
    }

    private static void execute(LocalServer server, String database, String sql) {
        try (Connection connection = server.connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed on " + server.jdbcUrl(database), e);
        }
    }
}
