package io.fmodel.core;

import java.util.List;
import java.util.function.Function;

record ActionMappedSaga<AR, A, A2>(Saga<AR, A> saga, Function<? super A, ? extends A2> f) implements Saga<AR, A2> {

    @Override
    public List<A2> react(AR actionResult) {
        return saga.react(actionResult).stream().<A2>map(f).toList();
    }
}
