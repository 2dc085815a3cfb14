package io.fmodel.core;

import java.util.List;
import java.util.Objects;

record TypedDecider<C, S, E>(Decider<C, S, E> decider, Class<C> commandType, Class<E> eventType)
        implements RoutedDecider<C, S, E> {

    TypedDecider {
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(commandType, "commandType");
        Objects.requireNonNull(eventType, "eventType");
    }

    @Override
    public S initialState() {
        return decider.initialState();
    }

    @Override
    public List<E> decide(C command, S state) {
        return decider.decide(command, state);
    }

    @Override
    public S evolve(S state, E event) {
        return decider.evolve(state, event);
    }

    @Override
    public boolean decides(Object command) {
        return commandType.isInstance(command);
    }

    @Override
    public boolean evolves(Object event) {
        return eventType.isInstance(event);
    }
}
