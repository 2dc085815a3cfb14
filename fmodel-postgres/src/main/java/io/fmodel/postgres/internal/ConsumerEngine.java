package io.fmodel.postgres.internal;

import io.fmodel.core.application.RetryPolicy;
import io.fmodel.postgres.ParkedPartition;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.StreamProcessor;
import io.fmodel.postgres.internal.jooq.Routines;
import io.fmodel.postgres.internal.jooq.tables.ParkedPartitions;
import io.fmodel.postgres.internal.jooq.tables.StreamEventBatches;
import io.fmodel.postgres.internal.jooq.tables.StreamEventBatchesWithMetadata;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import org.slf4j.LoggerFactory;

/**
 * The one consumer engine behind every {@link StreamProcessor}: views and sagas ({@link StreamRunner}) and push
 * delivery ({@link HttpDeliveryRunner}). It owns everything but what a processor does with a leased batch: the lease
 * ({@code stream_event_batches}) and the fenced ack ({@code ack_event}), the release of a batch it will not deliver
 * ({@code nack_event}), the decision between parking ({@code park_partition}) and a retry after a backoff of its
 * {@link RetryPolicy} ({@code schedule_nack_event}), the counters and the {@link ProcessorListener} calls, and the
 * whole {@link StreamProcessor} API (lag, parked, release, rebuild, close). Its threads ({@link Workers}) run one round
 * after the other: lease up to {@link Options#partitions} partitions of up to {@link Options#events} events, hand each
 * batch to {@link #deliver}, settle the {@link Outcome}.
 *
 * <p>Every call of the SQL API goes through the jOOQ routines generated from {@code sql/} (ADR 0016), with bind values
 * only, on the worker's own JDBC connection as it is: jOOQ never begins or ends a transaction here, so a processor can
 * ack inside a transaction of its own (views) or in autocommit (push). The two calls of every batch, the lease and the
 * ack, are rendered from those routines once and run as plain JDBC prepared statements: rendering them per batch cost
 * measurable client CPU (docs/benchmarks.md part 4).
 */
public abstract sealed class ConsumerEngine implements StreamProcessor permits StreamRunner, HttpDeliveryRunner {

    /**
     * {@code stream_event_batches(view, partitions, events per partition, seconds, consumer)}: every column a processor
     * needs, in the function's order (offset order within a partition).
     */
    private static final String LEASE_SQL;
    /**
     * {@link #LEASE_SQL} with each event's {@code metadata}: {@code stream_event_batches_with_metadata} (sql/004),
     * the same leases plus a probe of {@code events} by offset per event, which only processors that show metadata
     * pay for (the seed's streaming functions keep their columns).
     */
    private static final String LEASE_WITH_METADATA_SQL;
    /** {@code ack_event(view, decider_id, offset, decider, lease)} */
    private static final String ACK_SQL;

    private static final Settings SETTINGS =
            new Settings().withExecuteLogging(false).withRenderSchema(false);

    static {
        DSLContext render = DSL.using(SQLDialect.POSTGRES, new Settings().withRenderSchema(false));
        StreamEventBatches leased = Routines.streamEventBatches(
                (String) null, (Integer) null, (Integer) null, (Integer) null, (String) null);
        LEASE_SQL = render.render(render.select(
                        leased.DECIDER,
                        leased.DECIDER_ID,
                        leased.EVENT_ID,
                        leased.EVENT,
                        leased.EVENT_VERSION,
                        leased.DATA,
                        leased.OFFSET,
                        leased.LEASE,
                        leased.ATTEMPT,
                        leased.CREATED_AT,
                        leased.COMMAND_ID)
                .from(leased));
        StreamEventBatchesWithMetadata withMetadata = Routines.streamEventBatchesWithMetadata(
                (String) null, (Integer) null, (Integer) null, (Integer) null, (String) null);
        LEASE_WITH_METADATA_SQL = render.render(render.select(
                        withMetadata.DECIDER,
                        withMetadata.DECIDER_ID,
                        withMetadata.EVENT_ID,
                        withMetadata.EVENT,
                        withMetadata.EVENT_VERSION,
                        withMetadata.DATA,
                        withMetadata.OFFSET,
                        withMetadata.LEASE,
                        withMetadata.ATTEMPT,
                        withMetadata.CREATED_AT,
                        withMetadata.COMMAND_ID,
                        withMetadata.METADATA)
                .from(withMetadata));
        ACK_SQL = render.render(render.selectOne()
                .from(Routines.ackEvent((String) null, (String) null, (Long) null, (String) null, (Long) null)));
    }

    /**
     * How an engine runs, whichever options record of the public API it came from.
     *
     * @param name the prefix of its threads ({@code name-view-worker-i}) and of its workers' {@code application_name}
     * @param partitions partitions leased per round
     * @param events consecutive events of one partition per lease
     * @param closeJoin how long {@link #close} waits for each thread to finish its work in hand
     * @param createdAt whether the batches carry each event's {@code created_at} (only push needs it: reading it costs
     *     client CPU on every event)
     * @param metadata whether the batches carry each event's {@code metadata} (one index probe per event)
     */
    record Options(
            String name,
            int workers,
            int partitions,
            int events,
            Duration pollInterval,
            Duration leaseTimeout,
            RetryPolicy retries,
            Duration closeJoin,
            boolean createdAt,
            boolean metadata) {

        /** {@return these options, reading each event's metadata} */
        Options withMetadata() {
            return new Options(
                    name, workers, partitions, events, pollInterval, leaseTimeout, retries, closeJoin, createdAt, true);
        }
    }

    /**
     * One leased event as stored: {@code data} is its JSON text, {@code createdAt} and {@code metadata} null unless
     * asked for ({@code metadata} is null as well for an event stored without).
     */
    record Row(
            UUID eventId,
            String name,
            long version,
            String data,
            long offset,
            @Nullable OffsetDateTime createdAt,
            UUID commandId,
            @Nullable String metadata) {}

    /** The leased events of one partition, in offset order, under one lease. */
    record Batch(Partition partition, long lease, int attempt, List<Row> rows) {}

    /** What delivering a batch came to. */
    sealed interface Outcome {
        /** The first {@code events} events were acknowledged (committed); none if the engine is closing. */
        record Acked(int events) implements Outcome {}

        /** The lease was lost (taken over after it expired): nothing more was acknowledged, the new holder goes on. */
        record LeaseLost(Exception failure) implements Outcome {}

        /**
         * The event after the first {@code acked} (acknowledged) ones failed.
         *
         * @param retryable false to park at once, whatever attempt this was
         * @param retryAfter the least pause the receiver asked for, if it did
         */
        record Failed(
                int acked,
                Exception failure,
                boolean retryable,
                @Nullable Duration retryAfter) implements Outcome {}
    }

    /** A connection that can no longer be trusted (its rollback failed): the worker takes a new one. */
    static final class UncleanConnectionException extends SQLException {
        private static final long serialVersionUID = 1L;

        UncleanConnectionException(String message, Throwable cause) {
            super(message, "08006", cause);
        }
    }

    final DataSource dataSource;
    final String view;
    final Options options;
    final Logger log;
    private final ProcessorListener listener;
    /** Whether the listener reads the trace context of batches: asked once, it does not change. */
    private final boolean traced;

    private final Workers workers;
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();

    ConsumerEngine(DataSource dataSource, String view, Options options, ProcessorListener listener) {
        this.dataSource = dataSource;
        this.view = Identifiers.requireName("view name", view);
        this.traced = listener.readsTraceContext();
        // a listener that reads the trace context of batches needs their metadata
        this.options = traced && !options.metadata() ? options.withMetadata() : options;
        this.listener = listener;
        this.log = LoggerFactory.getLogger(getClass());
        this.workers = new Workers(
                dataSource, view, options.name() + ":" + view, options.pollInterval(), options.leaseTimeout(), log);
    }

    // ------------------------------------------------------------------------------------- what a processor adds

    /**
     * Delivers one leased batch: does the processor's work and acknowledges what it did with {@link #ack}. Throws only
     * when the connection failed (then the batch counts as no attempt: the worker reconnects and gives it back).
     */
    abstract Outcome deliver(Connection connection, Batch batch) throws SQLException;

    /** Forgets what the processor keeps of the view, in the transaction of {@link #rebuild} that resets it. */
    void clear(Connection transaction) throws SQLException {}

    /** Frees what the processor holds, once its threads have stopped. */
    void closed() {}

    /** Starts the threads; {@code what} completes the log line. */
    final void start(String what) {
        workers.start(options.name() + "-" + view, options.workers(), this::round);
        log.info("view {}: started {} workers{}", view, options.workers(), what);
    }

    // ----------------------------------------------------------------------------------------------------- rounds

    /** Leases and delivers one round of batches; {@return false if there was nothing to lease} */
    private boolean round(Connection connection, String consumer) throws SQLException {
        List<Batch> batches = lease(connection, consumer);
        if (batches.size() >= options.partitions()) {
            // Other partitions are probably waiting: wake the idle workers now, or they sleep until the wake-up
            // poller sees an append or the poll interval ends while this one takes every partition round after round.
            workers.wake();
        }
        for (Batch batch : batches) {
            if (workers.isClosed()) {
                nack(connection, batch);
            } else {
                settle(connection, batch, delivered(connection, batch));
            }
        }
        return !batches.isEmpty();
    }

    /** {@return what delivering {@code batch} came to}, told to the listener's {@link ProcessorListener.Delivery} */
    private Outcome delivered(Connection connection, Batch batch) throws SQLException {
        ProcessorListener.Delivery delivery = delivering(batch);
        Outcome outcome;
        try {
            outcome = deliver(connection, batch);
        } catch (SQLException | RuntimeException | Error e) {
            ended(delivery, 0, e);
            throw e;
        }
        switch (outcome) {
            case Outcome.Acked acked -> ended(delivery, acked.events(), null);
            case Outcome.LeaseLost lost -> ended(delivery, 0, lost.failure());
            case Outcome.Failed failure -> ended(delivery, failure.acked(), failure.failure());
        }
        return outcome;
    }

    private ProcessorListener.Delivery delivering(Batch batch) {
        try {
            return listener.delivering(new ProcessorListener.Batch(
                    view,
                    batch.partition(),
                    batch.attempt(),
                    batch.rows().size(),
                    batch.rows().getFirst().offset(),
                    traced
                            ? MetadataJson.decode(batch.rows().getFirst().metadata())
                                    .traceContext()
                            : Map.of()));
        } catch (RuntimeException e) {
            log.warn("view {}: listener failed", view, e);
            return ProcessorListener.Delivery.NONE;
        }
    }

    private void ended(ProcessorListener.Delivery delivery, int acknowledged, @Nullable Throwable failure) {
        notify(() -> delivery.ended(acknowledged, failure));
    }

    private List<Batch> lease(Connection connection, String consumer) throws SQLException {
        Map<Partition, Batch> batches = new LinkedHashMap<>();
        try (PreparedStatement statement =
                connection.prepareStatement(options.metadata() ? LEASE_WITH_METADATA_SQL : LEASE_SQL)) {
            statement.setString(1, view);
            statement.setInt(2, options.partitions());
            statement.setInt(3, options.events());
            statement.setInt(
                    4, (int) Math.min(Integer.MAX_VALUE, options.leaseTimeout().toSeconds()));
            statement.setString(5, consumer);
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    Partition partition = new Partition(r.getString(1), r.getString(2));
                    long lease = r.getLong(8);
                    int attempt = r.getInt(9);
                    batches.computeIfAbsent(partition, p -> new Batch(p, lease, attempt, new ArrayList<>()))
                            .rows()
                            .add(new Row(
                                    r.getObject(3, UUID.class),
                                    r.getString(4),
                                    r.getLong(5),
                                    r.getString(6),
                                    r.getLong(7),
                                    options.createdAt() ? r.getObject(10, OffsetDateTime.class) : null,
                                    r.getObject(11, UUID.class),
                                    options.metadata() ? r.getString(12) : null));
                }
            }
        }
        return List.copyOf(batches.values());
    }

    /**
     * Acknowledges the events of {@code batch} up to {@code offset}, fenced with its lease, in {@code connection}'s
     * transaction (or in autocommit); ends the lease.
     *
     * @throws SQLException with SQLSTATE VS002 or VS004 ({@link #isLeaseLost}) if the lease was lost
     */
    final void ack(Connection connection, Batch batch, long offset) throws SQLException {
        try (PreparedStatement ack = connection.prepareStatement(ACK_SQL)) {
            ack.setString(1, view);
            ack.setString(2, batch.partition().deciderId());
            ack.setLong(3, offset);
            ack.setString(4, batch.partition().decider());
            ack.setLong(5, batch.lease());
            ack.executeQuery().close();
        }
    }

    /** {@return whether the engine is closing: a processor stops between two events of a batch} */
    final boolean isClosing() {
        return workers.isClosed();
    }

    /** Stops fetching (an interrupted worker): the threads end after their work in hand. */
    final void stop() {
        workers.stop();
    }

    private void settle(Connection connection, Batch batch, Outcome outcome) {
        Partition partition = batch.partition();
        switch (outcome) {
            case Outcome.Acked acked when acked.events() == 0 -> nack(connection, batch); // closing: hand it over
            case Outcome.Acked acked -> {
                processed(partition, acked.events());
                if (acked.events() >= options.events()) {
                    // the partition probably has more, and its lease ended with the ack: an idle worker can go on
                    // with it while this one works through the rest of its batches (a few hot streams)
                    workers.wake();
                }
            }
            case Outcome.LeaseLost lost ->
                log.warn(
                        "view {}: lease on {} lost, what it did not acknowledge is delivered again by the new holder: {}",
                        view,
                        partition,
                        lost.failure().getMessage());
            case Outcome.Failed failure
            when failure.acked() > 0 -> {
                // the ack of the prefix ended the lease: the failing event heads the next lease, at once, whose
                // attempts are counted and parked alone
                processed(partition, failure.acked());
                failed(partition, batch.attempt(), failure.failure());
                log.warn(
                        "view {}: {} failed after {} acknowledged events, delivering it again at once: {}",
                        view,
                        partition,
                        failure.acked(),
                        failure.failure().toString());
                workers.wake();
            }
            case Outcome.Failed failure -> parkOrRetry(connection, batch, failure);
        }
    }

    /**
     * Parks the partition if the failure is not retryable or this was its last attempt, else releases it for a retry
     * after the policy's backoff (at least a {@code Retry-After}, at most the policy's cap). If the lease was lost
     * meanwhile, logs it and does nothing more (the new holder delivers again).
     */
    private void parkOrRetry(Connection connection, Batch batch, Outcome.Failed failure) {
        Partition partition = batch.partition();
        int attempt = batch.attempt();
        failed(partition, attempt, failure.failure());
        String error = String.valueOf(failure.failure());
        try {
            if (!failure.retryable() || attempt >= options.retries().maxAttempts()) {
                run(
                        connection,
                        Routines.parkPartition(view, partition.deciderId(), partition.decider(), error, batch.lease()));
                parked.incrementAndGet();
                log.error(
                        "view {}: parked {} at offset {} after {} attempts",
                        view,
                        partition,
                        batch.rows().getFirst().offset(),
                        attempt,
                        failure.failure());
                notify(() -> listener.parked(view, partition, attempt, failure.failure()));
            } else {
                Duration delay = delay(attempt, failure.retryAfter());
                run(
                        connection,
                        Routines.scheduleNackEvent(
                                view,
                                partition.deciderId(),
                                delay.toMillis(),
                                partition.decider(),
                                batch.lease(),
                                error));
                log.warn(
                        "view {}: attempt {} on {} failed, retrying in {} ms: {}",
                        view,
                        attempt,
                        partition,
                        delay.toMillis(),
                        error);
            }
        } catch (DataAccessException e) {
            if (!isLeaseLost(e)) {
                throw e;
            }
            log.warn("view {}: lease on {} lost before its failure was recorded", view, partition);
        }
    }

    /** {@return the pause before the next attempt: the policy's backoff, or the {@code Retry-After} if longer (capped)} */
    private Duration delay(int attempt, @Nullable Duration retryAfter) {
        Duration delay = options.retries().backoff(attempt);
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            Duration cap = options.retries().maxDelay();
            delay = retryAfter.compareTo(cap) > 0 ? cap : retryAfter;
        }
        return delay;
    }

    /** Releases a batch leased but not delivered, on shutdown; if that fails, its lease expires. */
    private void nack(Connection connection, Batch batch) {
        Partition partition = batch.partition();
        try {
            run(connection, Routines.nackEvent(view, partition.deciderId(), partition.decider(), batch.lease(), null));
        } catch (DataAccessException e) {
            log.warn(
                    "view {}: cannot release {} on shutdown (its lease will expire): {}",
                    view,
                    partition,
                    e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------- counts and events

    private void processed(Partition partition, int events) {
        processed.addAndGet(events);
        notify(() -> listener.processed(view, partition, events));
    }

    private void failed(Partition partition, int attempt, Throwable failure) {
        failed.incrementAndGet();
        notify(() -> listener.failed(view, partition, attempt, failure));
    }

    /** Tells the listener that a push receiver answered an event of {@code partition} with {@code status}. */
    final void responded(Partition partition, int status) {
        notify(() -> listener.responded(view, partition, status));
    }

    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("view {}: listener failed", view, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------- the API

    @Override
    public final String view() {
        return view;
    }

    @Override
    public final long lag() {
        try (Connection connection = dataSource.getConnection()) {
            Long lag = Routines.viewLag(dsl(connection).configuration(), view);
            return lag == null ? 0 : lag;
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "read the lag");
        }
    }

    @Override
    public final Duration lagTime() {
        try (Connection connection = dataSource.getConnection()) {
            Double seconds = Routines.viewLagSeconds(dsl(connection).configuration(), view);
            return seconds == null ? Duration.ZERO : Duration.ofNanos((long) (seconds * 1e9));
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "read the lag time");
        }
    }

    @Override
    public final long processedCount() {
        return processed.get();
    }

    @Override
    public final long failedCount() {
        return failed.get();
    }

    @Override
    public final long parkedCount() {
        return parked.get();
    }

    @Override
    public final List<ParkedPartition> parked() {
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

    @Override
    public final void release(Partition partition) {
        try (Connection connection = dataSource.getConnection()) {
            run(connection, Routines.releasePartition(view, partition.deciderId(), partition.decider()));
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "release " + partition);
        }
        workers.wake();
    }

    /** Forgets what the processor keeps ({@link #clear}) and resets the positions, in one transaction. */
    @Override
    public final void rebuild() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                // states first, then positions: the order in which a worker's transaction takes them, so no deadlock
                clear(connection);
                // NULL start: from the beginning of the log (reset_view's own default)
                run(connection, Routines.resetView(view, null));
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    rollback(connection);
                } catch (UncleanConnectionException unclean) {
                    e.addSuppressed(unclean);
                }
                throw e;
            }
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "rebuild the view");
        }
        workers.wake();
    }

    /**
     * Stops leasing, lets each worker finish the batch in hand (a processor stops between two events and acks what it
     * did), releases the batches leased but not delivered, joins the threads, then {@link #closed}.
     */
    @Override
    public final void close() {
        if (!workers.close(options.closeJoin())) {
            return;
        }
        closed();
        log.info(
                "view {}: stopped after {} events ({} failures, {} parked)",
                view,
                processed.get(),
                failed.get(),
                parked.get());
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    /** {@return jOOQ on {@code connection} as it is: it neither commits nor changes auto-commit} */
    static DSLContext dsl(Connection connection) {
        return DSL.using(connection, SQLDialect.POSTGRES, SETTINGS);
    }

    /** Calls a set-returning function of the SQL API for its effect, in {@code connection}'s transaction. */
    static void run(Connection connection, Table<?> call) {
        dsl(connection).selectOne().from(call).execute();
    }

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
    final void rollback(Connection connection) throws UncleanConnectionException {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            throw new UncleanConnectionException(
                    "view " + view + ": rollback failed, the connection is discarded: " + e.getMessage(), e);
        }
    }
}
