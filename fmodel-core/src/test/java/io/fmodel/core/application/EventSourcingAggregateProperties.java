package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fmodel.core.Decider;
import io.fmodel.core.application.Counter.Add;
import io.fmodel.core.application.Counter.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class EventSourcingAggregateProperties {

    static final Gen<Add> ADDS = integers()
            .between(0, 2)
            .zip(integers().between(0, 40), (counter, amount) -> new Add("c-" + counter, amount));

    record CountedTo(int value) {}

    /** Each event records the value it counted to, so a decision on a stale state shows as a lost update. */
    static final Decider<Add, Integer, CountedTo> ABSOLUTE = Decider.of(
            0,
            (add, count) -> {
                Thread.yield(); // a decision takes time: give the other writers a chance to race
                return List.of(new CountedTo(count + add.amount()));
            },
            (count, e) -> e.value());

    /**
     * Runs {@code threads} x {@code perThread} {@code Add("shared", 1)} commands at once through {@code counters},
     * then checks that the stream holds exactly the accepted ones, each counted on the state before it.
     */
    static void assertNoLostUpdate(
            EventSourcingAggregate<Add, Integer, CountedTo> counters,
            InMemoryEventRepository<Add, CountedTo> repository,
            int threads,
            int perThread)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> accepted = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                accepted.add(pool.submit(() -> {
                    start.await();
                    int ok = 0;
                    for (int i = 0; i < perThread; i++) {
                        try {
                            counters.handle(new Add("shared", 1));
                            ok++;
                        } catch (RetriesExhaustedException gaveUp) {
                            // counted as not accepted: the law is about the accepted ones
                        }
                    }
                    return ok;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : accepted) {
                total += f.get();
            }
            List<StoredEvent<CountedTo, Long>> stream = repository.stream("shared");
            assertThat(total).isPositive();
            assertThat(fold(ABSOLUTE, stream)).isEqualTo(total);
            assertThat(stream)
                    .extracting(StoredEvent::version)
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, total).boxed().toList());
        }
    }

    @Test
    void concurrent_handle_calls_on_one_stream_lose_no_update() throws Exception {
        InMemoryEventRepository<Add, CountedTo> repository = InMemoryEventRepository.of(Add::counterId);
        var counters = EventSourcingAggregate.of(ABSOLUTE, repository)
                .withRetry(RetryPolicy.of(10_000, Duration.ZERO, Duration.ofMillis(2)));
        assertNoLostUpdate(counters, repository, 8, 50);
    }

    @Test
    void event_sourced_and_state_stored_aggregates_reach_the_same_states() {
        qt().withExamples(200).forAll(lists().of(ADDS).ofSizeBetween(0, 30)).checkAssert(commands -> {
            InMemoryEventRepository<Add, Event> events = Counter.repository();
            var eventSourced = EventSourcingAggregate.of(Counter.DECIDER, events);
            var stateStored =
                    StateStoredAggregate.of(Counter.DECIDER, InMemoryStateRepository.<Add, Integer>of(Add::counterId));
            for (Add command : commands) {
                eventSourced.handle(command);
                Integer state = stateStored.handle(command);
                assertThat(state).isEqualTo(fold(Counter.DECIDER, events.fetch(command)));
            }
        });
    }

    @Test
    void handling_every_command_twice_with_its_id_changes_nothing() {
        qt().withExamples(200).forAll(lists().of(ADDS).ofSizeBetween(0, 30)).checkAssert(commands -> {
            InMemoryEventRepository<Add, Event> once = Counter.repository();
            InMemoryEventRepository<Add, Event> twice = Counter.repository();
            var a = EventSourcingAggregate.of(Counter.DECIDER, once);
            var b = EventSourcingAggregate.of(Counter.DECIDER, twice);
            for (Add command : commands) {
                java.util.UUID id = java.util.UUID.randomUUID();
                List<Event> first = b.handle(command, id);
                assertThat(b.handle(command, id)).isEqualTo(first);
                assertThat(a.handle(command)).isEqualTo(first);
            }
            for (String stream : List.of("c-0", "c-1", "c-2")) {
                assertThat(twice.stream(stream))
                        .extracting(StoredEvent::event)
                        .isEqualTo(once.stream(stream).stream()
                                .map(StoredEvent::event)
                                .toList());
            }
        });
    }

    static <C, S, E> S fold(Decider<C, S, E> decider, List<StoredEvent<E, Long>> stream) {
        S state = decider.initialState();
        for (StoredEvent<E, Long> stored : stream) {
            state = decider.evolve(state, stored.event());
        }
        return state;
    }
}
