package io.fmodel.core.application;

import io.fmodel.core.Saga;
import java.util.List;

/**
 * Runs a {@link Saga}: reacts to an action result and hands the resulting actions to an {@link ActionPublisher}.
 *
 * <p>Reacting is pure; publishing is the only I/O, is not retried here, and is skipped when there is no action. A
 * failure of the publisher reaches the caller, who may deliver the action result again (the saga is pure, so it
 * reacts the same way).
 *
 * {@snippet :
 * SagaManager<OrderPlaced, Command> manager = SagaManager.of(billing, CollectingActionPublisher.of());
 * List<Command> published = manager.handle(new OrderPlaced("o-1")); // [Bill[orderId=o-1]]
 * }
 *
 * @param <AR> action result type
 * @param <A> action type
 */
public interface SagaManager<AR, A> {

    /** {@return the actions published after {@code actionResult}} */
    List<A> handle(AR actionResult);

    /** {@return a manager running {@code saga} and publishing to {@code publisher}} */
    static <AR, A> SagaManager<AR, A> of(Saga<AR, A> saga, ActionPublisher<? super A> publisher) {
        return new ReactPublish<>(saga, publisher);
    }
}
