package io.fmodel.core.application;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Runs one attempt after another while the attempt loses an optimistic-locking race. */
final class Retry {

    private Retry() {}

    static <T> T run(RetryPolicy policy, Object command, Supplier<T> attempt) {
        @Nullable ConcurrencyConflictException last = null;
        for (int i = 1; i <= policy.maxAttempts(); i++) {
            try {
                return attempt.get();
            } catch (ConcurrencyConflictException conflict) {
                last = conflict;
                if (i < policy.maxAttempts()) {
                    try {
                        Thread.sleep(policy.backoff(i));
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new RetriesExhaustedException(command, i, conflict);
                    }
                }
            }
        }
        throw new RetriesExhaustedException(command, policy.maxAttempts(), java.util.Objects.requireNonNull(last));
    }
}
