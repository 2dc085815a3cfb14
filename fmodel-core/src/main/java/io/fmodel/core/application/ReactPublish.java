package io.fmodel.core.application;

import io.fmodel.core.Saga;
import java.util.List;
import java.util.Objects;

record ReactPublish<AR, A>(Saga<AR, A> saga, ActionPublisher<? super A> publisher) implements SagaManager<AR, A> {

    ReactPublish {
        Objects.requireNonNull(saga, "saga");
        Objects.requireNonNull(publisher, "publisher");
    }

    @Override
    public List<A> handle(AR actionResult) {
        List<A> actions = saga.react(actionResult);
        if (!actions.isEmpty()) {
            publisher.publish(actions);
        }
        return actions;
    }
}
