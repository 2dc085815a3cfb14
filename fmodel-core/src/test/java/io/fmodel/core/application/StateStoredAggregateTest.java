package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.application.Counter.Add;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class StateStoredAggregateTest {

    private final InMemoryStateRepository<Add, Integer> repository = InMemoryStateRepository.of(Add::counterId);
    private final StateStoredAggregate<Add, Integer, Counter.Event> counters =
            StateStoredAggregate.of(Counter.DECIDER, repository);

    @Test
    void handling_a_command_saves_and_returns_the_new_state() {
        assertThat(counters.handle(new Add("c-1", 5))).isEqualTo(5);
        assertThat(counters.handle(new Add("c-1", 7))).isEqualTo(12);
        assertThat(repository.fetch(new Add("c-1", 0))).contains(new VersionedState<>(12, 2L));
    }

    @Test
    void a_rejected_command_leaves_the_state_as_it_was() {
        counters.handle(new Add("c-1", 60));
        assertThat(counters.handle(new Add("c-1", 60))).isEqualTo(60);
    }

    @Test
    void an_exception_from_decide_reaches_the_caller_and_nothing_is_saved() {
        assertThatThrownBy(() -> counters.handle(new Add("c-1", -1)))
                .isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(repository.fetch(new Add("c-1", 0))).isEmpty();
    }

    @Test
    void saving_with_a_stale_version_conflicts() {
        repository.save(new Add("c-1", 0), 1, null);
        assertThatThrownBy(() -> repository.save(new Add("c-1", 0), 2, null))
                .isInstanceOf(ConcurrencyConflictException.class);
        assertThat(repository.fetch(new Add("c-1", 0))).contains(new VersionedState<>(1, 1L));
    }

    @Test
    void when_retries_run_out_the_typed_exception_carries_the_command() {
        AtomicInteger saves = new AtomicInteger();
        StateRepository<Add, Integer, Long> alwaysStale = new StateRepository<>() {
            @Override
            public Optional<VersionedState<Integer, Long>> fetch(Add command) {
                return Optional.empty();
            }

            @Override
            public VersionedState<Integer, Long> save(Add command, Integer state, @Nullable Long expectedVersion) {
                saves.incrementAndGet();
                throw new ConcurrencyConflictException(command.counterId(), expectedVersion, null);
            }
        };
        Add add = new Add("c-1", 1);
        var aggregate = StateStoredAggregate.of(Counter.DECIDER, alwaysStale)
                .withRetry(RetryPolicy.of(4, Duration.ZERO, Duration.ZERO));
        assertThatThrownBy(() -> aggregate.handle(add)).isInstanceOfSatisfying(RetriesExhaustedException.class, e -> {
            assertThat(e.command()).isEqualTo(add);
            assertThat(e.attempts()).isEqualTo(4);
        });
        assertThat(saves).hasValue(4);
    }

    @Test
    void concurrent_handle_calls_on_one_entity_lose_no_update() throws Exception {
        var unlimited = Counter.decider(Integer.MAX_VALUE);
        var slow = io.fmodel.core.Decider.<Add, Integer, Counter.Event>of(
                0,
                (add, count) -> {
                    Thread.yield(); // a decision takes time: give the other writers a chance to race
                    return unlimited.decide(add, count);
                },
                unlimited::evolve);
        var aggregate = StateStoredAggregate.of(slow, repository)
                .withRetry(RetryPolicy.of(10_000, Duration.ZERO, Duration.ofMillis(2)));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> accepted = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                accepted.add(pool.submit(() -> {
                    start.await();
                    int ok = 0;
                    for (int i = 0; i < 50; i++) {
                        try {
                            aggregate.handle(new Add("shared", 1));
                            ok++;
                        } catch (RetriesExhaustedException gaveUp) {
                            // not accepted
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
            assertThat(total).isPositive();
            assertThat(repository.fetch(new Add("shared", 0))).contains(new VersionedState<>(total, (long) total));
        }
    }
}
