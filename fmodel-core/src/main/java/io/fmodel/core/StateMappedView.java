package io.fmodel.core;

import java.util.function.Function;

record StateMappedView<S, S2, E>(
        View<S, E> view, Function<? super S, ? extends S2> to, Function<? super S2, ? extends S> from)
        implements View<S2, E> {

    @Override
    public S2 initialState() {
        return to.apply(view.initialState());
    }

    @Override
    public S2 evolve(S2 state, E event) {
        return to.apply(view.evolve(from.apply(state), event));
    }
}
