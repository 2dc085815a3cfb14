package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.application.Counter.Add;
import io.fmodel.core.application.Counter.AddRejected;
import io.fmodel.core.application.Counter.Added;
import io.fmodel.core.application.Counter.Event;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SagaManagerTest {

    private final CollectingActionPublisher<Add> publisher = CollectingActionPublisher.of();
    private final SagaManager<Event, Add> manager = SagaManager.of(Counter.MIRROR, publisher);

    @Test
    void the_saga_reaction_is_published_and_returned() {
        assertThat(manager.handle(new Added("source", 4))).containsExactly(new Add("mirror", 4));
        assertThat(publisher.published()).containsExactly(new Add("mirror", 4));
    }

    @Test
    void no_reaction_publishes_nothing() {
        AtomicInteger calls = new AtomicInteger();
        SagaManager<Event, Add> counting = SagaManager.of(Counter.MIRROR, actions -> calls.incrementAndGet());
        assertThat(counting.handle(new AddRejected("source", 4))).isEmpty();
        assertThat(calls).hasValue(0);
    }

    @Test
    void actions_are_published_in_order() {
        manager.handle(new Added("source", 1));
        manager.handle(new Added("other", 2));
        manager.handle(new Added("source", 3));
        assertThat(publisher.published()).isEqualTo(List.of(new Add("mirror", 1), new Add("mirror", 3)));
    }
}
