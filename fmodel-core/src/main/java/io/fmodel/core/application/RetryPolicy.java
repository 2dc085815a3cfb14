package io.fmodel.core.application;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How an aggregate retries after a {@link ConcurrencyConflictException} ({@code withRetry}) or a
 * {@link StoreUnavailableException} ({@code withRecovery}): at most {@code maxAttempts} attempts in all, separated by
 * an exponential backoff with full jitter (a random pause between zero and
 * {@code min(maxDelay, baseDelay * 2^(failures - 1))}), so that writers racing for one stream, or reconnecting to a
 * restarted server, spread out.
 *
 * <p>Nothing else is retried: an exception thrown by {@code decide}, or by a repository for any other reason, reaches
 * the caller at once.
 *
 * {@snippet :
 * EventSourcingAggregate<Command, State, Event> aggregate = EventSourcingAggregate.of(decider, repository)
 *         .withRetry(RetryPolicy.of(5, Duration.ofMillis(2), Duration.ofMillis(50)));
 * }
 *
 * @param maxAttempts how many times, at least one, a command is tried in all
 * @param baseDelay the pause bound after the first conflict
 * @param maxDelay the cap on every pause bound
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    /** Checks that there is at least one attempt and that the delays are non-negative and ordered. */
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay, was " + baseDelay + ", " + maxDelay);
        }
    }

    /** {@return a policy of {@code maxAttempts} attempts with backoff from {@code baseDelay} capped at {@code maxDelay}} */
    public static RetryPolicy of(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay);
    }

    /** {@return the default policy: 10 attempts, backoff from 1 ms capped at 100 ms} */
    public static RetryPolicy defaults() {
        return new RetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(100));
    }

    /**
     * {@return the default recovery policy: 8 attempts, backoff from 100 ms capped at 2 s (up to about 10 s of pauses,
     * enough for a server restart or a failover)}
     */
    public static RetryPolicy recoveryDefaults() {
        return new RetryPolicy(8, Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    /** {@return a random pause to take after {@code failures} failed attempts (full jitter)} */
    public Duration backoff(int failures) {
        long base = baseDelay.toNanos();
        long bound = maxDelay.toNanos();
        for (int i = 1; i < failures && base < bound; i++) {
            base = base * 2;
        }
        long cap = Math.min(base, bound);
        return Duration.ofNanos(cap == 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1));
    }
}
