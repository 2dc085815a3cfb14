package io.fmodel.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Two routed sagas side by side. Each side keeps its own action-result type ({@code ? extends AR}, never narrowed
 * to {@code AR} by a cast); an action result reaches a side only through {@link #actionResultOf}, which casts it by
 * the {@link Class} of the typed leaf that routes it: a checked cast. Sagas have no state, so, unlike the decider
 * and view combinators, routing needs no unchecked cast at all.
 */
record CombinedSaga<AR, A>(RoutedSaga<? extends AR, ? extends A> left, RoutedSaga<? extends AR, ? extends A> right)
        implements RoutedSaga<AR, A> {

    @Override
    public List<A> react(AR actionResult) {
        List<A> actions = new ArrayList<>();
        if (left.reactsTo(actionResult)) {
            actions.addAll(reactOn(left, actionResult));
        }
        if (right.reactsTo(actionResult)) {
            actions.addAll(reactOn(right, actionResult));
        }
        return List.copyOf(actions);
    }

    @Override
    public boolean reactsTo(Object actionResult) {
        return left.reactsTo(actionResult) || right.reactsTo(actionResult);
    }

    /** Captures a side's action-result type, so that its react receives its own type. */
    private static <AR, A> List<A> reactOn(RoutedSaga<AR, A> side, Object actionResult) {
        return side.react(actionResultOf(side, actionResult));
    }

    /** {@return {@code actionResult} as one {@code saga} {@link #reactsTo}}: a checked cast by a leaf's class */
    static <AR> AR actionResultOf(RoutedSaga<AR, ?> saga, Object actionResult) {
        return switch (saga) {
            case TypedSaga<AR, ?> typed -> typed.actionResultType().cast(actionResult);
            case CombinedSaga<AR, ?> combined -> combined.actionResultOf(actionResult);
        };
    }

    /** An action result of either side is an {@code AR}: each side's type extends it. */
    private AR actionResultOf(Object actionResult) {
        return left.reactsTo(actionResult) ? actionResultOf(left, actionResult) : actionResultOf(right, actionResult);
    }
}
