package io.fmodel.postgres.topology;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A primary and a streaming-replication standby on loopback, both {@link LocalServer}s from the same binaries: the
 * standby is a {@code pg_basebackup -R} of the running primary, synchronous or asynchronous.
 *
 * <p>Synchronous means {@code synchronous_standby_names = 'standby'} on the primary (the standby's
 * {@code cluster_name}, which its WAL receiver reports as {@code application_name}): a commit returns only once the
 * standby has flushed it, so it survives {@link #killPrimaryHard()} and {@link #promoteStandby()}. Asynchronous: it
 * may not, unless the test first {@linkplain #awaitStandbyReplayed waits}. The standby never inherits the primary's
 * {@code synchronous_standby_names}, so once promoted it commits on its own. {@link #start} returns once the standby
 * streams (and, when synchronous, is the primary's sync standby). Roles are named after the start:
 * {@link #primary()} stays the first server after a promotion. All methods do I/O; {@link #close()} stops and
 * deletes both.
 *
 * {@snippet :
 * try (ReplicaPair pair = ReplicaPair.start(ReplicaPair.Replication.SYNCHRONOUS, Map.of())) {
 *     try (Connection primary = pair.primary().connect("postgres")) {
 *         primary.createStatement().execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1)");
 *     }
 *     pair.killPrimaryHard();
 *     pair.promoteStandby();
 *     try (Connection next = DriverManager.getConnection(pair.multiHostJdbcUrl(), LocalServer.USER, "")) {
 *         // the row is there
 *     }
 * }
 * }
 */
public final class ReplicaPair implements AutoCloseable {

    /** Whether a commit on the primary waits for the standby. */
    public enum Replication {
        /** A commit returns once the standby has flushed its WAL ({@code synchronous_commit = on}). */
        SYNCHRONOUS,
        /** A commit returns at once; the standby follows when it can. */
        ASYNCHRONOUS
    }

    /** The standby's {@code cluster_name}, hence its {@code application_name} in {@code pg_stat_replication}. */
    public static final String STANDBY_NAME = "standby";

    private static final Duration READY = Duration.ofSeconds(60);

    private final Replication replication;
    private final LocalServer primary;
    private final LocalServer standby;

    private ReplicaPair(Replication replication, LocalServer primary, LocalServer standby) {
        this.replication = replication;
        this.primary = primary;
        this.standby = standby;
    }

    /**
     * {@return a running pair whose standby streams from the primary}
     *
     * <p>{@code settings} go to both servers' {@code postgresql.conf} (the primary's also gets {@code wal_level =
     * replica} and, when synchronous, {@code synchronous_standby_names}). Skips the calling test when PostgreSQL 15
     * is not installed.
     */
    public static ReplicaPair start(Replication replication, Map<String, String> settings) {
        Map<String, String> primarySettings = new HashMap<>(settings);
        primarySettings.put("wal_level", "replica");
        primarySettings.put("cluster_name", "primary");
        primarySettings.put("synchronous_standby_names", replication == Replication.SYNCHRONOUS ? STANDBY_NAME : "");
        LocalServer primary = LocalServer.initdb(primarySettings);
        @Nullable LocalServer standby = null;
        try {
            primary.start();
            Map<String, String> standbySettings = new HashMap<>(settings);
            standbySettings.put("cluster_name", STANDBY_NAME);
            standbySettings.put("synchronous_standby_names", "");
            standbySettings.put("hot_standby", "on");
            standby = LocalServer.baseBackupOf(primary, standbySettings);
            ReplicaPair pair = new ReplicaPair(replication, primary, standby);
            pair.startStandby();
            return pair;
        } catch (RuntimeException e) {
            if (standby != null) {
                standby.close();
            }
            primary.close();
            throw e;
        }
    }

    /** {@return whether commits on the primary wait for the standby} */
    public Replication replication() {
        return replication;
    }

    /** {@return the server that was the primary at the start} */
    public LocalServer primary() {
        return primary;
    }

    /** {@return the server that was the standby at the start (a primary once promoted)} */
    public LocalServer standby() {
        return standby;
    }

    /** Kills the primary as a crash would ({@link LocalServer#killHard()}). */
    public void killPrimaryHard() {
        primary.killHard();
    }

    /** Promotes the standby ({@code SELECT pg_promote()}) and returns once it accepts writes. */
    public void promoteStandby() {
        try (Connection connection = standby.connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet promoted = statement.executeQuery("SELECT pg_promote(true, 60)")) {
            if (!promoted.next() || !promoted.getBoolean(1)) {
                throw new IllegalStateException(
                        "the standby was not promoted within 60 s:\n" + Processes.tail(standby.logFile(), 20));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not promote the standby", e);
        }
        await("the promoted standby to leave recovery", () -> !isInRecovery(standby));
    }

    /** Stops the standby (fast shutdown); a synchronous primary's commits then wait until it is back. */
    public void stopStandby() {
        standby.stopFast();
    }

    /** Starts the standby again and returns once it streams from the primary (as its sync standby, if synchronous). */
    public void startStandby() {
        standby.start();
        await("the standby to stream from the primary", this::standbyStreams);
    }

    /** Waits until the standby has replayed the primary's current WAL position (its last commit included). */
    public void awaitStandbyReplayed(Duration timeout) {
        String lsn = queryPrimary("SELECT pg_current_wal_lsn()::text");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!replayed(lsn)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the standby did not replay " + lsn + " within " + timeout);
            }
            Processes.sleep(Duration.ofMillis(10));
        }
    }

    /** {@return {@code jdbc:postgresql://127.0.0.1:p1,127.0.0.1:p2/postgres?targetServerType=primary}} */
    public String multiHostJdbcUrl() {
        return multiHostJdbcUrl("postgres");
    }

    /** {@return the multi-host URL of both servers for {@code database}: pgjdbc connects to whichever is primary} */
    public String multiHostJdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + primary.port() + ",127.0.0.1:" + standby.port() + "/" + database
                + "?targetServerType=primary";
    }

    /** Stops and deletes both servers. */
    @Override
    public void close() {
        try {
            standby.close();
        } finally {
            primary.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private boolean standbyStreams() {
        String sql = "SELECT count(*) FROM pg_stat_replication WHERE application_name = ? AND state = 'streaming'"
                + (replication == Replication.SYNCHRONOUS ? " AND sync_state = 'sync'" : "");
        try (Connection connection = primary.connect("postgres");
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, STANDBY_NAME);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getLong(1) == 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read pg_stat_replication on the primary", e);
        }
    }

    private boolean replayed(String lsn) {
        try (Connection connection = standby.connect("postgres");
                PreparedStatement statement =
                        connection.prepareStatement("SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
            statement.setString(1, lsn);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the standby's replay position", e);
        }
    }

    private static boolean isInRecovery(LocalServer server) {
        try (Connection connection = server.connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT pg_is_in_recovery()")) {
            return rows.next() && rows.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not ask " + server.jdbcUrl("postgres") + " for its role", e);
        }
    }

    private String queryPrimary(String sql) {
        try (Connection connection = primary.connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("could not run " + sql + " on the primary", e);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + READY.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + READY + " waiting for " + what);
            }
            Processes.sleep(Duration.ofMillis(20));
        }
    }
}
