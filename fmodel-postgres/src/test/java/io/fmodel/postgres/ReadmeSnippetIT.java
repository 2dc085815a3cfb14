package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.Decider;
import io.fmodel.core.application.EventSourcingAggregate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The snippet proposed for the README, compiled and run: wiring a decider to PostgreSQL. */
class ReadmeSnippetIT {

    sealed interface CounterEvent permits Incremented {}

    record Incremented(String counterId, int amount) implements CounterEvent {}

    record Increment(String counterId, int amount) {}

    @Test
    void the_readme_snippet_wires_a_decider_to_postgresql() {
        // --- snippet
        Decider<Increment, Integer, CounterEvent> counter = Decider.of(
                0,
                (command, count) -> List.of(new Incremented(command.counterId(), command.amount())),
                (count, event) -> switch (event) {
                    case Incremented i -> count + i.amount();
                });

        try (EmbeddedStore store = EmbeddedStore.start()) { // or any DataSource: HikariCP on your server
            var repository = PostgresEventRepository.of(
                    store.dataSource(), EventTypes.of("counter", CounterEvent.class), Increment::counterId);
            var counters = EventSourcingAggregate.of(counter, repository);

            List<CounterEvent> events = counters.handle(new Increment("c-1", 5)); // [Incremented[c-1, 5]]
            // --- end of snippet
            assertThat(events).containsExactly(new Incremented("c-1", 5));
            assertThat(repository.fetch(new Increment("c-1", 0))).hasSize(1);
        }
    }
}
