package io.fmodel.core;

import java.util.List;

/** Two small domains used by the tests: a counter and a light switch, with disjoint command and event types. */
final class Counters {

    private Counters() {}

    sealed interface Command permits CounterCommand, SwitchCommand {}

    sealed interface Event permits CounterEvent, SwitchEvent {}

    sealed interface CounterCommand extends Command permits Add {}

    record Add(int amount) implements CounterCommand {}

    sealed interface CounterEvent extends Event permits Added, AddRejected {}

    record Added(int amount) implements CounterEvent {}

    record AddRejected(int amount) implements CounterEvent {}

    sealed interface SwitchCommand extends Command permits Toggle {}

    record Toggle() implements SwitchCommand {}

    sealed interface SwitchEvent extends Event permits Toggled {}

    record Toggled(boolean on) implements SwitchEvent {}

    /** Adds non-negative amounts up to 100; a negative amount throws, overflowing 100 is rejected with an event. */
    static final Decider<CounterCommand, Integer, CounterEvent> COUNTER = Decider.of(
            0,
            (command, count) -> switch (command) {
                case Add a when a.amount() < 0 -> throw new IllegalArgumentException("negative amount");
                case Add a when count + a.amount() > 100 -> List.of(new AddRejected(a.amount()));
                case Add a -> List.of(new Added(a.amount()));
            },
            (count, event) -> switch (event) {
                case Added a -> count + a.amount();
                case AddRejected r -> count;
            });

    static final Decider<SwitchCommand, Boolean, SwitchEvent> SWITCH = Decider.of(
            false,
            (command, on) -> switch (command) {
                case Toggle t -> List.of(new Toggled(!on));
            },
            (on, event) -> switch (event) {
                case Toggled t -> t.on();
            });

    static <C, S, E> S fold(Decider<C, S, E> decider, List<? extends E> events) {
        S state = decider.initialState();
        for (E event : events) {
            state = decider.evolve(state, event);
        }
        return state;
    }

    /** Runs {@code commands} state-stored, collecting every event. */
    static <C, S, E> List<E> run(Decider<C, S, E> decider, List<? extends C> commands) {
        S state = decider.initialState();
        List<E> all = new java.util.ArrayList<>();
        for (C command : commands) {
            List<E> events = decider.decide(command, state);
            for (E event : events) {
                state = decider.evolve(state, event);
            }
            all.addAll(events);
        }
        return all;
    }
}
