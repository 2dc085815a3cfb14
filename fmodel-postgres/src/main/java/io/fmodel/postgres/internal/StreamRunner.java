package io.fmodel.postgres.internal;

import io.fmodel.postgres.ParkedPartition;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.SagaProcessor;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.ViewProcessor;
import io.fmodel.postgres.internal.jooq.Routines;
import io.fmodel.postgres.internal.jooq.tables.ParkedPartitions;
import io.fmodel.postgres.internal.jooq.tables.StreamEventBatches;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link ViewProcessor} and {@link SagaProcessor}: worker threads, each with its own connection,
 * lease batches with {@code stream_event_batches}, run the handler on each partition's batch in one transaction that
 * ends with the fenced {@code ack_event}, and nack (with backoff) or park failures. One extra thread LISTENs for
 * appends and wakes idle workers.
 *
 * <p>Every call of the SQL API goes through the jOOQ routines generated from {@code sql/} (ADR 0016), with bind values
 * only, on the worker's own JDBC connection: jOOQ never begins or ends a transaction here, so the handler's writes
 * and the ack share the transaction this class opens and commits. The one statement that is not generated is
 * {@code LISTEN}, a constant, which needs the raw {@link PGConnection}.
 */
public final class StreamRunner<E> implements ViewProcessor, SagaProcessor {

    /** The notification channel of sql/002 ({@code notify_events_appended}). */
    public static final String CHANNEL = "fmodel_events";

    /** The only SQL text of the runners: a constant, since a channel name cannot be a bind value. */
    private static final String LISTEN = "LISTEN fmodel_events";

    private static final Settings SETTINGS =
            new Settings().withExecuteLogging(false).withRenderSchema(false);

    private static final Logger LOG = LoggerFactory.getLogger(StreamRunner.class);

    /** One decoded event handed to a handler. */
    public record Delivery<E>(E event, UUID eventId, Partition partition, long offset) {}

    /** Processes one event inside the transaction that will acknowledge it. */
    @FunctionalInterface
    public interface Handler<E> {
        void handle(Connection transaction, Delivery<E> delivery) throws Exception;
    }

    /** Prepares the database (for example creates the view's tables) once, at start. */
    @FunctionalInterface
    public interface Installer {
        void install(Connection connection) throws SQLException;
    }

    /** Forgets the view's states, in the transaction that resets its positions (rebuild). */
    @FunctionalInterface
    public interface Clearer {
        void clear(Connection transaction) throws SQLException;
    }

    private record Row(UUID eventId, String name, long version, String data, long offset) {}

    private record Batch(Partition partition, long lease, int attempt, List<Row> rows) {
        long lastOffset() {
            return rows.getLast().offset();
        }
    }

    private final DataSource dataSource;
    private final String view;
    private final EventDecoder<E> decoder;
    private final StreamingOptions options;
    private final ProcessorListener listener;
    private final Handler<E> handler;
    private final Clearer clearer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final Object signal = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private long generation; // guarded by signal

    private StreamRunner(
            DataSource dataSource,
            String view,
            EventDecoder<E> decoder,
            StreamingOptions options,
            ProcessorListener listener,
            Handler<E> handler,
            Clearer clearer) {
        this.dataSource = dataSource;
        this.view = view;
        this.decoder = decoder;
        this.options = options;
        this.listener = listener;
        this.handler = handler;
        this.clearer = clearer;
    }

    /** {@return a runner that registered the view, installed what the handler needs, and started its threads} */
    public static <E> StreamRunner<E> start(
            DataSource dataSource,
            String view,
            EventDecoder<E> decoder,
            StreamingOptions options,
            ProcessorListener listener,
            Installer installer,
            Clearer clearer,
            Handler<E> handler) {
        try (Connection connection = dataSource.getConnection()) {
            installer.install(connection);
            Instant startAt = options.startAt();
            run(
                    connection,
                    Routines.registerView(
                            view,
                            startAt == null ? null : startAt.atOffset(ZoneOffset.UTC),
                            options.leaseTimeout().toSeconds(),
                            Math.max(1, options.pollInterval().toSeconds()),
                            null));
        } catch (SQLException | DataAccessException e) {
            throw new IllegalStateException("cannot register view " + view + ": " + e.getMessage(), e);
        }
        StreamRunner<E> runner = new StreamRunner<>(dataSource, view, decoder, options, listener, handler, clearer);
        runner.startThreads();
        return runner;
    }

    private void startThreads() {
        Thread notifications = Thread.ofPlatform()
                .name("fmodel-" + view + "-listen")
                .daemon(true)
                .unstarted(this::listen);
        threads.add(notifications);
        for (int i = 0; i < options.workers(); i++) {
            threads.add(Thread.ofPlatform()
                    .name("fmodel-" + view + "-worker-" + i)
                    .daemon(true)
                    .unstarted(this::work));
        }
        threads.forEach(Thread::start);
        LOG.info("view {}: started {} workers", view, options.workers());
    }

    // ----------------------------------------------------------------------------------------------------- workers

    private void work() {
        @Nullable Connection connection = null;
        while (!closed.get()) {
            long seen = generation();
            try {
                if (connection == null) {
                    connection = connect();
                }
                List<Batch> batches = fetch(connection);
                if (batches.isEmpty()) {
                    await(seen);
                    continue;
                }
                for (int i = 0; i < batches.size(); i++) {
                    if (closed.get()) {
                        for (Batch rest : batches.subList(i, batches.size())) {
                            nack(connection, rest);
                        }
                        break;
                    }
                    process(connection, batches.get(i));
                }
            } catch (SQLException | RuntimeException e) {
                if (connection != null && isConnectionFailure(e)) {
                    LOG.warn("view {}: connection lost, reconnecting: {}", view, e.getMessage());
                    closeQuietly(connection);
                    connection = null;
                } else {
                    LOG.error("view {}: worker error", view, e);
                }
                pause();
            } catch (Error e) {
                // closing the connection rolls back the batch in hand; its lease expires and another worker takes it
                LOG.error("view {}: worker stopped by an error", view, e);
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

    private Connection connect() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            // the driver sets application_name (operators find a view's workers in pg_stat_activity by it)
            String applicationName = "fmodel:" + view;
            connection.setClientInfo(
                    "ApplicationName", applicationName.substring(0, Math.min(63, applicationName.length())));
            connection.setAutoCommit(true);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
        return connection;
    }

    private List<Batch> fetch(Connection connection) throws SQLException {
        Map<Partition, Batch> batches = new LinkedHashMap<>();
        StreamEventBatches leased =
                Routines.streamEventBatches(view, options.partitionsPerFetch(), options.eventsPerPartition(), (int)
                        Math.min(Integer.MAX_VALUE, options.leaseTimeout().toSeconds()));
        // only the columns a delivery needs, in the function's order (offset order within a partition)
        dsl(connection)
                .select(
                        leased.DECIDER,
                        leased.DECIDER_ID,
                        leased.EVENT_ID,
                        leased.EVENT,
                        leased.EVENT_VERSION,
                        leased.DATA,
                        leased.OFFSET,
                        leased.LEASE,
                        leased.ATTEMPT)
                .from(leased)
                .forEach(r -> {
                    Partition partition = new Partition(r.value1(), r.value2());
                    long lease = r.value8();
                    int attempt = r.value9();
                    batches.computeIfAbsent(partition, p -> new Batch(p, lease, attempt, new ArrayList<>()))
                            .rows()
                            .add(new Row(
                                    r.value3(),
                                    r.value4(),
                                    r.value5(),
                                    r.value6().data(),
                                    r.value7()));
                });
        return List.copyOf(batches.values());
    }

    private void process(Connection connection, Batch batch) throws SQLException {
        Outcome outcome = attempt(connection, batch, batch.rows());
        if (outcome instanceof Outcome.Failed failed && failed.at() > 0) {
            // Commit the events before the failing one (they would be redelivered otherwise); the failing event then
            // heads a batch of its own, whose attempts are counted and parked alone.
            Outcome prefix = attempt(connection, batch, batch.rows().subList(0, failed.at()));
            outcome = prefix instanceof Outcome.Done done ? new Outcome.Done(done.events()) : failed;
        }
        switch (outcome) {
            case Outcome.Done done -> {
                processed.addAndGet(done.events());
                notify(() -> listener.processed(view, batch.partition(), done.events()));
            }
            case Outcome.LeaseLost lost ->
                LOG.warn(
                        "view {}: lease on {} lost, its batch was rolled back: {}",
                        view,
                        batch.partition(),
                        lost.failure().getMessage());
            case Outcome.Failed failed -> failed(connection, batch, failed.failure());
        }
    }

    private sealed interface Outcome {
        record Done(int events) implements Outcome {}

        record LeaseLost(Exception failure) implements Outcome {}

        record Failed(int at, Exception failure) implements Outcome {}
    }

    /** Runs {@code rows} and acks the last of them, in one transaction. */
    private Outcome attempt(Connection connection, Batch batch, List<Row> rows) throws SQLException {
        connection.setAutoCommit(false);
        int at = 0;
        try {
            for (Row row : rows) {
                // a view sees every decider's events; it processes its own and acknowledges the others
                if (batch.partition().decider().equals(decoder.decider())) {
                    E event = decoder.decode(
                            batch.partition().deciderId(), row.offset(), row.name(), row.version(), row.data());
                    handler.handle(connection, new Delivery<>(event, row.eventId(), batch.partition(), row.offset()));
                }
                at++;
            }
            run(
                    connection,
                    Routines.ackEvent(
                            view,
                            batch.partition().deciderId(),
                            rows.getLast().offset(),
                            batch.partition().decider(),
                            batch.lease()));
            connection.commit();
        } catch (Exception failure) {
            rollbackQuietly(connection);
            if (isConnectionFailure(failure)) {
                throw failure instanceof SQLException sql ? sql : new SQLException(failure);
            }
            restoreAutoCommit(connection);
            return isLeaseLost(failure) ? new Outcome.LeaseLost(failure) : new Outcome.Failed(at, failure);
        }
        restoreAutoCommit(connection);
        return new Outcome.Done(rows.size());
    }

    private void failed(Connection connection, Batch batch, Exception failure) throws SQLException {
        failed.incrementAndGet();
        notify(() -> listener.failed(view, batch.partition(), batch.attempt(), failure));
        String error = String.valueOf(failure);
        try {
            if (batch.attempt() >= options.maxAttempts()) {
                run(
                        connection,
                        Routines.parkPartition(
                                view,
                                batch.partition().deciderId(),
                                batch.partition().decider(),
                                error,
                                batch.lease()));
                parked.incrementAndGet();
                LOG.error(
                        "view {}: parked {} after {} attempts at offset {}",
                        view,
                        batch.partition(),
                        batch.attempt(),
                        batch.rows().getFirst().offset(),
                        failure);
                notify(() -> listener.parked(view, batch.partition(), batch.attempt(), failure));
            } else {
                long delay = options.backoff(batch.attempt()).toMillis();
                run(
                        connection,
                        Routines.scheduleNackEvent(
                                view,
                                batch.partition().deciderId(),
                                delay,
                                batch.partition().decider(),
                                batch.lease(),
                                error));
                LOG.warn(
                        "view {}: attempt {} on {} failed, retrying in {} ms: {}",
                        view,
                        batch.attempt(),
                        batch.partition(),
                        delay,
                        error);
            }
        } catch (DataAccessException e) {
            if (!isLeaseLost(e)) {
                throw e;
            }
            LOG.warn("view {}: lease on {} lost before its failure was recorded", view, batch.partition());
        }
    }

    private void nack(Connection connection, Batch batch) {
        try {
            run(
                    connection,
                    Routines.nackEvent(
                            view,
                            batch.partition().deciderId(),
                            batch.partition().decider(),
                            batch.lease(),
                            null));
        } catch (DataAccessException e) {
            LOG.warn(
                    "view {}: cannot release {} on shutdown (its lease will expire): {}",
                    view,
                    batch.partition(),
                    e.getMessage());
        }
    }

    /** {@return jOOQ on {@code connection} as it is: it neither commits nor changes auto-commit} */
    private static DSLContext dsl(Connection connection) {
        return DSL.using(connection, SQLDialect.POSTGRES, SETTINGS);
    }

    /** Calls a set-returning function of the SQL API for its effect, in {@code connection}'s transaction. */
    private static void run(Connection connection, Table<?> call) {
        dsl(connection).selectOne().from(call).execute();
    }

    // ----------------------------------------------------------------------------------------------- notification

    private void listen() {
        while (!closed.get()) {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute(LISTEN);
                PGConnection pg = connection.unwrap(PGConnection.class);
                wake(); // whatever was appended while nobody listened
                while (!closed.get()) {
                    PGNotification[] notifications = pg.getNotifications(250);
                    if (notifications != null && notifications.length > 0) {
                        wake();
                    }
                }
            } catch (SQLException e) {
                if (!closed.get()) {
                    LOG.warn("view {}: LISTEN connection lost, polling until it is back: {}", view, e.getMessage());
                    pause();
                }
            }
        }
    }

    private long generation() {
        synchronized (signal) {
            return generation;
        }
    }

    private void wake() {
        synchronized (signal) {
            generation++;
            signal.notifyAll();
        }
    }

    private void await(long seen) {
        long deadline = System.nanoTime() + options.pollInterval().toNanos();
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

    private void pause() {
        long seen = generation();
        long deadline = System.nanoTime() + Math.min(options.pollInterval().toNanos(), 200_000_000L);
        synchronized (signal) {
            long left;
            while (!closed.get() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    signal.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed.set(true);
                }
                if (generation != seen && closed.get()) {
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- the API

    @Override
    public String view() {
        return view;
    }

    @Override
    public long lag() {
        try (Connection connection = dataSource.getConnection()) {
            Long lag = Routines.viewLag(dsl(connection).configuration(), view);
            return lag == null ? 0 : lag;
        } catch (SQLException | DataAccessException e) {
            throw new IllegalStateException("cannot read the lag of view " + view + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long processedCount() {
        return processed.get();
    }

    @Override
    public long failedCount() {
        return failed.get();
    }

    @Override
    public long parkedCount() {
        return parked.get();
    }

    @Override
    public List<ParkedPartition> parked() {
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
            throw new IllegalStateException("cannot list the parked partitions of " + view + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void release(Partition partition) {
        try (Connection connection = dataSource.getConnection()) {
            run(connection, Routines.releasePartition(view, partition.deciderId(), partition.decider()));
        } catch (SQLException | DataAccessException e) {
            throw new IllegalStateException("cannot release " + partition + " of " + view + ": " + e.getMessage(), e);
        }
        wake();
    }

    @Override
    public void rebuild() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                // states first, then positions: the order in which a worker's transaction takes them, so no deadlock
                clearer.clear(connection);
                // NULL start: from the beginning of the log (reset_view's own default)
                run(connection, Routines.resetView(view, null));
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException | DataAccessException e) {
            throw new IllegalStateException("cannot rebuild view " + view + ": " + e.getMessage(), e);
        }
        wake();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        wake();
        for (Thread thread : threads) {
            try {
                thread.join(options.leaseTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info(
                "view {}: stopped after {} events ({} failures, {} parked)",
                view,
                processed.get(),
                failed.get(),
                parked.get());
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("view {}: listener failed", view, e);
        }
    }

    private static boolean isConnectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLeaseLost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && ("VS002".equals(sql.getSQLState()) || "VS004".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
    }

    private static void restoreAutoCommit(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("close failed", e);
        }
    }
}
