package io.fmodel.postgres.invariants;

import io.fmodel.postgres.Await;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One database session driven from a test, on a thread of its own: a statement that blocks leaves the test free to
 * drive the other sessions, and {@link #awaitBlockedOrDone} is the barrier that says the session reached its wait.
 * Interleavings are written as the sequence of steps of the sessions, each step waited for.
 */
final class Session implements AutoCloseable {

    /** A step of a session: SQL on its connection. */
    @FunctionalInterface
    interface Step<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Connection connection;
    private final ExecutorService thread;
    private final int pid;

    Session(String name, Connection connection) throws SQLException {
        this.name = name;
        this.connection = connection;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "session-" + name);
            t.setDaemon(true);
            return t;
        });
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
            r.next();
            this.pid = r.getInt(1);
        }
    }

    String name() {
        return name;
    }

    /** {@return the step started on this session's thread} */
    <T> CompletableFuture<T> start(Step<T> step) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return step.run(connection);
                    } catch (SQLException e) {
                        throw new SessionFailure(name, e);
                    }
                },
                thread);
    }

    /** Runs a step and waits for it. */
    <T> T call(Step<T> step) {
        return join(start(step));
    }

    /** Runs statements (no result) and waits for them. */
    void execute(String... sql) {
        call(c -> {
            try (Statement s = c.createStatement()) {
                for (String statement : sql) {
                    s.execute(statement);
                }
            }
            return null;
        });
    }

    /** Runs a query and waits for its rows, each a column-name-to-value map. */
    List<Map<String, Object>> query(String sql, Object... parameters) {
        return call(c -> rows(c, sql, parameters));
    }

    /** BEGIN: the next steps run in one transaction until {@link #commit} or {@link #rollback}. */
    void begin() {
        call(c -> {
            c.setAutoCommit(false);
            return null;
        });
    }

    void commit() {
        call(c -> {
            c.commit();
            c.setAutoCommit(true);
            return null;
        });
    }

    void rollback() {
        call(c -> {
            c.rollback();
            c.setAutoCommit(true);
            return null;
        });
    }

    /**
     * Waits until {@code step} is done or this session's backend waits for a lock (pg_stat_activity, read through
     * {@code observer}), whichever comes first. The versions of the store differ in which statements wait; an
     * interleaving holds for both.
     *
     * @return true if the session is waiting for a lock
     */
    boolean awaitBlockedOrDone(CompletableFuture<?> step, Connection observer) throws SQLException {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (step.isDone()) {
                return false;
            }
            List<Map<String, Object>> state =
                    rows(observer, "SELECT wait_event_type FROM pg_stat_activity WHERE pid = ?", pid);
            if (!state.isEmpty() && "Lock".equals(state.getFirst().get("wait_event_type"))) {
                return true;
            }
            Await.sleep(5);
        }
        throw new AssertionError("session " + name + " neither finished nor waited for a lock within " + STEP_TIMEOUT);
    }

    static <T> T join(CompletableFuture<T> step) {
        try {
            return step.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("a session step did not finish within " + STEP_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<Map<String, Object>> rows(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            if (!ps.execute()) {
                return rows;
            }
            try (ResultSet r = ps.getResultSet()) {
                ResultSetMetaData meta = r.getMetaData();
                while (r.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i), r.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    @Override
    public void close() throws SQLException {
        thread.shutdownNow();
        connection.close();
    }

    /** A step's SQL failed: carries the session's name and the SQLSTATE. */
    static final class SessionFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SessionFailure(String session, SQLException cause) {
            super("session " + session + ": " + cause.getMessage() + " [" + cause.getSQLState() + "]", cause);
        }

        String sqlState() {
            return ((SQLException) getCause()).getSQLState();
        }
    }
}
