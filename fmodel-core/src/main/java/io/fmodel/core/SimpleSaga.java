package io.fmodel.core;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

record SimpleSaga<AR, A>(Function<? super AR, List<A>> reactor) implements Saga<AR, A> {

    SimpleSaga {
        Objects.requireNonNull(reactor, "react");
    }

    @Override
    public List<A> react(AR actionResult) {
        return List.copyOf(reactor.apply(actionResult));
    }
}
