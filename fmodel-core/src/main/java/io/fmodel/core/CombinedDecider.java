package io.fmodel.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Two routed deciders side by side. Each side keeps its own command and event types ({@code ? extends C},
 * {@code ? extends E}, never narrowed to {@code C} and {@code E} by a cast); a command or event reaches a side only
 * through {@link #commandOf}/{@link #eventOf}, which cast it by the {@link Class} objects of the typed leaf that
 * routes it: a checked cast, so a value of the wrong type fails there and cannot reach a decider.
 */
record CombinedDecider<C, S1, S2, E>(
        RoutedDecider<? extends C, S1, ? extends E> left, RoutedDecider<? extends C, S2, ? extends E> right)
        implements RoutedDecider<C, Both<S1, S2>, E> {

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
            events.addAll(decideOn(left, command, state.left()));
        }
        if (toRight) {
            events.addAll(decideOn(right, command, state.right()));
        }
        return List.copyOf(events);
    }

    @Override
    public Both<S1, S2> evolve(Both<S1, S2> state, E event) {
        S1 l = left.evolves(event) ? evolveOn(left, state.left(), event) : state.left();
        S2 r = right.evolves(event) ? evolveOn(right, state.right(), event) : state.right();
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

    /** Captures a side's command and event types, so that its decide receives its own command type. */
    private static <C, S, E> List<E> decideOn(RoutedDecider<C, S, E> side, Object command, S state) {
        return side.decide(commandOf(side, command), state);
    }

    private static <C, S, E> S evolveOn(RoutedDecider<C, S, E> side, S state, Object event) {
        return side.evolve(state, eventOf(side, event));
    }

    /**
     * {@return {@code command} as a command of {@code decider}, which {@link #decides} it}: a checked cast by the
     * command class of the leaf that decides it, so a wrong routing fails here with a {@link ClassCastException}
     * instead of somewhere in a decider
     */
    static <C> C commandOf(RoutedDecider<C, ?, ?> decider, Object command) {
        return switch (decider) {
            case TypedDecider<C, ?, ?> typed -> typed.commandType().cast(command);
            case CombinedDecider<?, ?, ?, ?> combined ->
                typesOf(decider, combined).commandOf(command);
        };
    }

    /** {@return {@code event} as an event of {@code decider}, which {@link #evolves} it}: as {@link #commandOf} */
    static <E> E eventOf(RoutedDecider<?, ?, E> decider, Object event) {
        return switch (decider) {
            case TypedDecider<?, ?, E> typed -> typed.eventType().cast(event);
            case CombinedDecider<?, ?, ?, ?> combined ->
                typesOf(decider, combined).eventOf(event);
        };
    }

    /**
     * {@return {@code combined}, which is {@code decider}, with the command and event types of {@code decider}}
     *
     * <p>The one unchecked cast of the decider combinators, and a true one: a {@code CombinedDecider<C, S1, S2, E>} is a
     * {@code RoutedDecider<C, Both<S1, S2>, E>}, so its command and event types are exactly those of
     * {@code decider}. Only the state type is lost to the compiler (it cannot tell that a {@code ?} state is some
     * {@code Both<S1, S2>}), which is why a {@code case CombinedDecider<C, ?, ?, E>} pattern is refused; no state
     * goes through the result.
     */
    @SuppressWarnings("unchecked")
    private static <C, E> CombinedDecider<C, ?, ?, E> typesOf(
            RoutedDecider<C, ?, E> decider, CombinedDecider<?, ?, ?, ?> combined) {
        assert decider == combined;
        return (CombinedDecider<C, ?, ?, E>) combined;
    }

    /** A command of either side is a {@code C}: each side's command type extends it. */
    private C commandOf(Object command) {
        return left.decides(command) ? commandOf(left, command) : commandOf(right, command);
    }

    private E eventOf(Object event) {
        return left.evolves(event) ? eventOf(left, event) : eventOf(right, event);
    }
}
