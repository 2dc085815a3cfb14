package io.fmodel.postgres.internal;

import io.fmodel.postgres.ParkedPartition;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.SagaProcessor;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.ViewProcessor;
import io.fmodel.postgres.internal.jooq.Routines;
import io.fmodel.postgres.internal.jooq.tables.StreamEventBatches;
import io.fmodel.postgres.internal.jooq.tables.Views;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link ViewProcessor} and {@link SagaProcessor}: worker threads, each with its own connection,
 * lease batches with {@code stream_event_batches}, run the handler on each partition's batch in one transaction that
 * ends with the fenced {@code ack_event}, and nack (with backoff) or park failures. A poller shared by the processors of
 * a data source wakes idle workers when the log moves ({@link WakeUpPoller}).
 *
 * <p>Every call of the SQL API goes through the jOOQ routines generated from {@code sql/} (ADR 0016), with bind values
 * only, on the worker's own JDBC connection: jOOQ never begins or ends a transaction here, so the handler's writes
 * and the ack share the transaction this class opens and commits. The two calls of every batch, the lease and the
 * ack, are rendered from those routines once and run as plain JDBC prepared statements (like the event repository's
 * statements: rendering them per batch cost measurable client CPU, docs/benchmarks.md part 4). The worker loop, the
 * wake-up, failure classification and the calls outside a batch are shared with {@link HttpDeliveryRunner} in
 * {@link ViewConsumer}.
 */
public final class StreamRunner<E> implements ViewProcessor, SagaProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(StreamRunner.class);

    /** {@code stream_event_batches(view, partitions, events per partition, seconds)}: the columns a delivery needs. */
    private static final String FETCH_SQL;
    /** {@code ack_event(view, decider_id, offset, decider, lease)} */
    private static final String ACK_SQL;

    static {
        DSLContext render = DSL.using(SQLDialect.POSTGRES, new Settings().withRenderSchema(false));
        StreamEventBatches leased = Routines.streamEventBatches(
                (String) null, (Integer) null, (Integer) null, (Integer) null, (String) null);
        // in the function's order (offset order within a partition)
        FETCH_SQL = render.render(render.select(
                        leased.DECIDER,
                        leased.DECIDER_ID,
                        leased.EVENT_ID,
                        leased.EVENT,
                        leased.EVENT_VERSION,
                        leased.DATA,
                        leased.OFFSET,
                        leased.LEASE,
                        leased.ATTEMPT)
                .from(leased));
        ACK_SQL = render.render(render.selectOne()
                .from(Routines.ackEvent((String) null, (String) null, (Long) null, (String) null, (Long) null)));
    }

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
    private final Handler<E> handler;
    private final Clearer clearer;
    private final ViewConsumer consumer;

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
        this.handler = handler;
        this.clearer = clearer;
        this.consumer = new ViewConsumer(
                dataSource, view, "fmodel:" + view, options.pollInterval(), options.leaseTimeout(), listener, LOG);
    }

    /** {@return a started runner whose handler keeps no state in the database: nothing to install or clear} */
    public static <E> StreamRunner<E> start(
            DataSource dataSource,
            String view,
            EventDecoder<E> decoder,
            StreamingOptions options,
            ProcessorListener listener,
            Handler<E> handler) {
        return start(dataSource, view, decoder, options, listener, connection -> {}, transaction -> {}, handler);
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
        Identifiers.requireName("view name", view);
        try (Connection connection = dataSource.getConnection()) {
            installer.install(connection);
            registerIfMissing(connection, view, options);
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "register the processor");
        }
        StreamRunner<E> runner = new StreamRunner<>(dataSource, view, decoder, options, listener, handler, clearer);
        runner.startThreads();
        return runner;
    }

    /**
     * Registers a missing view with the options' settings, from the beginning of the log unless the options name a
     * start; leaves a registered view's settings (lock timeout, pooling
     * delay, {@code edge_function_url}) as they are, and only moves it when the options name an explicit start that
     * differs from the view's (what {@code register_view} does with a different {@code start_at}). The view is read,
     * not locked (the application role may only read the table): a view registered by someone else between the read
     * and {@code register_view} gets this processor's settings, as before.
     */
    private static void registerIfMissing(Connection connection, String view, StreamingOptions options) {
        Instant startAt = options.startAt();
        @Nullable OffsetDateTime start = startAt == null ? null : startAt.atOffset(ZoneOffset.UTC);
        Views views = Views.VIEWS;
        // compared by PostgreSQL, as register_view compares it (microseconds, the bind value rounded the same way)
        Field<Boolean> moved = start == null ? DSL.inline(false) : DSL.field(views.START_AT.isDistinctFrom(start));
        Record1<Boolean> registered = ViewConsumer.dsl(connection)
                .select(moved)
                .from(views)
                .where(views.VIEW.eq(view))
                .fetchOne();
        if (registered == null) {
            // a new view processes the whole log unless the options name a start (register_view's own default, now,
            // stays the seed's for SQL users)
            ViewConsumer.run(
                    connection,
                    Routines.registerView(
                            view,
                            start == null ? StreamingOptions.FROM_THE_BEGINNING.atOffset(ZoneOffset.UTC) : start,
                            options.leaseTimeout().toSeconds(),
                            Math.max(1, options.pollInterval().toSeconds()),
                            null));
        } else if (start != null && Boolean.TRUE.equals(registered.value1())) {
            ViewConsumer.run(connection, Routines.resetView(view, start));
        }
    }

    private void startThreads() {
        consumer.start("fmodel-" + view, "-worker-", options.workers(), this::round);
        LOG.info("view {}: started {} workers", view, options.workers());
    }

    // ----------------------------------------------------------------------------------------------------- workers

    /** Fetches and processes one round of batches; {@return false if there was nothing to fetch} */
    private boolean round(Connection connection, String consumerName) throws SQLException {
        List<Batch> batches = fetch(connection, consumerName);
        if (batches.size() >= options.partitionsPerFetch()) {
            // Other partitions are probably waiting: wake the idle workers now, or they sleep until an append's
            // notification or the poll interval while this one takes every partition round after round.
            consumer.wake();
        }
        for (int i = 0; i < batches.size(); i++) {
            if (consumer.isClosed()) {
                for (Batch rest : batches.subList(i, batches.size())) {
                    consumer.nack(connection, rest.partition(), rest.lease());
                }
                break;
            }
            process(connection, batches.get(i));
        }
        return !batches.isEmpty();
    }

    private List<Batch> fetch(Connection connection, String consumerName) throws SQLException {
        Map<Partition, Batch> batches = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(FETCH_SQL)) {
            statement.setString(1, view);
            statement.setInt(2, options.partitionsPerFetch());
            statement.setInt(3, options.eventsPerPartition());
            statement.setInt(
                    4, (int) Math.min(Integer.MAX_VALUE, options.leaseTimeout().toSeconds()));
            statement.setString(5, consumerName);
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
                                    r.getLong(7)));
                }
            }
        }
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
                consumer.processed(batch.partition(), done.events());
                if (done.events() >= options.eventsPerPartition()) {
                    // the partition probably has more, and its lease ended with the ack: an idle worker can go on
                    // with it while this one works through the rest of its batches (a few hot streams)
                    consumer.wake();
                }
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
            try (PreparedStatement ack = connection.prepareStatement(ACK_SQL)) {
                ack.setString(1, view);
                ack.setString(2, batch.partition().deciderId());
                ack.setLong(3, rows.getLast().offset());
                ack.setString(4, batch.partition().decider());
                ack.setLong(5, batch.lease());
                ack.executeQuery().close();
            }
            connection.commit();
        } catch (Exception failure) {
            if (ViewConsumer.isConnectionFailure(failure)) {
                // not an attempt of the batch: the worker takes a new connection and gives the lease back
                try {
                    consumer.rollback(connection);
                } catch (ViewConsumer.UncleanConnectionException e) {
                    failure.addSuppressed(e);
                }
                throw failure instanceof SQLException sql
                        ? sql
                        : new SQLException(failure.getMessage(), "08006", failure);
            }
            // a failed rollback leaves the connection unusable: discarded, and the failure counts for nothing
            consumer.rollback(connection);
            return ViewConsumer.isLeaseLost(failure) ? new Outcome.LeaseLost(failure) : new Outcome.Failed(at, failure);
        }
        restoreAutoCommit(connection);
        return new Outcome.Done(rows.size());
    }

    private void failed(Connection connection, Batch batch, Exception failure) {
        consumer.failed(batch.partition(), batch.attempt(), failure);
        String error = String.valueOf(failure);
        consumer.recordFailure(batch.partition(), () -> {
            if (batch.attempt() >= options.retries().maxAttempts()) {
                consumer.park(connection, batch.partition(), batch.lease(), error);
                LOG.error(
                        "view {}: parked {} after {} attempts at offset {}",
                        view,
                        batch.partition(),
                        batch.attempt(),
                        batch.rows().getFirst().offset(),
                        failure);
                consumer.parked(batch.partition(), batch.attempt(), failure);
            } else {
                Duration delay = options.retries().backoff(batch.attempt());
                consumer.retry(connection, batch.partition(), batch.lease(), delay, error);
                LOG.warn(
                        "view {}: attempt {} on {} failed, retrying in {} ms: {}",
                        view,
                        batch.attempt(),
                        batch.partition(),
                        delay.toMillis(),
                        error);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------- the API

    @Override
    public String view() {
        return view;
    }

    @Override
    public long lag() {
        return consumer.lag();
    }

    @Override
    public long processedCount() {
        return consumer.processedCount();
    }

    @Override
    public long failedCount() {
        return consumer.failedCount();
    }

    @Override
    public long parkedCount() {
        return consumer.parkedCount();
    }

    @Override
    public List<ParkedPartition> parked() {
        return consumer.parked();
    }

    @Override
    public void release(Partition partition) {
        consumer.release(partition);
    }

    @Override
    public void rebuild() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                // states first, then positions: the order in which a worker's transaction takes them, so no deadlock
                clearer.clear(connection);
                consumer.reset(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    consumer.rollback(connection);
                } catch (ViewConsumer.UncleanConnectionException unclean) {
                    e.addSuppressed(unclean);
                }
                throw e;
            }
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "rebuild the states");
        }
        consumer.wake();
    }

    @Override
    public void close() {
        if (!consumer.close(options.leaseTimeout())) {
            return;
        }
        LOG.info(
                "view {}: stopped after {} events ({} failures, {} parked)",
                view,
                consumer.processedCount(),
                consumer.failedCount(),
                consumer.parkedCount());
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private static void restoreAutoCommit(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
    }
}
