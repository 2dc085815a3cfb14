package io.fmodel.core;

/**
 * Two routed views side by side. Each side keeps its own event type ({@code ? extends E}, never narrowed to
 * {@code E} by a cast); an event reaches a side only through {@link #eventOf}, which casts it by the {@link Class}
 * of the typed leaf that routes it: a checked cast, so an event of the wrong type fails there and cannot reach a
 * view.
 */
record CombinedView<S1, S2, E>(RoutedView<S1, ? extends E> left, RoutedView<S2, ? extends E> right)
        implements RoutedView<Both<S1, S2>, E> {

    @Override
    public Both<S1, S2> initialState() {
        return Both.of(left.initialState(), right.initialState());
    }

    @Override
    public Both<S1, S2> evolve(Both<S1, S2> state, E event) {
        S1 l = left.evolves(event) ? evolveOn(left, state.left(), event) : state.left();
        S2 r = right.evolves(event) ? evolveOn(right, state.right(), event) : state.right();
        return Both.of(l, r);
    }

    @Override
    public boolean evolves(Object event) {
        return left.evolves(event) || right.evolves(event);
    }

    /** Captures a side's event type, so that its evolve receives its own event type. */
    private static <S, E> S evolveOn(RoutedView<S, E> side, S state, Object event) {
        return side.evolve(state, eventOf(side, event));
    }

    /** {@return {@code event} as an event of {@code view}, which {@link #evolves} it}: a checked cast by a leaf's class */
    static <E> E eventOf(RoutedView<?, E> view, Object event) {
        return switch (view) {
            case TypedView<?, E> typed -> typed.eventType().cast(event);
            case CombinedView<?, ?, ?> combined -> typesOf(view, combined).eventOf(event);
        };
    }

    /**
     * {@return {@code combined}, which is {@code view}, with the event type of {@code view}}
     *
     * <p>The one unchecked cast of the view combinators, and a true one: a {@code CombinedView<S1, S2, E>} is a
     * {@code RoutedView<Both<S1, S2>, E>}, so its event type is exactly that of {@code view}. Only the state type is
     * lost to the compiler (it cannot tell that a {@code ?} state is some {@code Both<S1, S2>}), which is why a
     * {@code case CombinedView<?, ?, E>} pattern is refused; no state goes through the result.
     */
    @SuppressWarnings("unchecked")
    private static <E> CombinedView<?, ?, E> typesOf(RoutedView<?, E> view, CombinedView<?, ?, ?> combined) {
        assert view == combined;
        return (CombinedView<?, ?, E>) combined;
    }

    /** An event of either side is an {@code E}: each side's event type extends it. */
    private E eventOf(Object event) {
        return left.evolves(event) ? eventOf(left, event) : eventOf(right, event);
    }
}
