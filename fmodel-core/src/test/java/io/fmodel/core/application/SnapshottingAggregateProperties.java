package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fmodel.core.application.Counter.Add;
import io.fmodel.core.application.Counter.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class SnapshottingAggregateProperties {

    /** A command, or (when {@code again} is not negative) the command handled {@code again}-th, with its id. */
    record Step(Add add, int again) {}

    static final Gen<Step> STEPS =
            EventSourcingAggregateProperties.ADDS.zip(integers().between(-6, 20), Step::new);

    @Test
    void an_aggregate_with_snapshots_returns_and_appends_what_one_without_them_does() {
        qt().withExamples(300)
                .forAll(lists().of(STEPS).ofSizeBetween(0, 60), integers().between(1, 7))
                .checkAssert((steps, every) -> {
                    InMemoryEventRepository<Add, Event> plainEvents = Counter.repository();
                    InMemoryEventRepository<Add, Event> snapshotEvents = Counter.repository();
                    InMemorySnapshotRepository<Add, Integer> snapshots = InMemorySnapshotRepository.of(Add::counterId);
                    AtomicInteger plainDecisions = new AtomicInteger();
                    AtomicInteger snapshotDecisions = new AtomicInteger();
                    var plain = EventSourcingAggregate.of(Counter.counting(plainDecisions), plainEvents);
                    var snapshotting = EventSourcingAggregate.of(
                            Counter.counting(snapshotDecisions),
                            snapshotEvents,
                            snapshots,
                            SnapshotPolicy.every(every));
                    List<Add> handled = new ArrayList<>();
                    List<UUID> ids = new ArrayList<>();
                    for (Step step : steps) {
                        Add add = step.add();
                        UUID id = UUID.randomUUID();
                        if (step.again() >= 0 && step.again() < handled.size()) {
                            // a client retrying an earlier command, maybe older than the snapshot
                            add = handled.get(step.again());
                            id = ids.get(step.again());
                        } else {
                            handled.add(add);
                            ids.add(id);
                        }
                        assertThat(snapshotting.handle(add, id)).isEqualTo(plain.handle(add, id));
                    }
                    // a retried command is recognised, never decided again, however old it is
                    assertThat(snapshotDecisions).hasValue(plainDecisions.get());
                    for (String stream : List.of("c-0", "c-1", "c-2")) {
                        assertThat(events(snapshotEvents.stream(stream))).isEqualTo(events(plainEvents.stream(stream)));
                        snapshots.load(new Add(stream, 0)).ifPresent(snapshot -> assertThat(snapshot.state())
                                .isEqualTo(EventSourcingAggregateProperties.fold(
                                        Counter.DECIDER,
                                        snapshotEvents.stream(stream).stream()
                                                .filter(e -> e.version() <= snapshot.version())
                                                .toList())));
                    }
                });
    }

    @Test
    void concurrent_handle_calls_with_snapshots_on_one_stream_lose_no_update() throws Exception {
        InMemoryEventRepository<Add, EventSourcingAggregateProperties.CountedTo> repository =
                InMemoryEventRepository.of(Add::counterId);
        InMemorySnapshotRepository<Add, Integer> snapshots = InMemorySnapshotRepository.of(Add::counterId);
        var counters = EventSourcingAggregate.of(
                        EventSourcingAggregateProperties.ABSOLUTE, repository, snapshots, SnapshotPolicy.every(3))
                .withRetry(RetryPolicy.of(10_000, Duration.ZERO, Duration.ofMillis(2)));
        EventSourcingAggregateProperties.assertNoLostUpdate(counters, repository, 8, 50);
        var snapshot = snapshots.load(new Add("shared", 0)).orElseThrow();
        assertThat(snapshot.state()).isEqualTo(snapshot.version().intValue());
    }

    private static List<Event> events(List<StoredEvent<Event, Long>> stream) {
        return stream.stream().map(StoredEvent::event).toList();
    }
}
