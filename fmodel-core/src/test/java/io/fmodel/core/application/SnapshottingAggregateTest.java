package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.application.Counter.Add;
import io.fmodel.core.application.Counter.AddRejected;
import io.fmodel.core.application.Counter.Added;
import io.fmodel.core.application.Counter.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class SnapshottingAggregateTest {

    private final InMemoryEventRepository<Add, Event> repository = Counter.repository();
    private final InMemorySnapshotRepository<Add, Integer> snapshots = InMemorySnapshotRepository.of(Add::counterId);

    private EventSourcingAggregate<Add, Integer, Event> counters(int every) {
        return EventSourcingAggregate.of(Counter.DECIDER, repository, snapshots, SnapshotPolicy.every(every));
    }

    @Test
    void a_snapshot_of_the_last_appended_event_is_saved_once_every_n_events() {
        var counters = counters(3);
        counters.handle(new Add("c-1", 1));
        counters.handle(new Add("c-1", 1));
        assertThat(snapshots.load(new Add("c-1", 0))).isEmpty();
        counters.handle(new Add("c-1", 1));
        assertThat(snapshots.load(new Add("c-1", 0))).contains(new Snapshot<>(3, 3L));
        counters.handle(new Add("c-1", 1));
        counters.handle(new Add("c-1", 1));
        assertThat(snapshots.load(new Add("c-1", 0))).contains(new Snapshot<>(3, 3L));
        counters.handle(new Add("c-1", 1));
        assertThat(snapshots.load(new Add("c-1", 0))).contains(new Snapshot<>(6, 6L));
    }

    @Test
    void a_command_is_decided_against_the_snapshot_state_and_the_events_after_it() {
        var counters = counters(100);
        counters.handle(new Add("c-1", 1));
        counters.handle(new Add("c-1", 1));
        // a snapshot the events alone would not give: it proves the aggregate starts from it
        snapshots.save(new Add("c-1", 0), new Snapshot<>(Counter.LIMIT - 1, 1L));
        assertThat(counters.handle(new Add("c-1", 1))).containsExactly(new AddRejected("c-1", 1));
    }

    @Test
    void the_append_expects_the_snapshot_version_when_no_event_is_newer() {
        List<@Nullable Long> expected = new ArrayList<>();
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
        var counters = EventSourcingAggregate.of(Counter.DECIDER, spy, snapshots, SnapshotPolicy.every(1));
        counters.handle(new Add("c-1", 1));
        counters.handle(new Add("c-1", 1));
        counters.handle(new Add("c-1", 1));
        assertThat(expected).containsExactly(null, 1L, 2L);
        assertThat(snapshots.load(new Add("c-1", 0))).contains(new Snapshot<>(3, 3L));
    }

    @Test
    void a_retried_command_id_older_than_the_snapshot_returns_its_first_events_without_deciding_again() {
        AtomicInteger decisions = new AtomicInteger();
        var counters =
                EventSourcingAggregate.of(Counter.counting(decisions), repository, snapshots, SnapshotPolicy.every(1));
        UUID first = UUID.randomUUID();
        List<Event> original = counters.handle(new Add("c-1", 7), first);
        for (int i = 0; i < 5; i++) {
            counters.handle(new Add("c-1", 1));
        }
        assertThat(snapshots.load(new Add("c-1", 0))).contains(new Snapshot<>(12, 6L));

        assertThat(counters.handle(new Add("c-1", 7), first)).isEqualTo(original);
        assertThat(decisions).hasValue(6);
        assertThat(repository.stream("c-1")).hasSize(6);
    }

    @Test
    void a_snapshot_of_a_version_the_stream_does_not_have_is_ignored() {
        var counters = counters(100);
        counters.handle(new Add("c-1", 1));
        snapshots.save(new Add("c-1", 0), new Snapshot<>(Counter.LIMIT, 50L));
        assertThat(counters.handle(new Add("c-1", 1))).containsExactly(new Added("c-1", 1));
        assertThat(EventSourcingAggregateProperties.fold(Counter.DECIDER, repository.stream("c-1")))
                .isEqualTo(2);
    }

    @Test
    void a_deleted_snapshot_makes_the_aggregate_fold_the_whole_history() {
        var counters = counters(1);
        counters.handle(new Add("c-1", 60));
        snapshots.delete("c-1");
        assertThat(counters.handle(new Add("c-1", 60))).containsExactly(new AddRejected("c-1", 60));
        assertThat(snapshots.load(new Add("c-1", 0))).contains(new Snapshot<>(60, 2L));
    }

    @Test
    void a_failing_save_does_not_fail_the_command_and_reaches_the_listener() {
        List<RuntimeException> failures = new ArrayList<>();
        RuntimeException broken = new IllegalStateException("snapshot store is down");
        SnapshotRepository<Add, Integer, Long> failing = new SnapshotRepository<>() {
            @Override
            public Optional<Snapshot<Integer, Long>> load(Add command) {
                return Optional.empty();
            }

            @Override
            public void save(Add command, Snapshot<Integer, Long> snapshot) {
                throw broken;
            }
        };
        var counters = EventSourcingAggregate.of(
                Counter.DECIDER, repository, failing, SnapshotPolicy.every(1).onSaveFailure(failures::add));
        assertThat(counters.handle(new Add("c-1", 5))).containsExactly(new Added("c-1", 5));
        assertThat(repository.stream("c-1")).hasSize(1);
        assertThat(failures).containsExactly(broken);
    }

    @Test
    void a_failing_save_is_logged_by_default_and_the_command_succeeds() {
        SnapshotRepository<Add, Integer, Long> failing = new SnapshotRepository<>() {
            @Override
            public Optional<Snapshot<Integer, Long>> load(Add command) {
                return Optional.empty();
            }

            @Override
            public void save(Add command, Snapshot<Integer, Long> snapshot) {
                throw new IllegalStateException("snapshot store is down (expected in this test)");
            }
        };
        var counters = EventSourcingAggregate.of(Counter.DECIDER, repository, failing, SnapshotPolicy.every(1));
        // System.Logger goes to java.util.logging when nothing else takes platform logging over, as in this test
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(SnapshotPolicy.class.getName());
        List<java.util.logging.LogRecord> logged = new ArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(handler);
        try {
            assertThat(counters.handle(new Add("c-1", 5))).containsExactly(new Added("c-1", 5));
        } finally {
            jul.removeHandler(handler);
        }
        assertThat(logged).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
            assertThat(record.getThrown()).hasMessageContaining("snapshot store is down");
        });
    }

    @Test
    void a_conflict_is_retried_from_a_fresh_snapshot_and_loses_no_event() {
        Counter.Racing racing = new Counter.Racing(2);
        InMemorySnapshotRepository<Add, Integer> racingSnapshots = InMemorySnapshotRepository.of(Add::counterId);
        var counters = EventSourcingAggregate.of(Counter.DECIDER, racing, racingSnapshots, SnapshotPolicy.every(1));
        assertThat(counters.handle(new Add("c-1", 99))).containsExactly(new AddRejected("c-1", 99));
        assertThat(racing.fetches).hasValue(3);
        assertThat(racing.delegate.stream("c-1"))
                .extracting(StoredEvent::version)
                .containsExactly(1L, 2L, 3L);
        assertThat(racingSnapshots.load(new Add("c-1", 0))).contains(new Snapshot<>(2, 3L));
    }

    @Test
    void a_decision_without_events_saves_the_fetched_state_when_due() {
        counters(100).handle(new Add("c-1", 1));
        counters(100).handle(new Add("c-1", 1));
        var idle = EventSourcingAggregate.of(
                io.fmodel.core.Decider.<Add, Integer, Event>of(0, (c, s) -> List.of(), Counter.DECIDER::evolve),
                repository,
                snapshots,
                SnapshotPolicy.every(2));
        assertThat(idle.handle(new Add("c-1", 1))).isEmpty();
        assertThat(snapshots.load(new Add("c-1", 0))).contains(new Snapshot<>(2, 2L));
    }

    @Test
    void a_replayed_command_id_saves_no_snapshot_from_the_replayed_events() {
        Add add = new Add("c-1", 5);
        UUID commandId = UUID.randomUUID();
        repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 1)), null);
        // Between this attempt's fetch (version 1) and its append, another command appends Added 3 and the command's
        // own first attempt Added 10 after it: the append replays Added 10 (version 3). Folded onto the state this
        // attempt decided on (1), it would make the snapshot (11, 3) of a stream whose state at 3 is 14.
        List<Appended<Event, Long>> results = new ArrayList<>();
        EventRepository<Add, Event, Long> racedBySelf = new EventRepository<>() {
            @Override
            public List<StoredEvent<Event, Long>> fetch(Add command) {
                return repository.fetch(command);
            }

            @Override
            public Appended<Event, Long> append(
                    Add command, UUID id, List<Event> events, @Nullable Long expectedVersion) {
                if (results.isEmpty()) {
                    repository.append(command, UUID.randomUUID(), List.of(new Added("c-1", 3)), expectedVersion);
                    repository.append(command, id, List.of(new Added("c-1", 10)), 2L);
                }
                Appended<Event, Long> appended = repository.append(command, id, events, expectedVersion);
                results.add(appended);
                return appended;
            }
        };
        var counters = EventSourcingAggregate.of(Counter.DECIDER, racedBySelf, snapshots, SnapshotPolicy.every(1));

        assertThat(counters.handle(add, commandId)).containsExactly(new Added("c-1", 10));
        assertThat(results).singleElement().isInstanceOf(Appended.Replayed.class);
        assertThat(snapshots.load(add)).isEmpty();
        assertThat(counters.handle(new Add("c-1", 0))).containsExactly(new Added("c-1", 0));
        assertThat(snapshots.load(add)).contains(new Snapshot<>(14, 4L));
    }

    @Test
    void the_snapshot_repository_that_keeps_nothing_never_stores_a_snapshot() {
        SnapshotRepository<Add, Integer, Long> none = SnapshotRepository.none();
        none.save(new Add("c-1", 0), new Snapshot<>(5, 5L));
        assertThat(none.load(new Add("c-1", 0))).isEmpty();

        InMemoryEventRepository<Add, Event> plainEvents = Counter.repository();
        var plain = EventSourcingAggregate.of(Counter.DECIDER, plainEvents);
        var overNone = EventSourcingAggregate.of(Counter.DECIDER, repository, none, SnapshotPolicy.every(1));
        for (int amount : List.of(30, 30, 50, 1)) {
            Add command = new Add("c-1", amount);
            UUID id = UUID.randomUUID();
            assertThat(overNone.handle(command, id)).isEqualTo(plain.handle(command, id));
            assertThat(none.load(command)).isEmpty();
        }
        assertThat(repository.stream("c-1")).isEqualTo(plainEvents.stream("c-1"));
    }

    @Test
    void a_snapshot_never_moves_backwards() {
        Add command = new Add("c-1", 0);
        snapshots.save(command, new Snapshot<>(5, 5L));
        snapshots.save(command, new Snapshot<>(3, 3L));
        assertThat(snapshots.load(command)).contains(new Snapshot<>(5, 5L));
        snapshots.save(command, new Snapshot<>(6, 6L));
        assertThat(snapshots.load(command)).contains(new Snapshot<>(6, 6L));
    }

    @Test
    void every_must_be_at_least_one() {
        assertThatThrownBy(() -> SnapshotPolicy.every(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("every must be at least 1")
                .hasMessageContaining("was 0");
    }

    @Test
    void fetch_after_returns_the_later_events_preceded_by_the_command_s_earlier_ones() {
        UUID command = UUID.randomUUID();
        Add add = new Add("c-1", 1);
        repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 1)), null);
        repository.append(add, command, List.of(new Added("c-1", 2), new Added("c-1", 3)), 1L);
        repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 4)), 3L);
        repository.append(add, UUID.randomUUID(), List.of(new Added("c-1", 5)), 4L);

        assertThat(repository.fetchAfter(add, 4L, command).orElseThrow())
                .extracting(StoredEvent::version)
                .containsExactly(2L, 3L, 5L);
        assertThat(repository.fetchAfter(add, 2L, command).orElseThrow())
                .extracting(StoredEvent::version)
                .containsExactly(2L, 3L, 4L, 5L);
        assertThat(repository.fetchAfter(add, 5L, UUID.randomUUID()).orElseThrow())
                .isEmpty();
        assertThat(repository.fetchAfter(add, 6L, command)).isEmpty();
        assertThat(repository.fetchAfter(new Add("c-2", 1), 1L, command)).isEmpty();
    }
}
