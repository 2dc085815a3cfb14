package io.fmodel.examples;

import static org.quicktheories.generators.SourceDSL.integers;

import io.fmodel.core.Decider;
import io.fmodel.testkit.DeciderLaws;
import io.fmodel.testkit.DeciderSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start, compiled and run, so that the README cannot drift from the API: the code between the
 * {@code README} markers is the README's, line for line, here, in {@link ReadmeStreamingIT} (its wiring snippet) and in
 * {@link ReadmeTestingIT} (testing with a store), which the last test checks against README.md itself.
 */
class ReadmeQuickStartTest {

    // spotless:off (as the README shows it)
    // README: quick start
    sealed interface CounterCommand permits Add { String counterId(); }
    record Add(String counterId, int amount) implements CounterCommand {}
    sealed interface CounterEvent permits Added, AddRejected { String counterId(); }
    record Added(String counterId, int amount) implements CounterEvent {}
    record AddRejected(String counterId, int amount, String reason) implements CounterEvent {}

    static final Decider<CounterCommand, Integer, CounterEvent> COUNTER = Decider.of(
            0,
            (command, total) -> switch (command) {
                case Add a when total + a.amount() > 100 -> List.of(new AddRejected(a.counterId(), a.amount(), "over 100"));
                case Add a -> List.of(new Added(a.counterId(), a.amount()));
            },
            (total, event) -> switch (event) {
                case Added a -> total + a.amount();
                case AddRejected r -> total;
            });

    @Test
    void adding_past_the_limit_is_rejected() {
        DeciderSpec.of(COUNTER).given(new Added("c", 60)).when(new Add("c", 50))
                .thenEvents(new AddRejected("c", 50, "over 100"))
                .thenState(60);
    }

    @Test
    void the_counter_obeys_the_decider_laws() {       // QuickTheories under the hood: random command sequences, shrunk
        DeciderLaws.of(COUNTER, integers().between(-50, 50).map(n -> (CounterCommand) new Add("c", n))).all();
    }
    // README: end
    // spotless:on

}
