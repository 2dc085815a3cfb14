package io.fmodel.postgres.internal;

import io.fmodel.postgres.internal.jooq.Routines;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jooq.exception.DataAccessException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The threads of a {@link ConsumerEngine}: worker loops, each on its own connection (a new one, with a short pause,
 * after a connection failure, and the leases of the broken one given back), the lease keeper that extends the leases
 * of the workers at work, and the wake-up of idle workers when the log moves ({@link WakeUpPoller}, one per data
 * source). It knows nothing of batches: a worker runs its engine's {@link Round} and waits when there was nothing to
 * do. Logs go to the engine's logger.
 */
final class Workers {

    /** How often the wake-up poller looks at the log (ADR 0014): an idle worker starts within about this long. */
    static final Duration WAKE_UP_INTERVAL = Duration.ofMillis(10);

    /** One round of a worker on its connection. */
    @FunctionalInterface
    interface Round {
        /**
         * {@return false when there was nothing to do: the worker then waits for a wake-up or the poll}
         *
         * @param consumer the worker's name, the holder of the leases it takes ({@code leased_by})
         */
        boolean run(Connection connection, String consumer) throws SQLException;
    }

    private final DataSource dataSource;
    private final String view;
    private final String applicationName;
    private final Duration pollInterval;
    private final Logger log;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object signal = new Object();
    private final List<Thread> threads = new ArrayList<>();
    /** Workers that hold leases now: their leases are extended while they work (ADR 0012). */
    private final Set<String> holding = ConcurrentHashMap.newKeySet();

    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final Duration lease;
    private WakeUpPoller.@Nullable Registration wakeUps;
    private long generation; // guarded by signal

    Workers(
            DataSource dataSource,
            String view,
            String applicationName,
            Duration pollInterval,
            Duration lease,
            Logger log) {
        this.dataSource = dataSource;
        this.view = view;
        this.applicationName = applicationName.substring(0, Math.min(63, applicationName.length()));
        this.pollInterval = pollInterval;
        this.lease = lease;
        this.log = log;
    }

    /**
     * Registers the wake-up and starts {@code workers} threads {@code prefix-worker-i}, and the thread
     * {@code prefix-leases} that extends the leases of the workers at work.
     */
    void start(String prefix, int workers, Round round) {
        wakeUps = WakeUpPoller.register(dataSource, WAKE_UP_INTERVAL, this::wake);
        for (int i = 0; i < workers; i++) {
            // a name of its own per worker and per start: what it holds, and what it gives back after a reconnect
            String consumer = applicationName + ":" + instance + ":" + i;
            threads.add(Thread.ofPlatform()
                    .name(prefix + "-worker-" + i)
                    .daemon(true)
                    .unstarted(() -> work(round, consumer)));
        }
        threads.add(Thread.ofPlatform().name(prefix + "-leases").daemon(true).unstarted(this::keepLeases));
        threads.forEach(Thread::start);
    }

    /** {@return false if it was closed already; otherwise stops the threads, waiting up to {@code join} for each} */
    boolean close(Duration join) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        if (wakeUps != null) {
            wakeUps.close();
        }
        wake();
        for (Thread thread : threads) {
            try {
                thread.join(join.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return true;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Stops fetching (an interrupted worker): the threads end after their work in hand. */
    void stop() {
        closed.set(true);
    }

    // ----------------------------------------------------------------------------------------------------- workers

    private void work(Round round, String consumer) {
        @Nullable Connection connection = null;
        boolean lost = false;
        while (!closed.get()) {
            long seen = generation();
            try {
                if (connection == null) {
                    connection = connect();
                    if (lost) {
                        // what this worker held when its connection broke: free now (its transactions are gone)
                        giveBack(connection, consumer);
                        lost = false;
                    }
                }
                holding.add(consumer);
                boolean worked;
                try {
                    worked = round.run(connection, consumer);
                } finally {
                    holding.remove(consumer);
                }
                if (!worked) {
                    await(seen);
                }
            } catch (SQLException | RuntimeException e) {
                if (connection != null && ConsumerEngine.isConnectionFailure(e)) {
                    log.warn("view {}: connection lost, reconnecting: {}", view, e.getMessage());
                    closeQuietly(connection);
                    connection = null;
                    lost = true;
                } else if (connection == null && ConsumerEngine.isConnectionFailure(e)) {
                    log.warn("view {}: cannot connect, retrying: {}", view, e.getMessage());
                } else {
                    log.error("view {}: worker error", view, e);
                }
                pause();
            } catch (Error e) {
                // closing the connection rolls back the batch in hand; its lease expires and another worker takes it
                log.error("view {}: worker stopped by an error", view, e);
                if (connection != null) {
                    closeQuietly(connection);
                }
                throw e;
            }
        }
        if (connection != null) {
            closeQuietly(connection);
        }
    }

    /** {@code release_leases}: the partitions {@code consumer} held before its connection broke can be leased again. */
    private void giveBack(Connection connection, String consumer) {
        try {
            Integer released =
                    Routines.releaseLeases(ConsumerEngine.dsl(connection).configuration(), view, consumer);
            if (released != null && released > 0) {
                log.info("view {}: gave back {} partitions held when the connection broke", view, released);
                wake();
            }
        } catch (DataAccessException e) {
            // they expire with their leases
            log.warn("view {}: cannot give back the partitions of {}: {}", view, consumer, e.getMessage());
        }
    }

    /**
     * Extends the leases of the workers at work every third of a lease ({@code extend_leases}), so that a long batch
     * keeps its partitions while leases stay short: a processor that dies gives them up within one lease.
     */
    private void keepLeases() {
        long period = Duration.ofMillis(Math.max(100, lease.toMillis() / 3)).toNanos();
        int seconds = (int) Math.min(Integer.MAX_VALUE, Math.max(1, lease.toSeconds()));
        long due = System.nanoTime() + period;
        while (!closed.get()) {
            // the signal is shared with the workers' wake-ups (every few ms when the log moves): wait for the due
            // time, not for the first notification, or the leases are extended on every wake-up
            long left = due - System.nanoTime();
            if (left > 0) {
                synchronized (signal) {
                    try {
                        signal.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                continue;
            }
            due = System.nanoTime() + period;
            if (holding.isEmpty() || closed.get()) {
                continue;
            }
            try (Connection connection = dataSource.getConnection()) {
                for (String consumer : List.copyOf(holding)) {
                    Routines.extendLeases(ConsumerEngine.dsl(connection).configuration(), view, consumer, seconds);
                }
            } catch (SQLException | DataAccessException e) {
                log.warn("view {}: cannot extend the leases in hand (they may expire): {}", view, e.getMessage());
            }
        }
    }

    private Connection connect() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            // the driver sets application_name (operators find a view's workers in pg_stat_activity by it)
            connection.setClientInfo("ApplicationName", applicationName);
            connection.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
        return connection;
    }

    // ------------------------------------------------------------------------------------------------- wake-ups

    private long generation() {
        synchronized (signal) {
            return generation;
        }
    }

    /** Wakes the idle workers (new work: the log moved, a release, a reset). */
    void wake() {
        synchronized (signal) {
            generation++;
            signal.notifyAll();
        }
    }

    private void await(long seen) {
        long deadline = System.nanoTime() + pollInterval.toNanos();
        synchronized (signal) {
            long left;
            while (generation == seen && !closed.get() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    signal.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed.set(true);
                }
            }
        }
    }

    /** The backoff after a failure: at most the poll interval and 200 ms, cut short by closing. */
    private void pause() {
        long deadline = System.nanoTime() + Math.min(pollInterval.toNanos(), 200_000_000L);
        synchronized (signal) {
            long left;
            while (!closed.get() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    signal.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed.set(true);
                }
            }
        }
    }

    private void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("close failed", e);
        }
    }
}
