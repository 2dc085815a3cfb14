package io.fmodel.vavr.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;

import io.fmodel.core.application.InMemoryEventRepository;
import io.fmodel.vavr.CommandFailure;
import io.fmodel.vavr.EitherAggregate;
import io.fmodel.vavr.EitherDecider;
import io.vavr.control.Either;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's fmodel-vavr snippet, compiled and run: the code between the {@code README} markers is the README's,
 * line for line (the examples' DocsSnippetsTest checks it). The quick start's counter types are declared here again.
 */
class ReadmeVavrTest {

    sealed interface CounterCommand permits Add {
        String counterId();
    }

    record Add(String counterId, int amount) implements CounterCommand {}

    sealed interface CounterEvent permits Added, AddRejected {
        String counterId();
    }

    record Added(String counterId, int amount) implements CounterEvent {}

    record AddRejected(String counterId, int amount, String reason) implements CounterEvent {}

    // spotless:off (as the README shows it)
    // README: vavr
    static final EitherDecider<CounterCommand, Integer, CounterEvent, String> CAPPED = EitherDecider.of(
            0,
            (command, total) -> switch (command) {
                case Add a when total + a.amount() > 100 -> Either.left("over 100");   // no event: nothing is stored
                case Add a -> Either.right(List.of(new Added(a.counterId(), a.amount())));
            },
            (total, event) -> switch (event) {
                case Added a -> total + a.amount();
                case AddRejected r -> total;
            });

    @Test
    void adding_past_the_limit_is_a_left() {
        EitherDeciderSpec.of(CAPPED).given(new Added("c", 60)).when(new Add("c", 50))
                .thenRejected("over 100")
                .thenState(60);
        EitherDeciderLaws.of(CAPPED, integers().between(-50, 150).map(n -> (CounterCommand) new Add("c", n))).all();
    }

    @Test
    void the_aggregate_returns_either_a_failure_or_the_events() {
        var counters = EitherAggregate.of(CAPPED, InMemoryEventRepository.of(CounterCommand::counterId));
        String outcome = counters.handle(new Add("c-1", 500)).fold(
                failure -> switch (failure) {
                    case CommandFailure.Rejected<CounterCommand, String> r -> "rejected: " + r.rejection();
                    case CommandFailure.RetriesExhausted<CounterCommand, String> x -> "busy after " + x.attempts() + " attempts";
                    case CommandFailure.StoreUnavailable<CounterCommand, String> u -> "store down, nothing written";
                    case CommandFailure.OutcomeUnknown<CounterCommand, String> u -> "send it again with id " + u.commandId();
                },
                events -> "accepted: " + events);
        assertThat(outcome).isEqualTo("rejected: over 100");
    }
    // README: end
    // spotless:on
}
