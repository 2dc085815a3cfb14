package io.fmodel.postgres.internal;

import io.fmodel.postgres.Metadata;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.RecordedEvent;
import io.fmodel.postgres.SagaProcessor;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.ViewProcessor;
import io.fmodel.postgres.internal.jooq.Routines;
import io.fmodel.postgres.internal.jooq.tables.Views;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ViewProcessor} and {@link SagaProcessor} do with a leased batch, on the {@link ConsumerEngine}: run the
 * handler on each event in one transaction that ends with the fenced ack, so that the handler's writes and the ack
 * commit together (exactly once for a view store in the same database, at least once for anything else). A view sees
 * every decider's events: it decodes and handles its own and acknowledges the others. If event k of a batch fails, the
 * events before it are run again in a transaction of their own and committed (they would be redelivered otherwise);
 * the failing event then heads a batch of its own, whose attempts are counted and parked alone. At start it registers
 * a missing view and installs what the handler needs.
 */
public final class StreamRunner<E> extends ConsumerEngine implements ViewProcessor, SagaProcessor {

    /**
     * One decoded event handed to a handler: {@code part} is its place among the events its stored event was upcast
     * into (0 for the first, the only one unless it was split); {@code metadata} is empty unless the runner reads it.
     */
    public record Delivery<E>(
            E event, UUID eventId, Partition partition, long offset, UUID commandId, Metadata metadata, int part) {

        /** {@return the delivery as the public API shows it} */
        public RecordedEvent<E> recorded() {
            return new RecordedEvent<>(event, partition, eventId, commandId, offset, metadata);
        }
    }

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

    private final EventDecoder<E> decoder;
    private final Handler<E> handler;
    private final Clearer clearer;

    private StreamRunner(
            DataSource dataSource,
            String view,
            EventDecoder<E> decoder,
            StreamingOptions options,
            ProcessorListener listener,
            boolean metadata,
            Handler<E> handler,
            Clearer clearer) {
        super(
                dataSource,
                view,
                new Options(
                        "fmodel",
                        options.workers(),
                        options.partitionsPerFetch(),
                        options.eventsPerPartition(),
                        options.pollInterval(),
                        options.leaseTimeout(),
                        options.retries(),
                        options.leaseTimeout(),
                        false,
                        metadata),
                listener);
        this.decoder = decoder;
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
            boolean metadata,
            Installer installer,
            Clearer clearer,
            Handler<E> handler) {
        StreamRunner<E> runner =
                new StreamRunner<>(dataSource, view, decoder, options, listener, metadata, handler, clearer);
        try (Connection connection = dataSource.getConnection()) {
            installer.install(connection);
            registerIfMissing(connection, view, options);
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "register the processor");
        }
        runner.start("");
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
        Record1<Boolean> registered = ConsumerEngine.dsl(connection)
                .select(moved)
                .from(views)
                .where(views.VIEW.eq(view))
                .fetchOne();
        if (registered == null) {
            // a new view processes the whole log unless the options name a start (register_view's own default, now,
            // stays the seed's for SQL users)
            ConsumerEngine.run(
                    connection,
                    Routines.registerView(
                            view,
                            start == null ? StreamingOptions.FROM_THE_BEGINNING.atOffset(ZoneOffset.UTC) : start,
                            options.leaseTimeout().toSeconds(),
                            Math.max(1, options.pollInterval().toSeconds()),
                            null));
        } else if (start != null && Boolean.TRUE.equals(registered.value1())) {
            ConsumerEngine.run(connection, Routines.resetView(view, start));
        }
    }

    @Override
    Outcome deliver(Connection connection, Batch batch) throws SQLException {
        Outcome outcome = attempt(connection, batch, batch.rows());
        if (outcome instanceof Outcome.Failed failed && failed.acked() > 0) {
            // commit the events before the failing one, in a transaction of their own; if that fails too, the whole
            // batch counts as a failed attempt
            Outcome prefix = attempt(connection, batch, batch.rows().subList(0, failed.acked()));
            outcome = prefix instanceof Outcome.Acked ? failed : new Outcome.Failed(0, failed.failure(), true, null);
        }
        return outcome;
    }

    /**
     * Runs {@code rows} and acks the last of them, in one transaction; a failure at event k comes back as
     * {@code Failed(k, ...)} (nothing acknowledged yet: the caller commits the k events before it).
     */
    private Outcome attempt(Connection connection, Batch batch, List<Row> rows) throws SQLException {
        connection.setAutoCommit(false);
        int at = 0;
        try {
            for (Row row : rows) {
                // a view sees every decider's events; it processes its own and acknowledges the others
                if (batch.partition().decider().equals(decoder.decider())) {
                    // at its current version: none if upcasting dropped it, several if it split it
                    List<E> events = decoder.decode(
                            batch.partition().deciderId(), row.offset(), row.name(), row.version(), row.data());
                    Metadata metadata = MetadataJson.decode(row.metadata());
                    for (int part = 0; part < events.size(); part++) {
                        handler.handle(
                                connection,
                                new Delivery<>(
                                        events.get(part),
                                        row.eventId(),
                                        batch.partition(),
                                        row.offset(),
                                        row.commandId(),
                                        metadata,
                                        part));
                    }
                }
                at++;
            }
            ack(connection, batch, rows.getLast().offset());
            connection.commit();
        } catch (Exception failure) {
            if (isConnectionFailure(failure)) {
                // not an attempt of the batch: the worker takes a new connection and gives the lease back
                try {
                    rollback(connection);
                } catch (UncleanConnectionException e) {
                    failure.addSuppressed(e);
                }
                throw failure instanceof SQLException sql
                        ? sql
                        : new SQLException(failure.getMessage(), "08006", failure);
            }
            // a failed rollback leaves the connection unusable: discarded, and the failure counts for nothing
            rollback(connection);
            return isLeaseLost(failure) ? new Outcome.LeaseLost(failure) : new Outcome.Failed(at, failure, true, null);
        }
        connection.setAutoCommit(true);
        return new Outcome.Acked(rows.size());
    }

    @Override
    void clear(Connection transaction) throws SQLException {
        clearer.clear(transaction);
    }
}
