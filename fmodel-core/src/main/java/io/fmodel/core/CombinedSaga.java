package io.fmodel.core;

import java.util.ArrayList;
import java.util.List;

/** Two routed sagas side by side; the casts are safe because each is guarded by the side's own type test. */
record CombinedSaga<AR, A>(RoutedSaga<AR, ? extends A> left, RoutedSaga<AR, ? extends A> right)
        implements RoutedSaga<AR, A> {

    @SuppressWarnings("unchecked")
    static <AR, A> CombinedSaga<AR, A> of(
            RoutedSaga<? extends AR, ? extends A> left, RoutedSaga<? extends AR, ? extends A> right) {
        return new CombinedSaga<>((RoutedSaga<AR, ? extends A>) left, (RoutedSaga<AR, ? extends A>) right);
    }

    @Override
    public List<A> react(AR actionResult) {
        List<A> actions = new ArrayList<>();
        if (left.reactsTo(actionResult)) {
            actions.addAll(left.react(actionResult));
        }
        if (right.reactsTo(actionResult)) {
            actions.addAll(right.react(actionResult));
        }
        return List.copyOf(actions);
    }

    @Override
    public boolean reactsTo(Object actionResult) {
        return left.reactsTo(actionResult) || right.reactsTo(actionResult);
    }
}
