package io.fmodel.postgres.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL 15 cluster of its own, from the machine's Debian binaries ({@code /usr/lib/postgresql/15/bin}): a fresh
 * {@code initdb} in a temporary directory, listening on a free loopback port only (no Unix socket), user
 * {@code postgres} with {@code trust} authentication. For tests that stop, kill and restart PostgreSQL under their
 * clients, which the shared embedded server of {@code TestDatabase} cannot allow.
 *
 * <p>Guarantees: the port and the data directory stay the same for the server's whole life, so clients reconnect to a
 * restarted server by themselves; {@link #killHard()} returns only once no process of the old server is left, so a
 * {@link #restart()} right after it runs crash recovery instead of finding the data directory busy; {@link #close()}
 * (and, failing that, a JVM shutdown hook) kills what is still running and deletes the directory. When the binaries
 * are not installed, {@link #initdb} skips the calling test ({@link Assumptions}). As root (which PostgreSQL refuses)
 * the binaries run as the {@code postgres} user or in a user namespace (see {@code RunAs}). All methods do I/O.
 *
 * <p>{@code initdb} runs with {@code --no-sync}: a killed server loses nothing the operating system has, which is
 * what these fixtures simulate; they do not simulate a power loss.
 *
 * {@snippet :
 * try (LocalServer server = LocalServer.initdb(Map.of("synchronous_commit", "on")).start()) {
 *     try (Connection connection = server.connect("postgres")) {
 *         connection.createStatement().execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1)");
 *     }
 *     server.killHard();          // SIGKILL of the postmaster, as a crash would
 *     server.restart();           // crash recovery on the same directory and port
 * }
 * }
 */
public final class LocalServer implements AutoCloseable {

    /**
     * Where Debian's {@code postgresql-15} package puts the server's binaries; {@code -Dfmodel.topology.postgres-bin}
     * points elsewhere.
     */
    public static final Path BIN =
            Path.of(System.getProperty("fmodel.topology.postgres-bin", "/usr/lib/postgresql/15/bin"));

    /** The superuser {@code initdb} creates; it logs in without a password ({@code trust}). */
    public static final String USER = "postgres";

    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration SHUTDOWN = Duration.ofSeconds(60);

    private final Path root;
    private final Path data;
    private final Path log;
    private final int port;
    private final RunAs runAs;
    private @Nullable Process postmaster;
    private @Nullable Thread hook;
    private boolean closed;

    private LocalServer(Path root, int port, RunAs runAs) {
        this.root = root;
        this.data = root.resolve("data");
        this.log = root.resolve("postgres.log");
        this.port = port;
        this.runAs = runAs;
    }

    /**
     * {@return a new cluster, initialised but not started, with {@code settings} in its {@code postgresql.conf}}
     *
     * <p>{@code settings} are any server parameters ({@code fsync}, {@code synchronous_commit},
     * {@code max_connections}, {@code wal_level}, {@code synchronous_standby_names}...); the fixture's own
     * {@code port}, {@code listen_addresses} and {@code unix_socket_directories} come after them and win. Skips the
     * calling test when PostgreSQL 15 is not installed.
     */
    public static LocalServer initdb(Map<String, String> settings) {
        assumeInstalled();
        LocalServer server = create("fmodel-pg-");
        try {
            server.runInRoot(
                    "initdb.log",
                    List.of(
                            BIN.resolve("initdb").toString(),
                            "--pgdata=" + server.data,
                            "--username=" + USER,
                            "--auth=trust",
                            "--encoding=UTF8",
                            "--locale=C",
                            "--no-sync",
                            "--no-instructions"),
                    Duration.ofSeconds(120));
            server.configure(settings);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * {@return a streaming-replication standby of the running {@code primary}: {@code pg_basebackup -R}, not started}
     *
     * <p>The standby's {@code postgresql.conf} is the primary's (copied by the base backup) followed by
     * {@code settings}, then its own port and addresses.
     */
    static LocalServer baseBackupOf(LocalServer primary, Map<String, String> settings) {
        assumeInstalled();
        LocalServer standby = create("fmodel-pg-standby-");
        try {
            standby.runInRoot(
                    "basebackup.log",
                    List.of(
                            BIN.resolve("pg_basebackup").toString(),
                            "--host=127.0.0.1",
                            "--port=" + primary.port,
                            "--username=" + USER,
                            "--pgdata=" + standby.data,
                            "--write-recovery-conf",
                            "--wal-method=stream",
                            "--checkpoint=fast",
                            "--no-sync"),
                    Duration.ofSeconds(120));
            standby.configure(settings);
            return standby;
        } catch (RuntimeException e) {
            standby.close();
            throw e;
        }
    }

    /** Skips the calling test when the PostgreSQL 15 binaries are not installed. */
    static void assumeInstalled() {
        for (String binary : List.of("postgres", "initdb", "pg_basebackup")) {
            Assumptions.assumeTrue(
                    Files.isExecutable(BIN.resolve(binary)),
                    () -> BIN.resolve(binary) + " is missing: the topology tests need Debian's PostgreSQL 15 "
                            + "(apt-get install postgresql-15) and are skipped");
        }
    }

    private static LocalServer create(String prefix) {
        RunAs runAs = RunAs.detect();
        Path root;
        try {
            root = Files.createTempDirectory(prefix);
            runAs.prepare(root);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a directory for PostgreSQL", e);
        }
        LocalServer server = new LocalServer(root, Ports.free(), runAs);
        server.hook = Processes.atExit("fmodel-pg-cleanup-" + server.port, server::destroy);
        return server;
    }

    /**
     * Starts the postmaster and waits until it accepts connections (after crash recovery, if it was killed).
     *
     * @return this server
     * @throws IllegalStateException when it is already running, or exits or does not become ready in time (with the
     *     tail of its log)
     */
    public synchronized LocalServer start() {
        if (closed) {
            throw new IllegalStateException("closed: " + root);
        }
        if (isRunning()) {
            throw new IllegalStateException("already running on port " + port);
        }
        // The JVM is the postmaster's parent (setpriv and unshare exec it in place), so a killed one is reaped at
        // once and never lingers as a zombie whose pid postmaster.pid still names.
        Process process =
                Processes.start(runAs, List.of(BIN.resolve("postgres").toString(), "-D", data.toString()), root, log);
        postmaster = process;
        awaitReady(process);
        return this;
    }

    /** Fast shutdown (SIGINT, what {@code pg_ctl stop -m fast} sends): rolls back open transactions, checkpoints. */
    public synchronized void stopFast() {
        Process process = postmaster;
        if (process == null || !process.isAlive()) {
            postmaster = null;
            return;
        }
        Processes.signal("INT", List.of(process.pid()));
        try {
            if (!process.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS)) {
                killHard();
                throw new IllegalStateException("no fast shutdown within " + SHUTDOWN + ", killed:\n" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killHard();
            throw new IllegalStateException("interrupted during a fast shutdown, killed", e);
        }
        postmaster = null;
    }

    /**
     * Kills the server as a crash would: {@code kill -9} of the postmaster (pid from {@code postmaster.pid}), then of
     * every child it had; returns once all of them are gone. No shutdown checkpoint, nothing flushed.
     *
     * <p>Children notice their postmaster's death and exit on their own, but not at once (a busy backend keeps going
     * until its next check), and a new postmaster refuses a data directory whose shared memory is still attached. So
     * the postmaster is first frozen (SIGSTOP, so that it cannot fork a child we would miss), its descendants listed,
     * then all of them killed.
     */
    public synchronized void killHard() {
        Process process = postmaster;
        if (process == null) {
            return;
        }
        if (!process.isAlive()) {
            // Died by itself and already reaped: its pid may be anybody's now, signal nothing.
            postmaster = null;
            return;
        }
        List<Long> victims = new ArrayList<>(List.of(postmasterPid(process)));
        Processes.signal("STOP", victims);
        process.descendants().forEach(child -> victims.add(child.pid()));
        Processes.signal("KILL", victims);
        try {
            process.waitFor(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the postmaster", e);
        }
        Processes.awaitGone(victims, SHUTDOWN);
        postmaster = null;
    }

    /**
     * Starts the server again on the same data directory and port: after {@link #killHard()} that is crash recovery.
     * A running server is stopped fast first.
     *
     * @return this server
     */
    public synchronized LocalServer restart() {
        if (isRunning()) {
            stopFast();
        }
        return start();
    }

    /** {@return whether the postmaster this fixture started is alive} */
    public synchronized boolean isRunning() {
        return postmaster != null && postmaster.isAlive();
    }

    /**
     * {@return the postmaster's pid, as {@code postmaster.pid} says}
     *
     * @throws IllegalStateException when the server is not running
     */
    public synchronized long pid() {
        Process process = postmaster;
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("not running");
        }
        return postmasterPid(process);
    }

    /** {@return the loopback port, the same for the server's whole life} */
    public int port() {
        return port;
    }

    /** {@return {@code jdbc:postgresql://127.0.0.1:port/database}; log in as {@link #USER}, no password} */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** {@return a new connection to {@code database} as {@link #USER}} */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), credentials(5));
    }

    /** {@return the data directory} */
    public Path dataDirectory() {
        return data;
    }

    /** {@return the server's log (its stderr), appended to across restarts} */
    public Path logFile() {
        return log;
    }

    /** Stops the server if it still runs (fast shutdown), then deletes its directory, log included. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopFast();
        } finally {
            Processes.deleteRecursively(root);
            if (hook != null) {
                Processes.forget(hook);
            }
        }
    }

    /** At JVM exit: no time for a checkpoint. */
    private synchronized void destroy() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            killHard();
        } finally {
            Processes.deleteRecursively(root);
        }
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private void runInRoot(String logName, List<String> command, Duration timeout) {
        Processes.run(runAs, command, root, root.resolve(logName), timeout);
    }

    private void configure(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.remove("port");
        all.remove("listen_addresses");
        all.remove("unix_socket_directories");
        all.put("port", Integer.toString(port));
        all.put("listen_addresses", "127.0.0.1");
        all.put("unix_socket_directories", "");
        StringBuilder text = new StringBuilder("\n# fmodel topology fixture (later lines win)\n");
        all.forEach((name, value) -> text.append(name)
                .append(" = '")
                .append(value.replace("'", "''"))
                .append("'\n"));
        try {
            Files.writeString(data.resolve("postgresql.conf"), text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write postgresql.conf in " + data, e);
        }
    }

    private void awaitReady(Process process) {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                postmaster = null;
                throw new IllegalStateException(
                        "postgres exited with " + process.exitValue() + " on port " + port + ":\n" + logTail());
            }
            try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), credentials(1))) {
                return;
            } catch (SQLException e) {
                last = e; // not listening yet, or "the database system is starting up"
            }
            Processes.sleep(Duration.ofMillis(50));
        }
        throw new IllegalStateException("postgres not ready within " + STARTUP + " (" + last + "):\n" + logTail());
    }

    private static Properties credentials(int connectTimeoutSeconds) {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        return properties;
    }

    /**
     * The pid in {@code postmaster.pid} when it is our process (or one of its descendants, should a wrapper ever
     * fork), else our process's: right after a kill the file still names the dead postmaster, whose pid may be
     * anybody's by now, until the new one rewrites it.
     */
    private long postmasterPid(Process process) {
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.US_ASCII);
            if (!lines.isEmpty()) {
                long pid = Long.parseLong(lines.get(0).trim());
                if (pid == process.pid() || process.descendants().anyMatch(child -> child.pid() == pid)) {
                    return pid;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not written yet, or being written: fall through
        }
        return process.pid();
    }

    private String logTail() {
        return Processes.tail(log, 30);
    }
}
