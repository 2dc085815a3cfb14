package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.application.Counter.Add;
import io.fmodel.core.application.Counter.Added;
import io.fmodel.core.application.Counter.Event;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Store outages: retried with the same command id, so a command whose commit did happen is applied once. */
class RecoveryTest {

    private static final RetryPolicy QUICK = RetryPolicy.of(5, Duration.ZERO, Duration.ZERO);

    /** A repository whose next {@code outages} calls fail; an append may fail after it committed. */
    private static final class Flaky implements EventRepository<Add, Event, Long> {
        final InMemoryEventRepository<Add, Event> delegate = Counter.repository();
        final AtomicInteger outages;
        final boolean commitBeforeFailing;
        final AtomicInteger appends = new AtomicInteger();

        Flaky(int outages, boolean commitBeforeFailing) {
            this.outages = new AtomicInteger(outages);
            this.commitBeforeFailing = commitBeforeFailing;
        }

        @Override
        public List<StoredEvent<Event, Long>> fetch(Add command) {
            return delegate.fetch(command);
        }

        @Override
        public Appended<Event, Long> append(
                Add command, UUID commandId, List<Event> events, @Nullable Long expectedVersion) {
            appends.incrementAndGet();
            if (outages.getAndDecrement() > 0) {
                if (commitBeforeFailing) {
                    delegate.append(command, commandId, events, expectedVersion);
                }
                throw new StoreUnavailableException(command.counterId(), true, "connection lost during commit", null);
            }
            return delegate.append(command, commandId, events, expectedVersion);
        }
    }

    @Test
    void an_append_that_committed_before_the_connection_broke_is_found_again_and_applied_once() {
        Flaky flaky = new Flaky(1, true);
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, flaky).withRecovery(QUICK);
        assertThat(aggregate.handle(new Add("c-1", 5))).containsExactly(new Added("c-1", 5));
        assertThat(flaky.delegate.stream("c-1")).extracting(StoredEvent::event).containsExactly(new Added("c-1", 5));
        assertThat(flaky.appends).hasValue(1);
    }

    @Test
    void an_append_that_did_not_commit_is_decided_and_appended_again() {
        Flaky flaky = new Flaky(2, false);
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, flaky).withRecovery(QUICK);
        assertThat(aggregate.handle(new Add("c-1", 5))).containsExactly(new Added("c-1", 5));
        assertThat(flaky.delegate.stream("c-1")).hasSize(1);
        assertThat(flaky.appends).hasValue(3);
    }

    @Test
    void when_the_store_stays_away_the_caller_learns_the_outcome_is_unknown_and_which_id_to_retry_with() {
        Flaky flaky = new Flaky(Integer.MAX_VALUE, false);
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, flaky).withRecovery(QUICK);
        Add add = new Add("c-1", 5);
        UUID id = UUID.randomUUID();
        assertThatThrownBy(() -> aggregate.handle(add, id))
                .isInstanceOfSatisfying(CommandOutcomeUnknownException.class, e -> {
                    assertThat(e.command()).isEqualTo(add);
                    assertThat(e.commandId()).isEqualTo(id);
                    assertThat(e.attempts()).isEqualTo(5);
                    assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
                    assertThat(e.getMessage()).contains(id.toString(), "same id");
                });
        assertThat(flaky.appends).hasValue(5);
    }

    @Test
    void a_read_that_fails_throughout_reaches_the_caller_as_the_store_being_unavailable() {
        EventRepository<Add, Event, Long> down = new EventRepository<>() {
            @Override
            public List<StoredEvent<Event, Long>> fetch(Add command) {
                throw new StoreUnavailableException(command.counterId(), false, "connection refused", null);
            }

            @Override
            public Appended<Event, Long> append(
                    Add command, UUID commandId, List<Event> events, @Nullable Long expectedVersion) {
                throw new AssertionError("never reached");
            }
        };
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, down).withRecovery(QUICK);
        assertThatThrownBy(() -> aggregate.handle(new Add("c-1", 5)))
                .isExactlyInstanceOf(StoreUnavailableException.class)
                .hasMessage("connection refused");
    }

    @Test
    void recovery_with_one_attempt_is_off() {
        Flaky flaky = new Flaky(1, false);
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, flaky)
                .withRecovery(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO));
        assertThatThrownBy(() -> aggregate.handle(new Add("c-1", 5)))
                .isInstanceOf(CommandOutcomeUnknownException.class);
        assertThat(flaky.appends).hasValue(1);
    }

    @Test
    void with_snapshots_an_outage_is_recovered_the_same_way() {
        Flaky flaky = new Flaky(1, true);
        var snapshots = InMemorySnapshotRepository.<Add, Integer>of(Add::counterId);
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, flaky, snapshots, SnapshotPolicy.every(1))
                .withRecovery(QUICK);
        assertThat(aggregate.handle(new Add("c-1", 5))).containsExactly(new Added("c-1", 5));
        assertThat(flaky.delegate.stream("c-1")).hasSize(1);
    }

    @Test
    void an_orchestrating_aggregate_recovers_each_step() {
        Flaky flaky = new Flaky(1, true);
        var aggregate = OrchestratingAggregate.of(Counter.DECIDER, Counter.MIRROR, flaky)
                .withRecovery(QUICK);
        assertThat(aggregate.handle(new Add("source", 3)))
                .containsExactly(new Added("source", 3), new Added("mirror", 3));
        assertThat(flaky.delegate.stream("mirror")).hasSize(1);
    }
}
