package io.fmodel.core.application;

import java.util.List;

/**
 * The port of a saga manager: publishes the actions a saga decided on (to a command bus, a queue, an outbox, ...).
 *
 * <p>What is guaranteed (at-least-once, ordering) is the implementation's to say; the in-memory
 * {@link CollectingActionPublisher} just records them.
 *
 * {@snippet :
 * ActionPublisher<Command> publisher = actions -> actions.forEach(commandBus::send);
 * }
 *
 * @param <A> action type
 */
@FunctionalInterface
public interface ActionPublisher<A> {

    /** Publishes {@code actions}, in order. */
    void publish(List<? extends A> actions);
}
