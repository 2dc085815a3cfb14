package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.Saga;
import io.fmodel.core.application.Counter.Add;
import io.fmodel.core.application.Counter.AddRejected;
import io.fmodel.core.application.Counter.Added;
import io.fmodel.core.application.Counter.Event;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OrchestratingAggregateTest {

    private final InMemoryEventRepository<Add, Event> repository = Counter.repository();
    private final OrchestratingAggregate<Add, Integer, Event> mirrored =
            OrchestratingAggregate.of(Counter.DECIDER, Counter.MIRROR, repository);

    @Test
    void the_saga_command_is_decided_against_the_state_of_the_entity_it_addresses() {
        EventSourcingAggregate.of(Counter.DECIDER, repository).handle(new Add("mirror", 95));
        // Folded against the batch ("source" is at 10), the mirror's Add(10) would be accepted; its own stream is at
        // 95.
        assertThat(mirrored.handle(new Add("source", 10)))
                .containsExactly(new Added("source", 10), new AddRejected("mirror", 10));
        assertThat(repository.stream("source")).extracting(StoredEvent::event).containsExactly(new Added("source", 10));
        assertThat(repository.stream("mirror"))
                .extracting(StoredEvent::event)
                .containsExactly(new Added("mirror", 95), new AddRejected("mirror", 10));
    }

    @Test
    void the_saga_command_is_appended_to_its_own_stream_after_its_last_version() {
        mirrored.handle(new Add("source", 1));
        mirrored.handle(new Add("source", 2));
        assertThat(repository.stream("mirror")).extracting(StoredEvent::version).containsExactly(1L, 2L);
        assertThat(repository.stream("mirror"))
                .extracting(StoredEvent::event)
                .containsExactly(new Added("mirror", 1), new Added("mirror", 2));
    }

    @Test
    void a_command_without_saga_reaction_is_handled_alone() {
        assertThat(mirrored.handle(new Add("other", 3))).containsExactly(new Added("other", 3));
        assertThat(repository.stream("mirror")).isEmpty();
    }

    @Test
    void handling_the_first_command_again_replays_the_cascade_without_deciding_again() {
        AtomicInteger decisions = new AtomicInteger();
        var aggregate = OrchestratingAggregate.of(Counter.counting(decisions), Counter.MIRROR, repository);
        UUID id = UUID.randomUUID();
        List<Event> first = aggregate.handle(new Add("source", 3), id);
        List<Event> again = aggregate.handle(new Add("source", 3), id);
        assertThat(again).isEqualTo(first).hasSize(2);
        assertThat(decisions).hasValue(2);
        assertThat(repository.stream("mirror")).hasSize(1);
    }

    @Test
    void an_endless_saga_loop_stops_with_a_typed_exception() {
        Saga<Event, Add> pingPong = Saga.of(event -> switch (event) {
            case Added a -> List.of(new Add(a.counterId().equals("ping") ? "pong" : "ping", 0));
            case AddRejected r -> List.of();
        });
        var loop =
                OrchestratingAggregate.of(Counter.DECIDER, pingPong, repository).withMaxDepth(5);
        Add start = new Add("ping", 0);
        assertThatThrownBy(() -> loop.handle(start)).isInstanceOfSatisfying(OrchestrationTooDeepException.class, e -> {
            assertThat(e.command()).isEqualTo(start);
            assertThat(e.maxDepth()).isEqualTo(5);
        });
        assertThat(repository.stream("ping").size() + repository.stream("pong").size())
                .isEqualTo(6);
    }
}
