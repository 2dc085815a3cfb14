package io.fmodel.core;

import java.util.List;
import java.util.function.Function;

record StateMappedDecider<C, S, S2, E>(
        Decider<C, S, E> decider, Function<? super S, ? extends S2> to, Function<? super S2, ? extends S> from)
        implements Decider<C, S2, E> {

    @Override
    public S2 initialState() {
        return to.apply(decider.initialState());
    }

    @Override
    public List<E> decide(C command, S2 state) {
        return decider.decide(command, from.apply(state));
    }

    @Override
    public S2 evolve(S2 state, E event) {
        return to.apply(decider.evolve(from.apply(state), event));
    }
}
