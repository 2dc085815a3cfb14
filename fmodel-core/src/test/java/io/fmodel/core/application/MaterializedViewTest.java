package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.application.Counter.AddRejected;
import io.fmodel.core.application.Counter.Added;
import io.fmodel.core.application.Counter.Event;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class MaterializedViewTest {

    private final InMemoryViewStateRepository<Event, Integer> repository =
            InMemoryViewStateRepository.of(Event::counterId);
    private final MaterializedView<Integer, Event> totals = MaterializedView.of(Counter.TOTAL, repository);

    @Test
    void an_event_updates_the_view_state_of_the_entity_it_belongs_to() {
        assertThat(totals.handle(new Added("c-1", 5))).isEqualTo(5);
        assertThat(totals.handle(new Added("c-2", 3))).isEqualTo(3);
        assertThat(totals.handle(new Added("c-1", 2))).isEqualTo(7);
        assertThat(totals.handle(new AddRejected("c-1", 200))).isEqualTo(7);
        assertThat(repository.fetch(new Added("c-1", 0))).contains(new VersionedState<>(7, 3L));
        assertThat(repository.fetch(new Added("c-2", 0))).contains(new VersionedState<>(3, 1L));
    }

    @Test
    void a_conflict_is_retried_on_the_fresh_view_state() {
        AtomicInteger racers = new AtomicInteger(1);
        ViewStateRepository<Event, Integer, Long> racing = new ViewStateRepository<>() {
            @Override
            public Optional<VersionedState<Integer, Long>> fetch(Event event) {
                return repository.fetch(event);
            }

            @Override
            public VersionedState<Integer, Long> save(Event event, Integer state, @Nullable Long expectedVersion) {
                if (racers.getAndDecrement() > 0) {
                    repository.save(event, 100, expectedVersion);
                }
                return repository.save(event, state, expectedVersion);
            }
        };
        assertThat(MaterializedView.of(Counter.TOTAL, racing).handle(new Added("c-1", 5)))
                .isEqualTo(105);
    }
}
