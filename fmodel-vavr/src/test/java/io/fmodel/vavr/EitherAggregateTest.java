package io.fmodel.vavr;

import static io.fmodel.vavr.Counter.COUNTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.Decider;
import io.fmodel.core.application.Appended;
import io.fmodel.core.application.ConcurrencyConflictException;
import io.fmodel.core.application.EventRepository;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.InMemoryEventRepository;
import io.fmodel.core.application.InMemorySnapshotRepository;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.core.application.SnapshotPolicy;
import io.fmodel.core.application.StoreUnavailableException;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.vavr.Counter.Add;
import io.fmodel.vavr.Counter.Added;
import io.fmodel.vavr.Counter.CounterCommand;
import io.fmodel.vavr.Counter.CounterEvent;
import io.vavr.control.Either;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class EitherAggregateTest {

    private static final RetryPolicy ONCE = RetryPolicy.of(1, Duration.ZERO, Duration.ZERO);

    private final InMemoryEventRepository<CounterCommand, CounterEvent> repository =
            InMemoryEventRepository.of(CounterCommand::counterId);

    @Test
    void an_accepted_command_is_a_right_of_its_events_and_they_are_appended() {
        var counters = EitherAggregate.of(COUNTER, repository);

        assertThat(counters.handle(new Add("c-1", 5))).isEqualTo(Either.right(List.of(new Added("c-1", 5))));
        assertThat(events("c-1")).containsExactly(new Added("c-1", 5));
    }

    @Test
    void a_rejected_command_is_a_left_with_its_rejection_and_nothing_is_appended() {
        var counters = EitherAggregate.of(COUNTER, repository);
        counters.handle(new Add("c-1", 60));
        UUID commandId = UUID.randomUUID();

        var outcome = counters.handle(new Add("c-1", 50), commandId);

        assertThat(outcome.getLeft()).isInstanceOfSatisfying(CommandFailure.Rejected.class, rejected -> {
            assertThat(rejected.rejection()).isEqualTo("over 100");
            assertThat(rejected.command()).isEqualTo(new Add("c-1", 50));
            assertThat(rejected.commandId()).isEqualTo(commandId);
            assertThat(rejected.cause().rejection()).isEqualTo("over 100");
        });
        assertThat(events("c-1")).containsExactly(new Added("c-1", 60));
    }

    @Test
    void a_command_rejected_after_a_conflict_retry_is_rejected_and_only_the_winner_is_stored() {
        AtomicInteger decisions = new AtomicInteger();
        EitherDecider<CounterCommand, Integer, CounterEvent, String> counting = EitherDecider.of(
                COUNTER.initialState(),
                (command, total) -> {
                    decisions.incrementAndGet();
                    return COUNTER.decide(command, total);
                },
                COUNTER::evolve);
        // a competing writer commits 90 between this command's read and its append: the append conflicts
        EventRepository<CounterCommand, CounterEvent, Long> racing = new Delegating() {
            private boolean raced;

            @Override
            public Appended<CounterEvent, Long> append(
                    CounterCommand command, UUID commandId, List<CounterEvent> events, @Nullable Long expected) {
                if (!raced) {
                    raced = true;
                    repository.append(command, UUID.randomUUID(), List.of(new Added("c-1", 90)), expected);
                }
                return super.append(command, commandId, events, expected);
            }
        };

        var outcome = EitherAggregate.of(counting, racing).handle(new Add("c-1", 20));

        assertThat(outcome.getLeft())
                .isInstanceOfSatisfying(CommandFailure.Rejected.class, rejected -> assertThat(rejected.rejection())
                        .isEqualTo("over 100"));
        assertThat(decisions).as("decided again after the conflict").hasValue(2);
        assertThat(events("c-1")).containsExactly(new Added("c-1", 90));
    }

    @Test
    void a_stream_that_always_conflicts_is_a_left_of_retries_exhausted() {
        EventRepository<CounterCommand, CounterEvent, Long> conflicting = new Delegating() {
            @Override
            public Appended<CounterEvent, Long> append(
                    CounterCommand command, UUID commandId, List<CounterEvent> events, @Nullable Long expected) {
                throw new ConcurrencyConflictException("counter/" + command.counterId(), expected, null);
            }
        };
        UUID commandId = UUID.randomUUID();

        var outcome = EitherAggregate.of(COUNTER, conflicting)
                .withRetry(RetryPolicy.of(3, Duration.ZERO, Duration.ZERO))
                .handle(new Add("c-1", 5), commandId);

        assertThat(outcome.getLeft()).isInstanceOfSatisfying(CommandFailure.RetriesExhausted.class, exhausted -> {
            assertThat(exhausted.attempts()).isEqualTo(3);
            assertThat(exhausted.command()).isEqualTo(new Add("c-1", 5));
            assertThat(exhausted.commandId()).isEqualTo(commandId);
            assertThat(exhausted.cause()).hasCauseInstanceOf(ConcurrencyConflictException.class);
        });
        assertThat(events("c-1")).isEmpty();
    }

    @Test
    void a_store_that_cannot_be_read_is_a_left_of_store_unavailable() {
        StoreUnavailableException down = new StoreUnavailableException("counter/c-1", false, "refused", null);
        EventRepository<CounterCommand, CounterEvent, Long> unreachable = new Delegating() {
            @Override
            public List<StoredEvent<CounterEvent, Long>> fetch(CounterCommand command) {
                throw down;
            }
        };
        UUID commandId = UUID.randomUUID();

        var outcome = EitherAggregate.of(COUNTER, unreachable)
                .withRecovery(RetryPolicy.of(2, Duration.ZERO, Duration.ZERO))
                .handle(new Add("c-1", 5), commandId);

        assertThat(outcome.getLeft()).isInstanceOfSatisfying(CommandFailure.StoreUnavailable.class, unavailable -> {
            assertThat(unavailable.cause()).isSameAs(down);
            assertThat(unavailable.command()).isEqualTo(new Add("c-1", 5));
            assertThat(unavailable.commandId()).isEqualTo(commandId);
        });
    }

    @Test
    void
            a_commit_that_may_have_happened_is_a_left_of_outcome_unknown_and_sending_it_again_with_its_id_applies_it_once() {
        AtomicInteger brokenCommits = new AtomicInteger(1);
        // the first append commits, then its connection breaks before the answer arrives
        EventRepository<CounterCommand, CounterEvent, Long> breaking = new Delegating() {
            @Override
            public Appended<CounterEvent, Long> append(
                    CounterCommand command, UUID commandId, List<CounterEvent> events, @Nullable Long expected) {
                Appended<CounterEvent, Long> appended = super.append(command, commandId, events, expected);
                if (brokenCommits.getAndDecrement() > 0) {
                    throw new StoreUnavailableException("counter/c-1", true, "connection lost during commit", null);
                }
                return appended;
            }
        };
        var counters = EitherAggregate.of(COUNTER, breaking).withRecovery(ONCE);
        UUID commandId = UUID.randomUUID();

        var first = counters.handle(new Add("c-1", 5), commandId);

        assertThat(first.getLeft()).isInstanceOfSatisfying(CommandFailure.OutcomeUnknown.class, unknown -> {
            assertThat(unknown.commandId()).isEqualTo(commandId);
            assertThat(unknown.command()).isEqualTo(new Add("c-1", 5));
            assertThat(unknown.cause().getCause()).isInstanceOf(StoreUnavailableException.class);
        });
        assertThat(counters.handle(new Add("c-1", 5), commandId)).isEqualTo(Either.right(List.of(new Added("c-1", 5))));
        assertThat(events("c-1")).containsExactly(new Added("c-1", 5));
    }

    @Test
    void a_command_handled_again_with_its_id_returns_its_first_events_and_appends_nothing() {
        var counters = EitherAggregate.of(COUNTER, repository);
        UUID commandId = UUID.randomUUID();

        var first = counters.handle(new Add("c-1", 60), commandId);
        counters.handle(new Add("c-1", 30));
        var again = counters.handle(new Add("c-1", 60), commandId); // would be over 100 if decided again

        assertThat(again).isEqualTo(first).isEqualTo(Either.right(List.of(new Added("c-1", 60))));
        assertThat(events("c-1")).containsExactly(new Added("c-1", 60), new Added("c-1", 30));
    }

    @Test
    void a_rejected_command_handled_again_with_its_id_is_decided_again() {
        var counters = EitherAggregate.of(COUNTER, repository);
        UUID commandId = UUID.randomUUID();

        assertThat(counters.handle(new Add("c-1", 500), commandId).isLeft()).isTrue();
        assertThat(counters.handle(new Add("c-1", 500), commandId).getLeft())
                .isInstanceOf(CommandFailure.Rejected.class);
        assertThat(events("c-1")).isEmpty();
    }

    @Test
    void an_exception_from_decide_is_a_bug_and_propagates() {
        var counters = EitherAggregate.of(COUNTER, repository);

        assertThatThrownBy(() -> counters.handle(new Add("c-1", -1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative add");
        assertThat(events("c-1")).isEmpty();
    }

    @Test
    void another_exception_from_the_repository_propagates() {
        EventRepository<CounterCommand, CounterEvent, Long> broken = new Delegating() {
            @Override
            public List<StoredEvent<CounterEvent, Long>> fetch(CounterCommand command) {
                throw new IllegalStateException("undecodable event");
            }
        };

        assertThatThrownBy(() -> EitherAggregate.of(COUNTER, broken).handle(new Add("c-1", 5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("undecodable event");
    }

    @Test
    void with_snapshots_it_rejects_and_accepts_as_without_them() {
        var snapshots = InMemorySnapshotRepository.<CounterCommand, Integer>of(CounterCommand::counterId);
        var counters = EitherAggregate.of(COUNTER, repository, snapshots, SnapshotPolicy.every(2));

        counters.handle(new Add("c-1", 40));
        counters.handle(new Add("c-1", 40));

        assertThat(snapshots.load(new Add("c-1", 0)))
                .hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(80));
        assertThat(counters.handle(new Add("c-1", 40)).getLeft()).isInstanceOf(CommandFailure.Rejected.class);
        assertThat(counters.handle(new Add("c-1", 20))).isEqualTo(Either.right(List.of(new Added("c-1", 20))));
        assertThat(events("c-1")).hasSize(3);
    }

    @Test
    void a_core_aggregate_of_a_plain_decider_that_throws_rejections_of_the_given_type_is_wrapped() {
        Decider<CounterCommand, Integer, CounterEvent> plain = Decider.of(
                0,
                (command, total) -> {
                    if (total + ((Add) command).amount() > 100) {
                        throw new RejectedException(new OverCap(total));
                    }
                    return List.of(new Added(command.counterId(), ((Add) command).amount()));
                },
                COUNTER::evolve);
        var counters = EitherAggregate.of(EventSourcingAggregate.of(plain, repository), OverCap.class);

        assertThat(counters.handle(new Add("c-1", 70)).isRight()).isTrue();
        assertThat(counters.handle(new Add("c-1", 70)).getLeft())
                .isInstanceOfSatisfying(CommandFailure.Rejected.class, rejected -> assertThat(rejected.rejection())
                        .isEqualTo(new OverCap(70)));
    }

    @Test
    void a_rejection_of_another_type_is_not_this_aggregates_and_propagates() {
        Decider<CounterCommand, Integer, CounterEvent> plain = Decider.of(
                0,
                (command, total) -> {
                    throw new RejectedException("a string, not an OverCap");
                },
                COUNTER::evolve);
        var counters = EitherAggregate.of(EventSourcingAggregate.of(plain, repository), OverCap.class);

        assertThatThrownBy(() -> counters.handle(new Add("c-1", 1))).isInstanceOf(RejectedException.class);
    }

    @Test
    void the_left_of_another_either_decider_called_inside_decide_is_not_this_aggregates_and_propagates() {
        Decider<CounterCommand, Integer, CounterEvent> inner = COUNTER.asDecider();
        EitherDecider<CounterCommand, Integer, CounterEvent, Integer> outer =
                EitherDecider.of(0, (command, total) -> Either.right(inner.decide(command, 100)), COUNTER::evolve);

        assertThatThrownBy(() -> EitherAggregate.of(outer, repository).handle(new Add("c-1", 1)))
                .isInstanceOf(RejectedException.class)
                .hasMessage("command rejected: over 100");
    }

    record OverCap(int total) {}

    private List<CounterEvent> events(String streamId) {
        return repository.stream(streamId).stream().map(StoredEvent::event).toList();
    }

    /** The in-memory repository of the test, for stubs to override one method of. */
    private class Delegating implements EventRepository<CounterCommand, CounterEvent, Long> {

        @Override
        public List<StoredEvent<CounterEvent, Long>> fetch(CounterCommand command) {
            return repository.fetch(command);
        }

        @Override
        public Appended<CounterEvent, Long> append(
                CounterCommand command, UUID commandId, List<CounterEvent> events, @Nullable Long expected) {
            return repository.append(command, commandId, events, expected);
        }
    }
}
