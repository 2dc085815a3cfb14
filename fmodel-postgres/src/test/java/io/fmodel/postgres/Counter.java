package io.fmodel.postgres;

/** A tiny domain for the tests: counters that go up, and may be closed. */
final class Counter {

    private Counter() {}

    sealed interface CounterEvent permits Incremented, Closed {}

    record Incremented(String counterId, int amount) implements CounterEvent {}

    record Closed(String counterId, String reason) implements CounterEvent {}

    record Increment(String counterId, int amount) {}

    static final String DECIDER = "counter";

    static EventTypes<CounterEvent> types() {
        return EventTypes.of(DECIDER, CounterEvent.class);
    }
}
