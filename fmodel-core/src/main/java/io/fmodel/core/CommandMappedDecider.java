package io.fmodel.core;

import java.util.List;
import java.util.function.Function;

record CommandMappedDecider<C, C2, S, E>(Decider<C, S, E> decider, Function<? super C2, ? extends C> f)
        implements Decider<C2, S, E> {

    @Override
    public S initialState() {
        return decider.initialState();
    }

    @Override
    public List<E> decide(C2 command, S state) {
        return decider.decide(f.apply(command), state);
    }

    @Override
    public S evolve(S state, E event) {
        return decider.evolve(state, event);
    }
}
