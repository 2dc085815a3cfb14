package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.application.Counter.Add;
import io.fmodel.core.application.Counter.Added;
import io.fmodel.core.application.Counter.Event;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The attempts of a command, as a {@link CommandListener} is told of them. */
class CommandListenerTest {

    private static final RetryPolicy QUICK = RetryPolicy.of(3, Duration.ZERO, Duration.ZERO);

    /** A repository whose next appends fail with what {@code failure} makes, {@code failures} times. */
    private static final class Failing implements EventRepository<Add, Event, Long> {
        final InMemoryEventRepository<Add, Event> delegate = Counter.repository();
        final AtomicInteger failures;
        final boolean conflict;

        Failing(int failures, boolean conflict) {
            this.failures = new AtomicInteger(failures);
            this.conflict = conflict;
        }

        @Override
        public List<StoredEvent<Event, Long>> fetch(Add command) {
            return delegate.fetch(command);
        }

        @Override
        public Appended<Event, Long> append(
                Add command, UUID commandId, List<Event> events, @Nullable Long expectedVersion) {
            if (failures.getAndDecrement() > 0) {
                if (conflict) {
                    throw new ConcurrencyConflictException(command.counterId(), expectedVersion, null);
                }
                throw new StoreUnavailableException(command.counterId(), false, "connection refused", null);
            }
            return delegate.append(command, commandId, events, expectedVersion);
        }
    }

    /** Records what it is told, one line per call. */
    private static final class Recording implements CommandListener {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void conflicted(Object command, UUID commandId, int conflicts) {
            calls.add("conflicted " + conflicts);
        }

        @Override
        public void unavailable(Object command, UUID commandId, int failures, StoreUnavailableException failure) {
            calls.add("unavailable " + failures + " " + failure.getMessage());
        }

        @Override
        public void retrying(Object command, UUID commandId, int attempt) {
            calls.add("retrying " + attempt);
        }
    }

    @Test
    void each_lost_race_and_each_retry_is_told_in_order() {
        Recording listener = new Recording();
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, new Failing(2, true))
                .withRetry(QUICK)
                .withListener(listener);
        assertThat(aggregate.handle(new Add("c-1", 5))).containsExactly(new Added("c-1", 5));
        assertThat(listener.calls).containsExactly("conflicted 1", "retrying 2", "conflicted 2", "retrying 3");
    }

    @Test
    void the_last_conflict_is_told_before_the_retries_run_out() {
        Recording listener = new Recording();
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, new Failing(Integer.MAX_VALUE, true))
                .withListener(listener)
                .withRetry(QUICK);
        assertThatThrownBy(() -> aggregate.handle(new Add("c-1", 5))).isInstanceOf(RetriesExhaustedException.class);
        assertThat(listener.calls)
                .containsExactly("conflicted 1", "retrying 2", "conflicted 2", "retrying 3", "conflicted 3");
    }

    @Test
    void outages_are_told_with_their_failure() {
        Recording listener = new Recording();
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, new Failing(1, false))
                .withRecovery(QUICK)
                .withListener(listener);
        assertThat(aggregate.handle(new Add("c-1", 5))).containsExactly(new Added("c-1", 5));
        assertThat(listener.calls).containsExactly("unavailable 1 connection refused", "retrying 2");
    }

    @Test
    void a_command_that_succeeds_at_once_tells_nothing_and_a_listener_that_throws_changes_nothing() {
        Recording quiet = new Recording();
        EventSourcingAggregate.of(Counter.DECIDER, Counter.repository())
                .withListener(quiet)
                .handle(new Add("c-1", 1));
        assertThat(quiet.calls).isEmpty();

        CommandListener throwing = new CommandListener() {
            @Override
            public void conflicted(Object command, UUID commandId, int conflicts) {
                throw new IllegalStateException("a broken meter");
            }
        };
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, new Failing(1, true))
                .withRetry(QUICK)
                .withListener(throwing);
        assertThat(aggregate.handle(new Add("c-1", 5))).containsExactly(new Added("c-1", 5));
    }
}
