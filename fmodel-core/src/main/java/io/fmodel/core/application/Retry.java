package io.fmodel.core.application;

import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs one attempt after another: while it loses an optimistic-locking race (under the conflict policy), and while
 * the store is unavailable (under the recovery policy, with the same command id: appends are idempotent by it).
 */
final class Retry {

    private Retry() {}

    /** Retries conflicts only (aggregates and views without command ids). */
    static <T> T run(RetryPolicy conflicts, Object command, Supplier<T> attempt) {
        int conflicted = 0;
        while (true) {
            try {
                return attempt.get();
            } catch (ConcurrencyConflictException conflict) {
                afterConflict(conflicts, command, ++conflicted, conflict);
            }
        }
    }

    static <T> T run(RetryPolicy conflicts, RetryPolicy recovery, Object command, UUID commandId, Supplier<T> attempt) {
        int conflicted = 0;
        int unavailable = 0;
        boolean unknown = false;
        while (true) {
            try {
                return attempt.get();
            } catch (ConcurrencyConflictException conflict) {
                afterConflict(conflicts, command, ++conflicted, conflict);
            } catch (StoreUnavailableException outage) {
                unavailable++;
                unknown |= outage.outcomeUnknown();
                int attempts = unavailable;
                boolean outcomeUnknown = unknown;
                if (unavailable >= recovery.maxAttempts()) {
                    throw given(command, commandId, attempts, outcomeUnknown, outage);
                }
                pause(recovery, unavailable, () -> given(command, commandId, attempts, outcomeUnknown, outage));
            }
        }
    }

    /** Gives up after the policy's last attempt, else waits its backoff before the next one. */
    private static void afterConflict(
            RetryPolicy conflicts, Object command, int conflicted, ConcurrencyConflictException conflict) {
        if (conflicted >= conflicts.maxAttempts()) {
            throw new RetriesExhaustedException(command, conflicted, conflict);
        }
        pause(conflicts, conflicted, () -> new RetriesExhaustedException(command, conflicted, conflict));
    }

    /** The store stayed unavailable: the outcome is unknown if an append may have committed, else nothing was written. */
    private static RuntimeException given(
            Object command, UUID commandId, int attempts, boolean outcomeUnknown, StoreUnavailableException last) {
        return outcomeUnknown ? new CommandOutcomeUnknownException(command, commandId, attempts, last) : last;
    }

    private static void pause(RetryPolicy policy, int failures, Supplier<RuntimeException> onInterrupt) {
        try {
            Thread.sleep(policy.backoff(failures));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw Objects.requireNonNull(onInterrupt.get());
        }
    }
}
