package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.application.StoreUnavailableException;
import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.Counter.Incremented;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the repository reports when the database does not answer in time, the connection breaks during a call, or
 * the server cannot be reached: each a typed exception that says whether anything can have been written.
 */
class RepositoryFailuresIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static PostgresEventRepository<Increment, CounterEvent> repository;

    @BeforeAll
    static void createRepository() {
        repository = PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);
    }

    @Test
    void the_default_bound_is_thirty_seconds_and_a_negative_one_is_rejected() {
        assertThat(repository.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(repository.withTimeout(Duration.ZERO).timeout()).isZero();
        assertThatThrownBy(() -> repository.withTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }

    @Test
    void a_call_past_its_bound_is_cancelled_and_says_nothing_was_written() throws Exception {
        var bounded = repository.withTimeout(Duration.ofMillis(300));
        Increment command = new Increment("bounded", 1);
        try (Connection holder = lockEvents()) {
            long started = System.nanoTime();
            assertThatThrownBy(() ->
                            bounded.append(command, UUID.randomUUID(), List.of(new Incremented("bounded", 1)), null))
                    .isInstanceOfSatisfying(EventStoreTimeoutException.class, e -> {
                        assertThat(e.committed()).isFalse();
                        assertThat(e.sqlState()).isEqualTo("57014");
                        assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
                        assertThat(e.stream()).isEqualTo("counter/bounded");
                        assertThat(e.getMessage()).contains("nothing was written");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThatThrownBy(() -> bounded.fetch(command))
                    .isInstanceOfSatisfying(EventStoreTimeoutException.class, e -> assertThat(e.commandId())
                            .isNull());
            holder.rollback();
        }
        assertThat(repository.fetch(command)).isEmpty();
    }

    @Test
    void a_connection_broken_during_an_append_leaves_its_outcome_unknown() throws Exception {
        Increment command = new Increment("broken", 1);
        CompletableFuture<?> append;
        try (Connection holder = lockEvents()) {
            append = CompletableFuture.runAsync(
                    () -> repository.append(command, UUID.randomUUID(), List.of(new Incremented("broken", 1)), null));
            terminate(awaitBlockedAppend());
            holder.rollback();
        }
        assertThatThrownBy(() -> append.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                    assertThat(e.outcomeUnknown()).isTrue();
                    assertThat(e.stream()).isEqualTo("counter/broken");
                    assertThat(e.getMessage()).contains("57P01", "may or may not have committed");
                });
        assertThat(repository.fetch(command)).as("terminated before its commit").isEmpty();
    }

    @Test
    void a_server_that_cannot_be_reached_is_unavailable_and_nothing_was_written() {
        Refusing refusing = new Refusing(db.dataSource());
        var unreachable = PostgresEventStore.of(refusing).repository(Counter.types(), Increment::counterId);
        refusing.refuse.set(true);
        Increment command = new Increment("unreachable", 1);

        assertThatThrownBy(() -> unreachable.fetch(command))
                .isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.outcomeUnknown())
                        .isFalse());
        assertThatThrownBy(() -> unreachable.append(
                        command, UUID.randomUUID(), List.of(new Incremented("unreachable", 1)), null))
                .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                    assertThat(e.outcomeUnknown()).as("never sent").isFalse();
                    assertThat(e.getMessage()).contains("08001", "nothing was written");
                });
    }

    /** {@return a connection in a transaction that holds {@code events} exclusively: every call on it waits} */
    private static Connection lockEvents() throws SQLException {
        Connection holder = db.connection();
        holder.setAutoCommit(false);
        try (Statement statement = holder.createStatement()) {
            statement.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
        }
        return holder;
    }

    /** Polls on a connection of its own: pg_stat_activity is read once per transaction. */
    private static int awaitBlockedAppend() throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (Connection connection = db.connection();
                PreparedStatement statement = connection.prepareStatement("SELECT pid FROM pg_stat_activity WHERE"
                        + " wait_event_type = 'Lock' AND query LIKE '%append_events%' AND pid <> pg_backend_pid()")) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        return rows.getInt(1);
                    }
                }
                Thread.onSpinWait();
            }
        }
        throw new AssertionError("no append waited for the lock");
    }

    private static void terminate(int pid) throws SQLException {
        try (Connection connection = db.connection();
                PreparedStatement statement = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
            statement.setInt(1, pid);
            statement.executeQuery().close();
        }
    }

    /** A data source that refuses connections once told to, as a server that is down would. */
    private static final class Refusing implements DataSource {
        final AtomicBoolean refuse = new AtomicBoolean();
        private final DataSource delegate;

        Refusing(DataSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (refuse.get()) {
                throw new SQLException("Connection to 127.0.0.1:1 refused", "08001");
            }
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return new PrintWriter(System.err);
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
