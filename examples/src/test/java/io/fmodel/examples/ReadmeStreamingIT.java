package io.fmodel.examples;

import static io.fmodel.examples.ReadmeQuickStartTest.COUNTER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.core.Saga;
import io.fmodel.core.View;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.examples.ReadmeQuickStartTest.Add;
import io.fmodel.examples.ReadmeQuickStartTest.AddRejected;
import io.fmodel.examples.ReadmeQuickStartTest.Added;
import io.fmodel.examples.ReadmeQuickStartTest.CounterCommand;
import io.fmodel.examples.ReadmeQuickStartTest.CounterEvent;
import io.fmodel.postgres.EmbeddedStore;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.SagaProcessor;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.TransactionalViewStore;
import io.fmodel.postgres.ViewProcessor;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The README's wiring and streaming snippets, compiled and run on an embedded PostgreSQL. */
class ReadmeStreamingIT {

    @Test
    void the_readme_wiring_snippet_runs_on_the_embedded_store() {
        List<StoredEvent<CounterEvent, UUID>> stored;
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
    void the_readme_view_and_saga_snippet_updates_the_view_and_runs_the_saga_once() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.start()) {
            DataSource dataSource = store.dataSource();
            var repository = PostgresEventRepository.of(
                    dataSource, EventTypes.of("counter", CounterEvent.class), CounterCommand::counterId);
            var counters = EventSourcingAggregate.of(ReadmeQuickStartTest.COUNTER, repository);
            var otherAggregate = counters;
            Saga<CounterEvent, CounterCommand> followUpSaga = Saga.of(event -> switch (event) {
                case Added a when !a.counterId().startsWith("audit-") -> List.of(new Add("audit-" + a.counterId(), 1));
                case Added a -> List.of();
                case AddRejected r -> List.of();
            });

            // --- snippet (README "Views and sagas")
            var types = EventTypes.of("counter", CounterEvent.class);
            try (ViewProcessor totals = ViewProcessor.exactlyOnce(
                            dataSource,
                            "counter-totals",
                            types,
                            View.of(
                                    0,
                                    (Integer total, CounterEvent e) ->
                                            e instanceof Added a ? total + a.amount() : total),
                            TransactionalViewStore.jsonb(
                                    "counter_totals", CounterEvent::counterId, Integer.class, new ObjectMapper()),
                            StreamingOptions.defaults().withWorkers(4));
                    SagaProcessor followUps = SagaProcessor.of(
                            dataSource,
                            "counter-follow-ups",
                            types,
                            followUpSaga,
                            (command, commandId) -> otherAggregate.handle(command, commandId),
                            StreamingOptions.defaults())) {
                // --- end of snippet
                counters.handle(new Add("c-1", 5));
                counters.handle(new Add("c-1", 7));
                counters.handle(new Add("c-2", 1));

                Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
                while ((totals.lag() > 0 || followUps.lag() > 0 || total(dataSource, "audit-c-1") != 2)
                        && Instant.now().isBefore(deadline)) {
                    Thread.sleep(20);
                }
                assertThat(total(dataSource, "c-1")).isEqualTo(12);
                assertThat(total(dataSource, "c-2")).isEqualTo(1);
                assertThat(total(dataSource, "audit-c-1")).isEqualTo(2); // one follow-up per Added, never more
                assertThat(total(dataSource, "audit-c-2")).isEqualTo(1);
                assertThat(totals.parked()).isEmpty();
            }
        }
    }

    private static int total(DataSource dataSource, String counterId) throws Exception {
        try (var connection = dataSource.getConnection();
                var statement = connection.prepareStatement("SELECT state FROM counter_totals WHERE id = ?")) {
            statement.setString(1, counterId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Integer.parseInt(rows.getString(1).trim()) : 0;
            }
        }
    }
}
