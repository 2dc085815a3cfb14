package io.fmodel.postgres;

import io.fmodel.core.application.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link StreamProcessor} runs: threads, batch sizes, polling, leases, retries. Immutable; start from
 * {@link #defaults()} and change what you need with the {@code with...} methods. The names are those of
 * {@link HttpDeliveryOptions} where they mean the same ({@code workers}, {@code retries}, {@code pollInterval},
 * {@code leaseTimeout}).
 *
 * {@snippet :
 * StreamingOptions options = StreamingOptions.defaults()
 *         .withWorkers(4)
 *         .withRetries(RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofMinutes(1)));
 * }
 *
 * @param workers consumer threads of the processor (each with its own connection); default 2
 * @param partitionsPerFetch partitions leased per {@code stream_event_batches} call; default 10
 * @param eventsPerPartition consecutive events of one partition per call (one transaction); default 100
 * @param pollInterval how long an idle worker sleeps when no wake-up (a new offset seen by the data source's poller)
 *     comes earlier; default 1 s
 * @param leaseTimeout how long a fetched partition stays held once its worker stops extending the lease: a worker
 *     extends the leases in hand every third of this while it works, and gives them back when it reconnects after a
 *     broken connection, so this bounds how long the partitions of a processor that died stay held, not how long a
 *     batch may take; default 10 s
 * @param retries deliveries of one event before its partition is parked ({@link RetryPolicy#maxAttempts()}), and the
 *     pause before each further attempt ({@link RetryPolicy#backoff}: full jitter, the bound doubling from
 *     {@link RetryPolicy#baseDelay()} up to {@link RetryPolicy#maxDelay()}); default 10 attempts, 100 ms doubling to
 *     1 min
 * @param startAt where a new view starts: events created at or after it; {@code null} (the default) means the
 *     beginning of the log for a new view (every event already stored is processed) and "keep" for a registered one;
 *     {@code Instant.now()} starts a new view at the end of the log; a different instant for a registered view
 *     rebuilds it from there
 */
public record StreamingOptions(
        int workers,
        int partitionsPerFetch,
        int eventsPerPartition,
        Duration pollInterval,
        Duration leaseTimeout,
        RetryPolicy retries,
        @Nullable Instant startAt) {

    /** The start of time: a view starting there processes the whole log. */
    public static final Instant FROM_THE_BEGINNING = Instant.EPOCH;

    /** Checks the values. */
    public StreamingOptions {
        positive(workers, "workers");
        positive(partitionsPerFetch, "partitionsPerFetch");
        positive(eventsPerPartition, "eventsPerPartition");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(retries, "retries");
        if (leaseTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("leaseTimeout must be at least one second, got " + leaseTimeout);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
    }

    /**
     * {@return the defaults: 2 workers, 10 partitions x 100 events, 1 s polling, 10 s leases (extended while in use),
     * 10 attempts with backoff from 100 ms doubling to 1 min}
     */
    public static StreamingOptions defaults() {
        return new StreamingOptions(
                2,
                10,
                100,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                RetryPolicy.of(10, Duration.ofMillis(100), Duration.ofMinutes(1)),
                null);
    }

    /** {@return a copy with {@code workers} consumer threads} */
    public StreamingOptions withWorkers(int workers) {
        return new StreamingOptions(
                workers, partitionsPerFetch, eventsPerPartition, pollInterval, leaseTimeout, retries, startAt);
    }

    /** {@return a copy that fetches up to {@code partitions} partitions of up to {@code events} events each} */
    public StreamingOptions withBatches(int partitions, int events) {
        return new StreamingOptions(workers, partitions, events, pollInterval, leaseTimeout, retries, startAt);
    }

    /** {@return a copy polling every {@code interval} when no wake-up comes earlier} */
    public StreamingOptions withPollInterval(Duration interval) {
        return new StreamingOptions(
                workers, partitionsPerFetch, eventsPerPartition, interval, leaseTimeout, retries, startAt);
    }

    /** {@return a copy holding fetched partitions for {@code timeout}} */
    public StreamingOptions withLeaseTimeout(Duration timeout) {
        return new StreamingOptions(
                workers, partitionsPerFetch, eventsPerPartition, pollInterval, timeout, retries, startAt);
    }

    /** {@return a copy parking a partition after {@code policy}'s attempts, pausing between them as it says} */
    public StreamingOptions withRetries(RetryPolicy policy) {
        return new StreamingOptions(
                workers, partitionsPerFetch, eventsPerPartition, pollInterval, leaseTimeout, policy, startAt);
    }

    /** {@return a copy starting a new view at {@code instant} (or rebuilding a registered one from there)} */
    public StreamingOptions withStartAt(@Nullable Instant instant) {
        return new StreamingOptions(
                workers, partitionsPerFetch, eventsPerPartition, pollInterval, leaseTimeout, retries, instant);
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
