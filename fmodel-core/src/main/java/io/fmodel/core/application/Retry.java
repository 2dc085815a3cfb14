package io.fmodel.core.application;

import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs one attempt after another: while it loses an optimistic-locking race (under the conflict policy), and while
 * the store is unavailable (under the recovery policy, with the same command id: appends are idempotent by it).
 */
final class Retry {

    private static final System.Logger LOG = System.getLogger(Retry.class.getName());

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

    /**
     * Retries conflicts and outages (aggregates with command ids), telling {@code listener} of each failed attempt
     * and of each retry.
     */
    static <T> T run(
            RetryPolicy conflicts,
            RetryPolicy recovery,
            CommandListener listener,
            Object command,
            UUID commandId,
            Supplier<T> attempt) {
        int conflicted = 0;
        int unavailable = 0;
        boolean unknown = false;
        for (int attempts = 1; ; attempts++) {
            if (attempts > 1) {
                int number = attempts;
                tell(() -> listener.retrying(command, commandId, number));
            }
            try {
                return attempt.get();
            } catch (ConcurrencyConflictException conflict) {
                int lost = ++conflicted;
                tell(() -> listener.conflicted(command, commandId, lost));
                afterConflict(conflicts, command, lost, conflict);
            } catch (StoreUnavailableException outage) {
                int failures = ++unavailable;
                tell(() -> listener.unavailable(command, commandId, failures, outage));
                unknown |= outage.outcomeUnknown();
                boolean outcomeUnknown = unknown;
                if (failures >= recovery.maxAttempts()) {
                    throw given(command, commandId, failures, outcomeUnknown, outage);
                }
                pause(recovery, failures, () -> given(command, commandId, failures, outcomeUnknown, outage));
            }
        }
    }

    /** Runs a listener's call: what it throws is logged and ignored, the command goes on. */
    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "command listener failed", e);
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
