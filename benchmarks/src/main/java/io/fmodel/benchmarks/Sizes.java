package io.fmodel.benchmarks;

/**
 * How much work each measurement does. {@code smoke}: seconds, proves the harness runs (CI). {@code standard}: the
 * default run, a few minutes. {@code full}: the sizes for projection and memory.
 */
record Sizes(
        String name,
        int rounds,
        int warmup,
        int independentCommands,
        int independentStreams,
        int hotCommands,
        int hotStreams,
        int appends,
        int longStreamCommands,
        int coldStreams,
        int coldEvents,
        int hotProjectionStreams,
        int hotProjectionEvents,
        int latencySamples,
        int memoryStreams,
        int memoryEvents) {

    static Sizes smoke() {
        return new Sizes("smoke", 1, 20, 16, 16, 8, 4, 16, 4, 20, 3, 2, 20, 3, 4, 100);
    }

    static Sizes standard() {
        return new Sizes("standard", 9, 2_000, 160, 256, 80, 4, 200, 30, 1_000, 10, 10, 1_000, 40, 100, 1_000);
    }

    static Sizes full() {
        return new Sizes("full", 9, 4_000, 800, 256, 200, 4, 1_500, 100, 10_000, 10, 10, 10_000, 100, 100, 10_000);
    }
}
