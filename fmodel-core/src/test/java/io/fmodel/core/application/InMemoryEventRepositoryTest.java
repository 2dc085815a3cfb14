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
        Appended<Event, Long> appended =
                repository.append(add, id, List.of(new Added("c-1", 1), new Added("c-1", 2)), null);
        assertThat(appended)
                .isEqualTo(new Appended.Written<>(List.of(
                        new StoredEvent<>(new Added("c-1", 1), 1L, id),
                        new StoredEvent<>(new Added("c-1", 2), 2L, id))));
        assertThat(appended.events()).containsExactly(new Added("c-1", 1), new Added("c-1", 2));
        assertThat(repository.fetch(add)).isEqualTo(appended.stored());
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
    void appending_a_command_id_again_replays_the_first_result_and_writes_nothing() {
        UUID id = UUID.randomUUID();
        Appended<Event, Long> first = repository.append(add, id, List.of(new Added("c-1", 1)), null);
        Appended<Event, Long> again = repository.append(add, id, List.of(new Added("c-1", 9)), null);
        assertThat(first).isInstanceOf(Appended.Written.class);
        assertThat(again).isEqualTo(new Appended.Replayed<>(first.stored()));
        assertThat(repository.fetch(add)).isEqualTo(first.stored());
    }

    @Test
    void a_replay_is_recognised_whatever_version_it_expects() {
        UUID id = UUID.randomUUID();
        repository.append(add, id, List.of(new Added("c-1", 1)), null);
        repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 2)), 1L);
        assertThat(repository.append(add, id, List.of(new Added("c-1", 9)), 1L))
                .isInstanceOf(Appended.Replayed.class)
                .extracting(Appended::events)
                .isEqualTo(List.of(new Added("c-1", 1)));
    }

    @Test
    void appending_no_events_writes_nothing_and_checks_nothing() {
        repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 1)), null);
        assertThat(repository.append(add, UUID.randomUUID(), List.of(), null))
                .isEqualTo(new Appended.Written<>(List.of()));
        assertThat(repository.fetch(add)).hasSize(1);
    }

    @Test
    void streams_are_independent() {
        repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 1)), null);
        repository.append(new Add("c-2", 1), UUID.randomUUID(), List.of(new Added("c-2", 1)), null);
        assertThat(repository.stream("c-1")).extracting(StoredEvent::version).containsExactly(1L);
        assertThat(repository.stream("c-2")).extracting(StoredEvent::version).containsExactly(1L);
    }
}
