package io.fmodel.examples.training;

import io.fmodel.core.Decider;
import io.fmodel.core.View;
import java.util.List;

/** Given/when/then for a pure decider or view: fold the given events, then decide the command. */
final class Spec {

    private Spec() {}

    /** {@return the events {@code decider} decides for {@code when}, given the events {@code given}} */
    static <C, S, E> List<E> decide(Decider<C, S, E> decider, List<? extends E> given, C when) {
        return decider.decide(when, state(decider, given));
    }

    /** {@return the state {@code decider} folds from {@code events}} */
    static <C, S, E> S state(Decider<C, S, E> decider, List<? extends E> events) {
        var state = decider.initialState();
        for (E event : events) {
            state = decider.evolve(state, event);
        }
        return state;
    }

    /** {@return the state {@code view} folds from {@code events}} */
    static <S, E> S project(View<S, E> view, List<? extends E> events) {
        var state = view.initialState();
        for (E event : events) {
            state = view.evolve(state, event);
        }
        return state;
    }
}
