package io.fmodel.core;

import java.util.Objects;

record TypedView<S, E>(View<S, E> view, Class<E> eventType) implements RoutedView<S, E> {

    TypedView {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(eventType, "eventType");
    }

    @Override
    public S initialState() {
        return view.initialState();
    }

    @Override
    public S evolve(S state, E event) {
        return view.evolve(state, event);
    }

    @Override
    public boolean evolves(Object event) {
        return eventType.isInstance(event);
    }
}
