package io.fmodel.postgres;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link HttpDeliveryProcessor} pushes events: timeouts, concurrency, retries, batches, polling and leases.
 * Immutable; start from {@link #defaults()} and change what you need with the {@code with...} methods. The secret is
 * not an option (so it never shows in {@code toString()} or logs): it is passed to
 * {@link PostgresEventStore#startPush}.
 *
 * {@snippet :
 * HttpDeliveryOptions options = HttpDeliveryOptions.defaults()
 *         .withConcurrency(8)
 *         .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
 *         .withRetries(8, Duration.ofSeconds(1), Duration.ofMinutes(10));
 * }
 *
 * @param connectTimeout TCP/TLS connect timeout of the HTTP client; default 5 s
 * @param requestTimeout how long a request may wait for its response headers; then it counts as a failed attempt
 *     (retried); default 10 s
 * @param concurrency partitions delivered at the same time (one thread and one database connection each); default 4
 * @param maxAttempts failed deliveries of an event (timeouts, 5xx, 408, 429, connection failures) before its
 *     partition is parked; default 10
 * @param initialBackoff delay before the second attempt, doubled for each further one; default 1 s
 * @param maxBackoff the longest delay between attempts (also caps a {@code Retry-After}); default 5 min
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
        int concurrency,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        int batchSize,
        Duration pollInterval,
        Duration leaseTimeout) {

    /** Checks the values. */
    public HttpDeliveryOptions {
        positive(connectTimeout, "connectTimeout");
        positive(requestTimeout, "requestTimeout");
        positive(initialBackoff, "initialBackoff");
        positive(maxBackoff, "maxBackoff");
        positive(pollInterval, "pollInterval");
        positive(concurrency, "concurrency");
        positive(maxAttempts, "maxAttempts");
        positive(batchSize, "batchSize");
        Objects.requireNonNull(leaseTimeout, "leaseTimeout");
        if (leaseTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("leaseTimeout must be at least one second, got " + leaseTimeout);
        }
    }

    /**
     * {@return the defaults: 5 s connect and 10 s request timeouts, 4 partitions at a time, 10 attempts with backoff
     * from 1 s doubling to 5 min, one event per lease, 1 s polling, 10 s leases, extended while they are in use}
     */
    public static HttpDeliveryOptions defaults() {
        return new HttpDeliveryOptions(
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                4,
                10,
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                1,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10));
    }

    /** {@return a copy with these connect and request timeouts} */
    public HttpDeliveryOptions withTimeouts(Duration connect, Duration request) {
        return new HttpDeliveryOptions(
                connect,
                request,
                concurrency,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                batchSize,
                pollInterval,
                leaseTimeout);
    }

    /** {@return a copy delivering up to {@code partitions} partitions at the same time} */
    public HttpDeliveryOptions withConcurrency(int partitions) {
        return new HttpDeliveryOptions(
                connectTimeout,
                requestTimeout,
                partitions,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                batchSize,
                pollInterval,
                leaseTimeout);
    }

    /** {@return a copy parking after {@code attempts} failures, with backoff from {@code initial} up to {@code max}} */
    public HttpDeliveryOptions withRetries(int attempts, Duration initial, Duration max) {
        return new HttpDeliveryOptions(
                connectTimeout,
                requestTimeout,
                concurrency,
                attempts,
                initial,
                max,
                batchSize,
                pollInterval,
                leaseTimeout);
    }

    /** {@return a copy leasing up to {@code events} consecutive events of a partition at a time} */
    public HttpDeliveryOptions withBatchSize(int events) {
        return new HttpDeliveryOptions(
                connectTimeout,
                requestTimeout,
                concurrency,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                events,
                pollInterval,
                leaseTimeout);
    }

    /** {@return a copy polling every {@code interval} when no notification arrives} */
    public HttpDeliveryOptions withPollInterval(Duration interval) {
        return new HttpDeliveryOptions(
                connectTimeout,
                requestTimeout,
                concurrency,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                batchSize,
                interval,
                leaseTimeout);
    }

    /** {@return a copy holding leased partitions for {@code timeout}} */
    public HttpDeliveryOptions withLeaseTimeout(Duration timeout) {
        return new HttpDeliveryOptions(
                connectTimeout,
                requestTimeout,
                concurrency,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                batchSize,
                pollInterval,
                timeout);
    }

    /** {@return the delay before attempt {@code attempt + 1}, after {@code attempt} failed ones} */
    public Duration backoff(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        Duration delay = initialBackoff.multipliedBy(1L << doublings);
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
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
