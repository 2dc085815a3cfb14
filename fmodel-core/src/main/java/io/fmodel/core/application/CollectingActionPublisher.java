package io.fmodel.core.application;

import java.util.List;

/**
 * An {@link ActionPublisher} that records every action it is given, in order, for tests and examples. Thread-safe.
 *
 * {@snippet :
 * CollectingActionPublisher<Command> publisher = CollectingActionPublisher.of();
 * SagaManager.of(billing, publisher).handle(new OrderPlaced("o-1"));
 * List<Command> sent = publisher.published(); // [Bill[orderId=o-1]]
 * }
 *
 * @param <A> action type
 */
public interface CollectingActionPublisher<A> extends ActionPublisher<A> {

    /** {@return every action published so far, oldest first} */
    List<A> published();

    /** {@return a publisher that has published nothing yet} */
    static <A> CollectingActionPublisher<A> of() {
        return new CollectedActions<>();
    }
}
