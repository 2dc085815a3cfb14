package io.fmodel.vavr.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.application.Appended;
import io.fmodel.core.application.EventRepository;
import io.fmodel.core.application.InMemoryEventRepository;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.core.application.StoreUnavailableException;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.vavr.CommandFailure;
import io.fmodel.vavr.EitherAggregate;
import io.fmodel.vavr.testkit.Counter.Add;
import io.fmodel.vavr.testkit.Counter.Added;
import io.fmodel.vavr.testkit.Counter.Command;
import io.fmodel.vavr.testkit.Counter.Event;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class EitherAggregateSpecTest {

    private final InMemoryEventRepository<Command, Event> repository = InMemoryEventRepository.of(Command::counterId);
    private final EitherAggregateSpec<Command, Integer, Event, String> spec =
            EitherAggregateSpec.of(EitherAggregate.of(Counter.DECIDER, repository));

    @Test
    void an_accepted_command_returns_its_events() {
        spec.given(new Add("c", 60)).when(new Add("c", 40)).thenEvents(new Added(40));
        assertThat(repository.stream("c")).extracting(StoredEvent::event).containsExactly(new Added(60), new Added(40));
    }

    @Test
    void a_rejected_command_returns_its_rejection() {
        spec.given(new Add("c", 60)).when(new Add("c", 50)).thenRejected("over 100");
        assertThat(repository.stream("c")).hasSize(1);
    }

    @Test
    void a_command_handled_again_with_its_id_returns_its_first_events() {
        UUID commandId = UUID.randomUUID();
        spec.when(new Add("c", 60), commandId).thenEvents(new Added(60));
        spec.given(new Add("c", 40)).when(new Add("c", 60), commandId).thenEvents(new Added(60));
    }

    @Test
    void a_failure_of_the_store_is_checked_by_its_case() {
        EventRepository<Command, Event, Long> unreachable = new EventRepository<>() {
            @Override
            public List<StoredEvent<Event, Long>> fetch(Command command) {
                throw new StoreUnavailableException("counter/c", false, "refused", null);
            }

            @Override
            public Appended<Event, Long> append(
                    Command command, UUID commandId, List<Event> events, @Nullable Long expectedVersion) {
                throw new AssertionError("never reached");
            }
        };
        var aggregate = EitherAggregate.of(Counter.DECIDER, unreachable)
                .withRecovery(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO));

        var then = EitherAggregateSpec.of(aggregate)
                .when(new Add("c", 1))
                .thenFails(CommandFailure.StoreUnavailable.class);

        assertThat(then.outcome().getLeft().cause()).hasMessage("refused");
    }

    @Test
    void expecting_events_of_a_rejected_command_fails() {
        assertThatThrownBy(() ->
                        spec.given(new Add("c", 60)).when(new Add("c", 50)).thenEvents(new Added(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("it failed: Rejected[");
    }

    @Test
    void expecting_a_rejection_of_an_accepted_command_fails() {
        assertThatThrownBy(() -> spec.when(new Add("c", 5)).thenRejected("over 100"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("to fail with Rejected but it returned [Added[amount=5]]");
    }

    @Test
    void expecting_another_rejection_fails() {
        assertThatThrownBy(() ->
                        spec.given(new Add("c", 100)).when(new Add("c", 1)).thenRejected("closed"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("over 100");
    }

    @Test
    void expecting_another_failure_case_fails() {
        assertThatThrownBy(() -> spec.when(new Add("c", 500)).thenFails(CommandFailure.RetriesExhausted.class))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void a_given_command_that_fails_fails_the_spec() {
        assertThatThrownBy(() -> spec.given(new Add("c", 500)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("given command Add[counterId=c, amount=500] failed");
    }
}
