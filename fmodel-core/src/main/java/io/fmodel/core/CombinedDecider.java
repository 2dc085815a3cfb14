package io.fmodel.core;

import java.util.ArrayList;
import java.util.List;

/** Two routed deciders side by side; the casts are safe because each is guarded by the side's own type test. */
record CombinedDecider<C, S1, S2, E>(RoutedDecider<C, S1, E> left, RoutedDecider<C, S2, E> right)
        implements RoutedDecider<C, Both<S1, S2>, E> {

    @SuppressWarnings("unchecked")
    static <C, S1, S2, E> CombinedDecider<C, S1, S2, E> of(
            RoutedDecider<? extends C, S1, ? extends E> left, RoutedDecider<? extends C, S2, ? extends E> right) {
        // Narrowing C and E is sound: each side only ever receives values that passed its own isInstance test.
        return new CombinedDecider<>((RoutedDecider<C, S1, E>) left, (RoutedDecider<C, S2, E>) right);
    }

    @Override
    public Both<S1, S2> initialState() {
        return Both.of(left.initialState(), right.initialState());
    }

    @Override
    public List<E> decide(C command, Both<S1, S2> state) {
        boolean toLeft = left.decides(command);
        boolean toRight = right.decides(command);
        if (!toLeft && !toRight) {
            throw new IllegalArgumentException("no combined decider decides commands of type "
                    + command.getClass().getName());
        }
        List<E> events = new ArrayList<>();
        if (toLeft) {
            events.addAll(left.decide(command, state.left()));
        }
        if (toRight) {
            events.addAll(right.decide(command, state.right()));
        }
        return List.copyOf(events);
    }

    @Override
    public Both<S1, S2> evolve(Both<S1, S2> state, E event) {
        S1 l = left.evolves(event) ? left.evolve(state.left(), event) : state.left();
        S2 r = right.evolves(event) ? right.evolve(state.right(), event) : state.right();
        return Both.of(l, r);
    }

    @Override
    public boolean decides(Object command) {
        return left.decides(command) || right.decides(command);
    }

    @Override
    public boolean evolves(Object event) {
        return left.evolves(event) || right.evolves(event);
    }
}
