package io.fmodel.core;

import java.util.List;
import java.util.function.Function;

record EventMappedDecider<C, S, E, E2>(
        Decider<C, S, E> decider, Function<? super E, ? extends E2> to, Function<? super E2, ? extends E> from)
        implements Decider<C, S, E2> {

    @Override
    public S initialState() {
        return decider.initialState();
    }

    @Override
    public List<E2> decide(C command, S state) {
        return decider.decide(command, state).stream().<E2>map(to).toList();
    }

    @Override
    public S evolve(S state, E2 event) {
        return decider.evolve(state, from.apply(event));
    }
}
