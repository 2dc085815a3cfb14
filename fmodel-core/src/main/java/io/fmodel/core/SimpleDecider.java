package io.fmodel.core;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

record SimpleDecider<C, S, E>(
        S initialState, BiFunction<? super C, ? super S, List<E>> decider, BiFunction<S, ? super E, S> evolver)
        implements Decider<C, S, E> {

    SimpleDecider {
        Objects.requireNonNull(initialState, "initialState");
        Objects.requireNonNull(decider, "decide");
        Objects.requireNonNull(evolver, "evolve");
    }

    @Override
    public List<E> decide(C command, S state) {
        return List.copyOf(decider.apply(command, state));
    }

    @Override
    public S evolve(S state, E event) {
        return evolver.apply(state, event);
    }
}
