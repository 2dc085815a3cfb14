package io.fmodel.postgres.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code pgbouncer} ({@code /usr/sbin/pgbouncer}) on a free loopback port in front of a {@link LocalServer},
 * in session or transaction pooling, every database of the server reachable under its own name.
 *
 * <p>Clients log in as {@link LocalServer#USER} without a password ({@code auth_type = trust}, the user listed in an
 * {@code auth_file}); {@code ignore_startup_parameters = extra_float_digits,options}, which pgjdbc sends. The log
 * (pgbouncer's stderr, it runs in the foreground) and the configuration live in a temporary directory that
 * {@link #close()} deletes. In transaction pooling, pgbouncer before 1.21 does not track protocol-level prepared
 * statements: give pgjdbc {@code prepareThreshold=0}. When pgbouncer is not installed, {@link #start} skips the
 * calling test. As root (which pgbouncer refuses) it runs as PostgreSQL does (see {@code RunAs}). All methods do I/O.
 *
 * {@snippet :
 * try (LocalServer server = LocalServer.initdb(Map.of()).start();
 *         PgBouncer bouncer = PgBouncer.start(server, PgBouncer.PoolMode.TRANSACTION, 2);
 *         Connection connection = DriverManager.getConnection(
 *                 bouncer.jdbcUrl("postgres") + "?prepareThreshold=0", LocalServer.USER, "")) {
 *     connection.createStatement().execute("SELECT 1");
 * }
 * }
 */
public final class PgBouncer implements AutoCloseable {

    /** Where Debian's {@code pgbouncer} package puts the binary; {@code -Dfmodel.topology.pgbouncer} points elsewhere. */
    public static final Path BINARY = Path.of(System.getProperty("fmodel.topology.pgbouncer", "/usr/sbin/pgbouncer"));

    private static final Duration STARTUP = Duration.ofSeconds(30);

    /** How pgbouncer lends a server connection to a client. */
    public enum PoolMode {
        /** For the client connection's whole life. */
        SESSION,
        /** For one transaction: session state (prepared statements, {@code SET}, advisory locks) does not carry over. */
        TRANSACTION
    }

    private final Path root;
    private final Path log;
    private final int port;
    private final PoolMode poolMode;
    private final Process process;
    private @Nullable Thread hook;
    private boolean closed;

    private PgBouncer(Path root, int port, PoolMode poolMode, Process process) {
        this.root = root;
        this.log = root.resolve("pgbouncer.log");
        this.port = port;
        this.poolMode = poolMode;
        this.process = process;
    }

    /**
     * {@return a running pgbouncer in front of {@code backend}, accepting connections}
     *
     * <p>{@code defaultPoolSize} is {@code default_pool_size}: server connections per database and user.
     * Skips the calling test when pgbouncer is not installed.
     */
    public static PgBouncer start(LocalServer backend, PoolMode poolMode, int defaultPoolSize) {
        assumeInstalled();
        RunAs runAs = RunAs.detect();
        Path root;
        try {
            root = Files.createTempDirectory("fmodel-pgbouncer-");
            runAs.prepare(root);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a directory for pgbouncer", e);
        }
        int port = Ports.free();
        Path config = root.resolve("pgbouncer.ini");
        Path users = root.resolve("userlist.txt");
        try {
            Files.writeString(users, "\"" + LocalServer.USER + "\" \"\"\n", StandardCharsets.UTF_8);
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "[databases]",
                            "* = host=127.0.0.1 port=" + backend.port(),
                            "",
                            "[pgbouncer]",
                            "listen_addr = 127.0.0.1",
                            "listen_port = " + port,
                            "unix_socket_dir =",
                            "auth_type = trust",
                            "auth_file = " + users,
                            "pool_mode = " + poolMode.name().toLowerCase(Locale.ROOT),
                            "default_pool_size = " + defaultPoolSize,
                            "max_client_conn = 200",
                            "ignore_startup_parameters = extra_float_digits,options",
                            "log_connections = 1",
                            "log_disconnections = 1",
                            ""),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            Processes.deleteRecursively(root);
            throw new UncheckedIOException("could not write pgbouncer's configuration in " + root, e);
        }
        Process process = Processes.start(
                runAs, List.of(BINARY.toString(), config.toString()), root, root.resolve("pgbouncer.log"));
        PgBouncer bouncer = new PgBouncer(root, port, poolMode, process);
        bouncer.hook = Processes.atExit("fmodel-pgbouncer-cleanup-" + port, bouncer::close);
        try {
            bouncer.awaitListening();
            return bouncer;
        } catch (RuntimeException e) {
            bouncer.close();
            throw e;
        }
    }

    /** Skips the calling test when pgbouncer is not installed. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(
                Files.isExecutable(BINARY),
                BINARY + " is missing: the pgbouncer topology tests need Debian's pgbouncer (apt-get install "
                        + "pgbouncer) and are skipped");
    }

    /** {@return the first line of {@code pgbouncer --version}, e.g. {@code PgBouncer 1.18.0}} */
    public static String version() {
        assumeInstalled();
        try {
            Process process = new ProcessBuilder(BINARY.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return output.lines().findFirst().orElse("").trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@return {@code jdbc:postgresql://127.0.0.1:port/database}, through pgbouncer} */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** {@return a new connection through pgbouncer as {@link LocalServer#USER}, with pgjdbc's {@code extra} options} */
    public Connection connect(String database, Properties extra) throws SQLException {
        Properties properties = new Properties();
        properties.putAll(extra);
        properties.setProperty("user", LocalServer.USER);
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /** {@return the loopback port pgbouncer listens on} */
    public int port() {
        return port;
    }

    /** {@return the pooling mode} */
    public PoolMode poolMode() {
        return poolMode;
    }

    /** {@return pgbouncer's pid} */
    public long pid() {
        return process.pid();
    }

    /** {@return pgbouncer's log} */
    public Path logFile() {
        return log;
    }

    /** Stops pgbouncer (SIGTERM: immediate shutdown, clients are cut) and deletes its directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            Processes.deleteRecursively(root);
            if (hook != null) {
                Processes.forget(hook);
            }
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "pgbouncer exited with " + process.exitValue() + ":\n" + Processes.tail(log, 20));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Processes.sleep(Duration.ofMillis(20));
            }
        }
        throw new IllegalStateException("pgbouncer not listening within " + STARTUP + ":\n" + Processes.tail(log, 20));
    }
}
