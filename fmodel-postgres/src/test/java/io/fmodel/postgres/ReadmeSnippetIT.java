package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;

import io.fmodel.core.Decider;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.StoredEvent;
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
 * The README's quick start and its wiring to PostgreSQL, run as they are written there: the code between the
 * {@code README} markers below is the README's, line for line, which the last test checks against README.md itself.
 */
class ReadmeSnippetIT {

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
    void the_wiring_snippet_runs_on_the_embedded_store() {
        List<StoredEvent<CounterEvent, java.util.UUID>> stored;
        // spotless:off
        // README: wiring
        try (EmbeddedStore store = EmbeddedStore.start()) {         // or any DataSource: HikariCP on your own server
            var repository = PostgresEventRepository.of(
                    store.dataSource(), EventTypes.of("counter", CounterEvent.class), CounterCommand::counterId);
            var counters = EventSourcingAggregate.of(COUNTER, repository);   // retries conflicts, with backoff and jitter
            counters.handle(new Add("c-1", 5));                              // [Added[counterId=c-1, amount=5]]
        // README: end
            stored = repository.read("c-1");
        // spotless:on
        }
        assertThat(stored).extracting(StoredEvent::event).containsExactly(new Added("c-1", 5));
    }

    @Test
    void the_code_above_is_the_readmes_line_for_line() throws IOException {
        List<String> source =
                normalized(Files.readAllLines(Path.of("src/test/java/io/fmodel/postgres/ReadmeSnippetIT.java")));
        List<String> readme = normalized(Files.readAllLines(Path.of("../README.md")));
        for (String marker : List.of("// README: quick start", "// README: wiring")) {
            int start = source.indexOf(marker) + 1;
            List<String> snippet =
                    source.subList(start, source.subList(start, source.size()).indexOf("// README: end") + start);
            assertThat(snippet).as(marker).hasSizeGreaterThan(3);
            assertThat(Collections.indexOfSubList(readme, snippet))
                    .as("the lines after %s, found in README.md in this order", marker)
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
