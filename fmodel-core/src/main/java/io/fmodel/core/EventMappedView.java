package io.fmodel.core;

import java.util.function.Function;

record EventMappedView<S, E, E2>(View<S, E> view, Function<? super E2, ? extends E> f) implements View<S, E2> {

    @Override
    public S initialState() {
        return view.initialState();
    }

    @Override
    public S evolve(S state, E2 event) {
        return view.evolve(state, f.apply(event));
    }
}
