package io.fmodel.postgres;

import io.fmodel.core.application.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link HttpDeliveryProcessor} pushes events: timeouts, workers, retries, batches, polling and leases.
 * Immutable; start from {@link #defaults()} and change what you need with the {@code with...} methods. The names are
 * those of {@link StreamingOptions} where they mean the same ({@code workers}, {@code retries}, {@code pollInterval},
 * {@code leaseTimeout}). The secret is not an option (so it never shows in {@code toString()} or logs): it is passed
 * to {@link PostgresEventStore#startPush}.
 *
 * {@snippet :
 * HttpDeliveryOptions options = HttpDeliveryOptions.defaults()
 *         .withWorkers(8)
 *         .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
 *         .withRetries(RetryPolicy.of(8, Duration.ofSeconds(1), Duration.ofMinutes(10)));
 * }
 *
 * @param connectTimeout TCP/TLS connect timeout of the HTTP client; default 5 s
 * @param requestTimeout how long a request may wait for its response headers; then it counts as a failed attempt
 *     (retried); default 10 s
 * @param workers partitions delivered at the same time (one thread and one database connection each); default 4
 * @param retries failed deliveries of an event (timeouts, 5xx, 408, 429, connection failures) before its partition is
 *     parked ({@link RetryPolicy#maxAttempts()}), and the pause before each further attempt
 *     ({@link RetryPolicy#backoff}: full jitter, the bound doubling from {@link RetryPolicy#baseDelay()} up to
 *     {@link RetryPolicy#maxDelay()}, which also caps a {@code Retry-After}); default 10 attempts, 1 s doubling to
 *     5 min
 * @param batchSize consecutive events of one partition leased together; they are sent one after the other and
 *     acknowledged together after the last 2xx: with 1 (the default) every event is acknowledged before the next is
 *     sent, so a crash re-sends at most one event per partition; with n, at most n
 * @param pollInterval how long an idle worker sleeps when no notification wakes it earlier; default 1 s
 * @param leaseTimeout how long a leased partition stays held once its worker stops extending the lease: a worker extends
 *     the leases in hand every third of this while it delivers, so it bounds how long the partitions of a processor
 *     that died stay held, not how long a delivery may take; default 10 s
 */
public record HttpDeliveryOptions(
        Duration connectTimeout,
        Duration requestTimeout,
        int workers,
        RetryPolicy retries,
        int batchSize,
        Duration pollInterval,
        Duration leaseTimeout) {

    /** Checks the values. */
    public HttpDeliveryOptions {
        positive(connectTimeout, "connectTimeout");
        positive(requestTimeout, "requestTimeout");
        positive(pollInterval, "pollInterval");
        positive(workers, "workers");
        Objects.requireNonNull(retries, "retries");
        positive(batchSize, "batchSize");
        Objects.requireNonNull(leaseTimeout, "leaseTimeout");
        if (leaseTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("leaseTimeout must be at least one second, got " + leaseTimeout);
        }
    }

    /**
     * {@return the defaults: 5 s connect and 10 s request timeouts, 4 workers (partitions at a time), 10 attempts with
     * backoff from 1 s doubling to 5 min, one event per lease, 1 s polling, 10 s leases, extended while they are in
     * use}
     */
    public static HttpDeliveryOptions defaults() {
        return new HttpDeliveryOptions(
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                4,
                RetryPolicy.of(10, Duration.ofSeconds(1), Duration.ofMinutes(5)),
                1,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10));
    }

    /** {@return a copy with these connect and request timeouts} */
    public HttpDeliveryOptions withTimeouts(Duration connect, Duration request) {
        return new HttpDeliveryOptions(connect, request, workers, retries, batchSize, pollInterval, leaseTimeout);
    }

    /** {@return a copy delivering up to {@code workers} partitions at the same time, one thread each} */
    public HttpDeliveryOptions withWorkers(int workers) {
        return new HttpDeliveryOptions(
                connectTimeout, requestTimeout, workers, retries, batchSize, pollInterval, leaseTimeout);
    }

    /** {@return a copy parking a partition after {@code policy}'s attempts, pausing between them as it says} */
    public HttpDeliveryOptions withRetries(RetryPolicy policy) {
        return new HttpDeliveryOptions(
                connectTimeout, requestTimeout, workers, policy, batchSize, pollInterval, leaseTimeout);
    }

    /** {@return a copy leasing up to {@code events} consecutive events of a partition at a time} */
    public HttpDeliveryOptions withBatchSize(int events) {
        return new HttpDeliveryOptions(
                connectTimeout, requestTimeout, workers, retries, events, pollInterval, leaseTimeout);
    }

    /** {@return a copy polling every {@code interval} when no notification arrives} */
    public HttpDeliveryOptions withPollInterval(Duration interval) {
        return new HttpDeliveryOptions(
                connectTimeout, requestTimeout, workers, retries, batchSize, interval, leaseTimeout);
    }

    /** {@return a copy holding leased partitions for {@code timeout}} */
    public HttpDeliveryOptions withLeaseTimeout(Duration timeout) {
        return new HttpDeliveryOptions(
                connectTimeout, requestTimeout, workers, retries, batchSize, pollInterval, timeout);
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
