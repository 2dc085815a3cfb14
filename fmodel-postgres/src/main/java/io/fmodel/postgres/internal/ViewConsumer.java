package io.fmodel.postgres.internal;

import io.fmodel.postgres.ParkedPartition;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.internal.jooq.Routines;
import io.fmodel.postgres.internal.jooq.tables.ParkedPartitions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * What the two runners of a view ({@link StreamRunner}, {@link HttpDeliveryRunner}) share: the worker loop with its
 * own connection (reconnect with a short backoff after a connection failure), the wake-up of idle workers when the
 * log moves ({@link WakeUpPoller}, one per data source), the failure classification, the counters, and the calls of
 * the SQL API made outside a batch's own logic (park, retry, release on shutdown, lag, parked partitions, release,
 * reset).
 *
 * <p>Every call goes through the jOOQ routines generated from {@code sql/} with bind values only (ADR 0016), on the
 * caller's connection as it is: jOOQ never begins or ends a transaction here. Logs go to the runner's logger.
 */
final class ViewConsumer {

    /** How often the wake-up poller looks at the log (ADR 0014): an idle worker starts within about this long. */
    static final Duration WAKE_UP_INTERVAL = Duration.ofMillis(10);

    private static final Settings SETTINGS =
            new Settings().withExecuteLogging(false).withRenderSchema(false);

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

    /**
     * A connection that can no longer be trusted (its rollback failed, or it was left outside auto-commit): the worker
     * closes it and takes a new one, as after a connection failure.
     */
    static final class UncleanConnectionException extends SQLException {
        private static final long serialVersionUID = 1L;

        UncleanConnectionException(String message, Throwable cause) {
            super(message, "08006", cause);
        }
    }

    private final DataSource dataSource;
    private final String view;
    private final String applicationName;
    private final Duration pollInterval;
    private final ProcessorListener listener;
    private final Logger log;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final Object signal = new Object();
    private final List<Thread> threads = new ArrayList<>();
    /** Workers that hold leases now: their leases are extended while they work (ADR 0012). */
    private final Set<String> holding = ConcurrentHashMap.newKeySet();

    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final Duration lease;
    private WakeUpPoller.@Nullable Registration wakeUps;
    private long generation; // guarded by signal

    ViewConsumer(
            DataSource dataSource,
            String view,
            String applicationName,
            Duration pollInterval,
            Duration lease,
            ProcessorListener listener,
            Logger log) {
        this.dataSource = dataSource;
        this.view = view;
        this.applicationName = applicationName.substring(0, Math.min(63, applicationName.length()));
        this.pollInterval = pollInterval;
        this.lease = lease;
        this.listener = listener;
        this.log = log;
    }

    /**
     * Registers the wake-up and starts {@code workers} threads {@code prefix + infix + i}, and the thread
     * {@code prefix-leases} that extends the leases of the workers at work.
     */
    void start(String prefix, String infix, int workers, Round round) {
        wakeUps = WakeUpPoller.register(dataSource, WAKE_UP_INTERVAL, this::wake);
        for (int i = 0; i < workers; i++) {
            // a name of its own per worker and per start: what it holds, and what it gives back after a reconnect
            String consumer = applicationName + ":" + instance + ":" + i;
            threads.add(
                    Thread.ofPlatform().name(prefix + infix + i).daemon(true).unstarted(() -> work(round, consumer)));
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
                if (connection != null && isConnectionFailure(e)) {
                    log.warn("view {}: connection lost, reconnecting: {}", view, e.getMessage());
                    closeQuietly(connection);
                    connection = null;
                    lost = true;
                } else if (connection == null && isConnectionFailure(e)) {
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
            Integer released = Routines.releaseLeases(dsl(connection).configuration(), view, consumer);
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
                    Routines.extendLeases(dsl(connection).configuration(), view, consumer, seconds);
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

    // ------------------------------------------------------------------------------------------- counts and events

    /** Counts and reports {@code events} acknowledged events. */
    void processed(Partition partition, int events) {
        processed.addAndGet(events);
        notify(() -> listener.processed(view, partition, events));
    }

    /** Counts and reports a failed attempt. */
    void failed(Partition partition, int attempt, Throwable failure) {
        failed.incrementAndGet();
        notify(() -> listener.failed(view, partition, attempt, failure));
    }

    /** Reports a parked partition (counted by {@link #park}). */
    void parked(Partition partition, int attempts, Throwable failure) {
        notify(() -> listener.parked(view, partition, attempts, failure));
    }

    long processedCount() {
        return processed.get();
    }

    long failedCount() {
        return failed.get();
    }

    long parkedCount() {
        return parked.get();
    }

    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("view {}: listener failed", view, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------- SQL calls

    /** {@return jOOQ on {@code connection} as it is: it neither commits nor changes auto-commit} */
    static DSLContext dsl(Connection connection) {
        return DSL.using(connection, SQLDialect.POSTGRES, SETTINGS);
    }

    /** Calls a set-returning function of the SQL API for its effect, in {@code connection}'s transaction. */
    static void run(Connection connection, Table<?> call) {
        dsl(connection).selectOne().from(call).execute();
    }

    /**
     * Records a failure with {@link #park} or {@link #retry}; if the lease was lost meanwhile, logs it and does
     * nothing more (the new holder delivers again).
     */
    void recordFailure(Partition partition, Runnable record) {
        try {
            record.run();
        } catch (DataAccessException e) {
            if (!isLeaseLost(e)) {
                throw e;
            }
            log.warn("view {}: lease on {} lost before its failure was recorded", view, partition);
        }
    }

    /** Dead-letters the held partition ({@code park_partition}) and counts it. */
    void park(Connection connection, Partition partition, long lease, String error) {
        run(connection, Routines.parkPartition(view, partition.deciderId(), partition.decider(), error, lease));
        parked.incrementAndGet();
    }

    /** Releases the held partition for another attempt after {@code delay} ({@code schedule_nack_event}). */
    void retry(Connection connection, Partition partition, long lease, Duration delay, String error) {
        run(
                connection,
                Routines.scheduleNackEvent(
                        view, partition.deciderId(), delay.toMillis(), partition.decider(), lease, error));
    }

    /** Releases a partition leased but not processed, on shutdown; if that fails, its lease expires. */
    void nack(Connection connection, Partition partition, long lease) {
        try {
            run(connection, Routines.nackEvent(view, partition.deciderId(), partition.decider(), lease, null));
        } catch (DataAccessException e) {
            log.warn(
                    "view {}: cannot release {} on shutdown (its lease will expire): {}",
                    view,
                    partition,
                    e.getMessage());
        }
    }

    long lag() {
        try (Connection connection = dataSource.getConnection()) {
            Long lag = Routines.viewLag(dsl(connection).configuration(), view);
            return lag == null ? 0 : lag;
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "read the lag");
        }
    }

    List<ParkedPartition> parked() {
        try (Connection connection = dataSource.getConnection()) {
            ParkedPartitions parked = Routines.parkedPartitions(view);
            return List.copyOf(dsl(connection)
                    .select(
                            parked.DECIDER,
                            parked.DECIDER_ID,
                            parked.POSITION,
                            parked.ATTEMPTS,
                            parked.LAST_ERROR,
                            parked.PARKED_AT)
                    .from(parked)
                    .fetch(r -> new ParkedPartition(
                            view,
                            new Partition(r.value1(), r.value2()),
                            r.value3(),
                            r.value4(),
                            r.value5(),
                            r.value6())));
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "list the parked partitions");
        }
    }

    /** Releases a parked partition ({@code release_partition}) and wakes the workers. */
    void release(Partition partition) {
        try (Connection connection = dataSource.getConnection()) {
            run(connection, Routines.releasePartition(view, partition.deciderId(), partition.decider()));
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "release " + partition);
        }
        wake();
    }

    /** Resets the view to the beginning of the log ({@code reset_view}), in {@code connection}'s transaction. */
    void reset(Connection connection) {
        // NULL start: from the beginning of the log (reset_view's own default)
        run(connection, Routines.resetView(view, null));
    }

    // ------------------------------------------------------------------------------------------ failure handling

    /**
     * {@return whether the connection is gone or cannot be trusted ({@link SqlErrors#isInfrastructureFailure}), so that
     * the worker takes a new one and the failure counts as no attempt of the batch}
     */
    static boolean isConnectionFailure(Throwable failure) {
        if (SqlErrors.isInfrastructureFailure(failure)) {
            SqlErrors.isPoolerMixup(failure); // says once in the log what to change
            return true;
        }
        return false;
    }

    /** {@return whether the lease was lost (VS002, VS004): drop the work, the new holder does it} */
    static boolean isLeaseLost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && ("VS002".equals(sql.getSQLState()) || "VS004".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rolls back and returns the connection to auto-commit.
     *
     * @throws UncleanConnectionException if either fails: the connection is then discarded, never used again
     */
    void rollback(Connection connection) throws UncleanConnectionException {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            throw new UncleanConnectionException(
                    "view " + view + ": rollback failed, the connection is discarded: " + e.getMessage(), e);
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
