package io.fmodel.vavr;

import io.vavr.control.Either;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/** {@link EitherDecider#of}: the three functions. */
record SimpleEitherDecider<C, S, E, R>(
        S initialState,
        BiFunction<? super C, ? super S, Either<R, List<E>>> decider,
        BiFunction<S, ? super E, S> evolver)
        implements EitherDecider<C, S, E, R> {

    SimpleEitherDecider {
        Objects.requireNonNull(initialState, "initialState");
        Objects.requireNonNull(decider, "decide");
        Objects.requireNonNull(evolver, "evolve");
    }

    @Override
    public Either<R, List<E>> decide(C command, S state) {
        return decider.apply(command, state);
    }

    @Override
    public S evolve(S state, E event) {
        return evolver.apply(state, event);
    }
}
