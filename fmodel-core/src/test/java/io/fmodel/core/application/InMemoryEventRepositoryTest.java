package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.application.Counter.Add;
import io.fmodel.core.application.Counter.Added;
import io.fmodel.core.application.Counter.Event;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InMemoryEventRepositoryTest {

    private final InMemoryEventRepository<Add, Event> repository = Counter.repository();
    private final Add add = new Add("c-1", 1);

    @Test
    void a_new_stream_is_empty() {
        assertThat(repository.fetch(add)).isEmpty();
    }

    @Test
    void appending_to_an_empty_stream_numbers_the_events_from_one() {
        UUID id = UUID.randomUUID();
        List<StoredEvent<Event, Long>> stored =
                repository.append(add, id, List.of(new Added("c-1", 1), new Added("c-1", 2)), null);
        assertThat(stored)
                .containsExactly(
                        new StoredEvent<>(new Added("c-1", 1), 1L, id), new StoredEvent<>(new Added("c-1", 2), 2L, id));
        assertThat(repository.fetch(add)).isEqualTo(stored);
    }

    @Test
    void appending_with_a_stale_version_conflicts_and_writes_nothing() {
        repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 1)), null);
        repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 2)), 1L);
        assertThatThrownBy(() -> repository.append(
                        add, UUID.randomUUID(), List.of(new Added("c-1", 3), new Added("c-1", 4)), 1L))
                .isInstanceOf(ConcurrencyConflictException.class)
                .hasMessageContaining("c-1");
        assertThat(repository.fetch(add)).extracting(StoredEvent::version).containsExactly(1L, 2L);
    }

    @Test
    void expecting_an_empty_stream_conflicts_once_it_has_events() {
        repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 1)), null);
        assertThatThrownBy(() -> repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 2)), null))
                .isInstanceOf(ConcurrencyConflictException.class);
    }

    @Test
    void appending_a_command_id_again_returns_the_first_result_and_writes_nothing() {
        UUID id = UUID.randomUUID();
        List<StoredEvent<Event, Long>> first = repository.append(add, id, List.of(new Added("c-1", 1)), null);
        List<StoredEvent<Event, Long>> again = repository.append(add, id, List.of(new Added("c-1", 9)), null);
        assertThat(again).isEqualTo(first);
        assertThat(repository.fetch(add)).isEqualTo(first);
    }

    @Test
    void streams_are_independent() {
        repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 1)), null);
        repository.append(new Add("c-2", 1), UUID.randomUUID(), List.of(new Added("c-2", 1)), null);
        assertThat(repository.stream("c-1")).extracting(StoredEvent::version).containsExactly(1L);
        assertThat(repository.stream("c-2")).extracting(StoredEvent::version).containsExactly(1L);
    }
}
