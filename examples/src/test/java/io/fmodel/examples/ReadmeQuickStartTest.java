package io.fmodel.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;

import io.fmodel.core.Decider;
import io.fmodel.testkit.DeciderLaws;
import io.fmodel.testkit.DeciderSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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

    @Test
    void the_snippets_are_the_readmes_line_for_line() throws IOException {
        List<String> readme = normalized(Files.readAllLines(Path.of("../README.md")));
        Path tests = Path.of("src/test/java/io/fmodel/examples");
        for (var snippet : List.of(
                List.of("ReadmeQuickStartTest.java", "// README: quick start"),
                List.of("ReadmeStreamingIT.java", "// README: wiring"),
                List.of("ReadmeStreamingIT.java", "// README: views"),
                List.of("ReadmeStreamingIT.java", "// README: queries"),
                List.of("ReadmeTestingIT.java", "// README: testing"))) {
            List<String> source = normalized(Files.readAllLines(tests.resolve(snippet.get(0))));
            String marker = snippet.get(1);
            int start = source.indexOf(marker) + 1;
            int end = source.subList(start, source.size()).indexOf("// README: end") + start;
            List<String> lines = source.subList(start, end);
            assertThat(lines).as(marker).hasSizeGreaterThan(2);
            assertThat(Collections.indexOfSubList(readme, lines))
                    .as("the lines after %s in %s, found in README.md in this order", marker, snippet.get(0))
                    .isNotNegative();
        }
    }

    /** Lines without their indentation, blank lines dropped: the README indents its blocks less than a class does. */
    private static List<String> normalized(List<String> lines) {
        List<String> kept = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                kept.add(line.strip());
            }
        }
        return kept;
    }
}
