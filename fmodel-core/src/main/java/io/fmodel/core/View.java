package io.fmodel.core;

import java.util.function.BiFunction;

/**
 * A view: the pure heart of a query-side model, a left fold of events into a state.
 *
 * {@snippet :
 * View<Integer, Incremented> total = View.of(0, (sum, event) -> sum + event.by());
 * }
 *
 * @param <S> view state type
 * @param <E> event type
 */
public interface View<S, E> {

    /** {@return the state before any event} */
    S initialState();

    /** {@return the state after {@code event}} */
    S evolve(S state, E event);

    /** {@return a view made of the two functions} */
    static <S, E> View<S, E> of(S initialState, BiFunction<S, ? super E, S> evolve) {
        return new SimpleView<>(initialState, evolve);
    }
}
