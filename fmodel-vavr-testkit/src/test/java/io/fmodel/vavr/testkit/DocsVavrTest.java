package io.fmodel.vavr.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;

import io.fmodel.core.application.Appended;
import io.fmodel.core.application.EventRepository;
import io.fmodel.core.application.InMemoryEventRepository;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.core.application.StoreUnavailableException;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.vavr.CommandFailure;
import io.fmodel.vavr.EitherAggregate;
import io.fmodel.vavr.EitherDecider;
import io.fmodel.vavr.testkit.ReadmeVavrTest.Add;
import io.fmodel.vavr.testkit.ReadmeVavrTest.AddRejected;
import io.fmodel.vavr.testkit.ReadmeVavrTest.Added;
import io.fmodel.vavr.testkit.ReadmeVavrTest.CounterCommand;
import io.fmodel.vavr.testkit.ReadmeVavrTest.CounterEvent;
import io.vavr.control.Either;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Java blocks of docs/vavr.md, compiled and run: the lines between the {@code docs/vavr.md} markers are the page's,
 * line for line (the examples' DocsSnippetsTest checks it).
 */
class DocsVavrTest {

    // spotless:off (as docs/vavr.md shows it)
    // docs/vavr.md: start
    EitherDecider<CounterCommand, Integer, CounterEvent, String> capped = EitherDecider.of(
            0,
            (command, total) -> switch (command) {
                case Add a when total + a.amount() > 100 -> Either.left("over 100");
                case Add a -> Either.right(List.of(new Added(a.counterId(), a.amount())));
            },
            (total, event) -> switch (event) {
                case Added a -> total + a.amount();
                case AddRejected r -> total;
            });
    // docs/vavr.md: end

    @Test
    void the_aggregate_blocks_handle_a_command_idempotently_and_fold_the_outcome() {
        EventRepository<CounterCommand, CounterEvent, Long> repository = InMemoryEventRepository.of(CounterCommand::counterId);
        CounterCommand command = new Add("c-2", 7);
        UUID commandId = UUID.randomUUID();
        // docs/vavr.md: start
        var counters = EitherAggregate.of(capped, repository);               // any EventRepository: in memory, PostgreSQL
        Either<CommandFailure<CounterCommand, String>, List<CounterEvent>> outcome = counters.handle(new Add("c-1", 5));
        var again = counters.handle(command, commandId);                     // idempotent by command id, as in the core
        // docs/vavr.md: end
        assertThat(counters.handle(command, commandId)).isEqualTo(again);
        assertThat(again.get()).containsExactly(new Added("c-2", 7));
        // docs/vavr.md: start
        String message = outcome.fold(
                failure -> switch (failure) {
                    case CommandFailure.Rejected<CounterCommand, String> r -> "rejected: " + r.rejection();
                    case CommandFailure.RetriesExhausted<CounterCommand, String> x -> "busy after " + x.attempts() + " attempts";
                    case CommandFailure.StoreUnavailable<CounterCommand, String> u -> "store down, nothing written";
                    case CommandFailure.OutcomeUnknown<CounterCommand, String> u -> "send it again with id " + u.commandId();
                },
                events -> "accepted: " + events);
        // docs/vavr.md: end
        assertThat(message).isEqualTo("accepted: [Added[counterId=c-1, amount=5]]");
    }

    @Test
    void the_test_kit_blocks_specify_the_decider_and_the_aggregate() {
        // docs/vavr.md: start
        EitherDeciderSpec.of(capped).given(new Added("c", 60)).when(new Add("c", 50)).thenRejected("over 100").thenState(60);
        EitherDeciderSpec.of(capped).when(new Add("c", 5)).thenEvents(new Added("c", 5)).thenState(5);
        // docs/vavr.md: end
        var unreachable = EitherAggregate.of(capped, new EventRepository<CounterCommand, CounterEvent, Long>() {
            @Override
            public List<StoredEvent<CounterEvent, Long>> fetch(CounterCommand c) {
                throw new StoreUnavailableException("counter/" + c.counterId(), false, "refused", null);
            }

            @Override
            public Appended<CounterEvent, Long> append(
                    CounterCommand c, UUID id, List<CounterEvent> events, Long expected) {
                throw new AssertionError("never reached");
            }
        }).withRecovery(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO));
        // docs/vavr.md: start
        var counters = EitherAggregate.of(capped, InMemoryEventRepository.of(CounterCommand::counterId));
        EitherAggregateSpec.of(counters).given(new Add("c", 60)).when(new Add("c", 50)).thenRejected("over 100");
        EitherAggregateSpec.of(counters).when(new Add("c", 5)).thenEvents(new Added("c", 5));
        EitherAggregateSpec.of(unreachable).when(new Add("c", 5)).thenFails(CommandFailure.StoreUnavailable.class);
        // docs/vavr.md: end
    }

    @Test
    void the_laws_block_holds() {
        // docs/vavr.md: start
        EitherDeciderLaws.of(capped, integers().between(-50, 150).map(n -> (CounterCommand) new Add("c", n))).all();
        // docs/vavr.md: end
    }
    // spotless:on
}
