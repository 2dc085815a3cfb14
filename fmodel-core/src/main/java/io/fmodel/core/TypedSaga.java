package io.fmodel.core;

import java.util.List;
import java.util.Objects;

record TypedSaga<AR, A>(Saga<AR, A> saga, Class<AR> actionResultType) implements RoutedSaga<AR, A> {

    TypedSaga {
        Objects.requireNonNull(saga, "saga");
        Objects.requireNonNull(actionResultType, "actionResultType");
    }

    @Override
    public List<A> react(AR actionResult) {
        return saga.react(actionResult);
    }

    @Override
    public boolean reactsTo(Object actionResult) {
        return actionResultType.isInstance(actionResult);
    }
}
