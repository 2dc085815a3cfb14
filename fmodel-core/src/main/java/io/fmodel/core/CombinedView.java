package io.fmodel.core;

/** Two routed views side by side; the casts are safe because each is guarded by the side's own type test. */
record CombinedView<S1, S2, E>(RoutedView<S1, E> left, RoutedView<S2, E> right) implements RoutedView<Both<S1, S2>, E> {

    @SuppressWarnings("unchecked")
    static <S1, S2, E> CombinedView<S1, S2, E> of(RoutedView<S1, ? extends E> left, RoutedView<S2, ? extends E> right) {
        return new CombinedView<>((RoutedView<S1, E>) left, (RoutedView<S2, E>) right);
    }

    @Override
    public Both<S1, S2> initialState() {
        return Both.of(left.initialState(), right.initialState());
    }

    @Override
    public Both<S1, S2> evolve(Both<S1, S2> state, E event) {
        S1 l = left.evolves(event) ? left.evolve(state.left(), event) : state.left();
        S2 r = right.evolves(event) ? right.evolve(state.right(), event) : state.right();
        return Both.of(l, r);
    }

    @Override
    public boolean evolves(Object event) {
        return left.evolves(event) || right.evolves(event);
    }
}
