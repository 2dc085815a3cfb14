package io.fmodel.core;

import java.util.List;
import java.util.function.Function;

record ActionResultMappedSaga<AR, AR2, A>(Saga<AR, A> saga, Function<? super AR2, ? extends AR> f)
        implements Saga<AR2, A> {

    @Override
    public List<A> react(AR2 actionResult) {
        return saga.react(f.apply(actionResult));
    }
}
