package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.application.Counter.Add;
import io.fmodel.core.application.Counter.AddRejected;
import io.fmodel.core.application.Counter.Added;
import io.fmodel.core.application.Counter.Event;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class EventSourcingAggregateTest {

    private final InMemoryEventRepository<Add, Event> repository = Counter.repository();
    private final EventSourcingAggregate<Add, Integer, Event> counters =
            EventSourcingAggregate.of(Counter.DECIDER, repository);

    @Test
    void handling_a_command_appends_and_returns_its_events() {
        assertThat(counters.handle(new Add("c-1", 5))).containsExactly(new Added("c-1", 5));
        assertThat(repository.stream("c-1")).extracting(StoredEvent::event).containsExactly(new Added("c-1", 5));
    }

    @Test
    void a_command_is_decided_against_the_folded_history_of_its_stream() {
        counters.handle(new Add("c-1", 60));
        counters.handle(new Add("c-2", 60));
        assertThat(counters.handle(new Add("c-1", 50))).containsExactly(new AddRejected("c-1", 50));
    }

    @Test
    void a_rejection_event_is_appended_like_any_other_event() {
        counters.handle(new Add("c-1", 500));
        assertThat(repository.stream("c-1"))
                .extracting(StoredEvent::event)
                .containsExactly(new AddRejected("c-1", 500));
    }

    @Test
    void an_exception_from_decide_reaches_the_caller_unchanged_and_nothing_is_written() {
        assertThatThrownBy(() -> counters.handle(new Add("c-1", -1)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("negative amount -1");
        assertThat(repository.stream("c-1")).isEmpty();
    }

    @Test
    void without_snapshots_only_the_fetched_history_is_folded_never_the_new_events() {
        AtomicInteger folds = new AtomicInteger();
        var aggregate = EventSourcingAggregate.of(
                io.fmodel.core.Decider.<Add, Integer, Event>of(0, Counter.DECIDER::decide, (count, event) -> {
                    folds.incrementAndGet();
                    return Counter.DECIDER.evolve(count, event);
                }),
                repository);
        for (int i = 0; i < 3; i++) {
            aggregate.handle(new Add("c-1", 1));
        }
        // 0 + 1 + 2: the appended events are folded only for a snapshot, and there is none to save
        assertThat(folds).hasValue(3);
    }

    @Test
    void handling_a_command_id_again_returns_the_first_events_without_deciding_again() {
        AtomicInteger decisions = new AtomicInteger();
        var aggregate = EventSourcingAggregate.of(Counter.counting(decisions), repository);
        UUID id = UUID.randomUUID();
        List<Event> first = aggregate.handle(new Add("c-1", 5), id);
        List<Event> again = aggregate.handle(new Add("c-1", 5), id);
        assertThat(again).isEqualTo(first);
        assertThat(decisions).hasValue(1);
        assertThat(repository.stream("c-1")).hasSize(1);
    }

    @Test
    void the_append_expects_the_version_of_the_last_fetched_event() {
        List<@Nullable Long> expected = new java.util.ArrayList<>();
        EventRepository<Add, Event, Long> spy = new EventRepository<>() {
            @Override
            public List<StoredEvent<Event, Long>> fetch(Add command) {
                return repository.fetch(command);
            }

            @Override
            public Appended<Event, Long> append(
                    Add command, UUID commandId, List<Event> events, @Nullable Long expectedVersion) {
                expected.add(expectedVersion);
                return repository.append(command, commandId, events, expectedVersion);
            }
        };
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, spy);
        aggregate.handle(new Add("c-1", 1));
        aggregate.handle(new Add("c-1", 1));
        aggregate.handle(new Add("c-1", 1));
        assertThat(expected).containsExactly(null, 1L, 2L);
    }

    @Test
    void a_conflict_is_retried_against_the_stream_as_it_is_now() {
        Counter.Racing racing = new Counter.Racing(2);
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, racing);
        assertThat(aggregate.handle(new Add("c-1", 99))).containsExactly(new AddRejected("c-1", 99));
        assertThat(racing.fetches).hasValue(3);
        assertThat(racing.delegate.stream("c-1"))
                .extracting(StoredEvent::version)
                .containsExactly(1L, 2L, 3L);
    }

    @Test
    void when_retries_run_out_the_typed_exception_carries_the_command_and_the_last_conflict() {
        Counter.Racing racing = new Counter.Racing(Integer.MAX_VALUE);
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, racing)
                .withRetry(RetryPolicy.of(3, Duration.ZERO, Duration.ofMillis(1)));
        Add add = new Add("c-1", 1);
        UUID id = UUID.randomUUID();
        assertThatThrownBy(() -> aggregate.handle(add, id))
                .isInstanceOfSatisfying(RetriesExhaustedException.class, e -> {
                    assertThat(e.command()).isEqualTo(add);
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.getCause()).isInstanceOf(ConcurrencyConflictException.class);
                });
        assertThat(racing.fetches).hasValue(3);
        assertThat(racing.delegate.stream("c-1")).hasSize(3).noneMatch(stored -> stored.commandId()
                .equals(id));
    }

    @Test
    void a_decision_without_events_appends_nothing() {
        var idle = EventSourcingAggregate.of(
                io.fmodel.core.Decider.<Add, Integer, Event>of(0, (c, s) -> List.of(), (s, e) -> s), repository);
        assertThat(idle.handle(new Add("c-1", 1))).isEmpty();
        assertThat(repository.stream("c-1")).isEmpty();
    }
}
