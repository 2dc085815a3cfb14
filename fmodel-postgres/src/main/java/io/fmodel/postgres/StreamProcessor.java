package io.fmodel.postgres;

import java.time.Duration;
import java.util.List;

/**
 * A running consumer of the event log for one registered view (a consumer group): worker threads lease partitions
 * with {@code stream_event_batches}, process their events and acknowledge them (sql/002_event_streaming.sql).
 *
 * <p>Guarantees, whatever the number of workers and processes sharing the view:
 * <ul>
 *   <li>Per-partition order: the events of one stream {@code (decider, decider_id)} are processed in offset order,
 *       by one worker at a time. Different streams are processed concurrently, in no particular order.
 *   <li>Fenced: an acknowledgement is accepted only from the lease it was delivered under; a worker whose lease
 *       expired and was taken over has its whole transaction rolled back.
 *   <li>Failures: a failing partition is retried after a backoff, then parked after the
 *       attempts of the options' {@link io.fmodel.core.application.RetryPolicy} ({@link StreamingOptions#retries()},
 *       {@link HttpDeliveryOptions#retries()}); other partitions keep flowing.
 *   <li>Idle processors wake up on LISTEN/NOTIFY within milliseconds of an append; polling is the fallback.
 * </ul>
 * The delivery guarantee (exactly-once effect or at-least-once) depends on the processor: see {@link ViewProcessor}
 * and {@link SagaProcessor}. {@link #close()} is graceful.
 */
public interface StreamProcessor extends AutoCloseable {

    /** {@return the view (consumer group) name} */
    String view();

    /** {@return the number of events not processed yet by the view (one SQL query: {@code view_lag})} */
    long lag();

    /**
     * {@return how long ago the oldest event the view has not processed yet was appended, {@link Duration#ZERO} when it
     * has processed every event (one SQL query: {@code view_lag_seconds}, sql/005)}
     */
    Duration lagTime();

    /** {@return events processed and acknowledged by this processor since it started} */
    long processedCount();

    /** {@return failed deliveries seen by this processor since it started} */
    long failedCount();

    /** {@return partitions this processor parked since it started} */
    long parkedCount();

    /** {@return the parked partitions of the view, oldest first} */
    List<ParkedPartition> parked();

    /** Releases a parked partition of the view: it is delivered again from its position, attempts start over. */
    void release(Partition partition);

    /**
     * Rebuilds the view from the beginning of the log: every position and parking of the view is forgotten, and (for
     * {@link PostgresEventStore#startView}) every state, in the same transaction. A saga replays its commands, with the
     * same command ids. A state kept elsewhere ({@link PostgresEventStore#startAtLeastOnce}) must be cleared by its owner.
     */
    void rebuild();

    /**
     * Stops gracefully: stops fetching, lets each worker finish the partition in hand, releases the partitions fetched
     * but not processed (nack, so another consumer takes them at once), stops the threads and closes connections.
     */
    @Override
    void close();
}
