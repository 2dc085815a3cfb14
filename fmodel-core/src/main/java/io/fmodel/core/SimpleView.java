package io.fmodel.core;

import java.util.Objects;
import java.util.function.BiFunction;

record SimpleView<S, E>(S initialState, BiFunction<S, ? super E, S> evolver) implements View<S, E> {

    SimpleView {
        Objects.requireNonNull(initialState, "initialState");
        Objects.requireNonNull(evolver, "evolve");
    }

    @Override
    public S evolve(S state, E event) {
        return evolver.apply(state, event);
    }
}
