package io.fmodel.postgres;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling for the processor ITs: wait until a condition holds, or fail the test. */
public final class Await {

    private Await() {}

    /** Polls {@code condition} every 10 ms; throws an {@link AssertionError} once {@code timeout} has passed. */
    public static void await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            sleep(10);
        }
    }

    /** {@link Thread#sleep(long)} that restores the interrupt flag and rethrows unchecked. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
