package io.fmodel.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** Timing helpers: run work on threads from a common start, medians and percentiles. */
final class Measure {

    private Measure() {}

    /** One operation of one thread; {@code i} counts the thread's operations from 0. */
    @FunctionalInterface
    interface Op {
        void run(int thread, int i) throws Exception;
    }

    /** Wall-clock nanoseconds of a run, and the CPU nanoseconds its threads used (client side only). */
    record Timing(long nanos, long cpuNanos) {}

    /** {@return the wall-clock nanoseconds {@code threads} threads take to run {@code perThread} operations each} */
    static long run(int threads, int perThread, Op op) throws Exception {
        return timed(threads, perThread, op).nanos();
    }

    /** {@return the wall-clock and client CPU time {@code threads} threads take to run {@code perThread} ops each} */
    static Timing timed(int threads, int perThread, Op op) throws Exception {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.concurrent.atomic.AtomicLong cpu = new java.util.concurrent.atomic.AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().name("bench-" + t).start(() -> {
                try {
                    start.await();
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < perThread; i++) {
                        op.run(thread, i);
                    }
                    cpu.addAndGet(mx.getCurrentThreadCpuTime() - cpu0);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        long elapsed = System.nanoTime() - t0;
        if (failure.get() != null) {
            throw failure.get();
        }
        return new Timing(elapsed, cpu.get());
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** {@return the {@code p}-th percentile (nearest rank) of {@code values}} */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
