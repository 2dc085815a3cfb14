package io.fmodel.examples;

import static io.fmodel.examples.ReadmeQuickStartTest.COUNTER;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.SagaProcessor;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.ViewProcessor;
import io.fmodel.postgres.ViewStates;
import io.fmodel.postgres.test.PostgresStoreExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's wiring, streaming and query snippets, compiled and run on an embedded PostgreSQL; the lines between
 * the {@code README:} markers are the README's, line for line (DocsSnippetsTest checks it).
 */
class ReadmeStreamingIT {

    /** The second test's store (fmodel-postgres-test); the first starts an EmbeddedStore, as the README does. */
    @RegisterExtension
    static final PostgresStoreExtension db = PostgresStoreExtension.of();

    @Test
    void the_readme_wiring_snippet_runs_on_the_embedded_store() {
        List<StoredEvent<CounterEvent, UUID>> stored;
        // spotless:off
        // README: wiring
        try (EmbeddedStore embedded = EmbeddedStore.start()) {     // or any pooled DataSource of your own server
            PostgresEventStore store = PostgresEventStore.of(embedded.dataSource());
            var repository = store.repository(EventTypes.of("counter", CounterEvent.class), CounterCommand::counterId);
            var counters = EventSourcingAggregate.of(COUNTER, repository);   // retries conflicts, with backoff and jitter
            counters.handle(new Add("c-1", 5));                              // [Added[counterId=c-1, amount=5]]
            List<StoredEvent<CounterEvent, UUID>> stream = repository.read("c-1");   // the stream by its id
        // README: end
            stored = stream;
        // spotless:on
        }
        assertThat(stored).extracting(StoredEvent::event).containsExactly(new Added("c-1", 5));
    }

    @Test
    void the_readme_view_saga_and_query_snippets_update_the_view_run_the_saga_once_and_read_the_states()
            throws Exception {
        PostgresEventStore store = db.store(); // a fresh database of the embedded server, schema installed
        var repository = store.repository(EventTypes.of("counter", CounterEvent.class), CounterCommand::counterId);
        var counters = EventSourcingAggregate.of(COUNTER, repository);
        var otherAggregate = counters;
        Saga<CounterEvent, CounterCommand> followUpSaga = Saga.of(event -> switch (event) {
            case Added a when !a.counterId().startsWith("audit-") -> List.of(new Add("audit-" + a.counterId(), 1));
            case Added a -> List.of();
            case AddRejected r -> List.of();
        });
        counters.handle(new Add("c-1", 5)); // before the view exists: a new view starts from the beginning
        // spotless:off
        // README: views
        var types = EventTypes.of("counter", CounterEvent.class);
        try (ViewProcessor totals = store.startView("counter-totals", types,
                        View.of(0, (Integer total, CounterEvent e) -> e instanceof Added a ? total + a.amount() : total),
                        store.jsonbViewStore("counter_totals", CounterEvent::counterId, Integer.class),
                        StreamingOptions.defaults().withWorkers(4));
                SagaProcessor followUps = store.startSaga("counter-follow-ups", types, followUpSaga,
                        (command, commandId) -> otherAggregate.handle(command, commandId),  // id derived from the event
                        StreamingOptions.defaults())) {
            System.out.println("lag: " + totals.lag() + ", parked: " + totals.parked());
        // README: end
        // spotless:on
            counters.handle(new Add("c-1", 7));
            counters.handle(new Add("c-2", 1));

            Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
            ViewStates<Integer> states = store.viewStates("counter_totals", Integer.class);
            // the saga's last command appends to audit-c-1 before its ack: the view is done once it shows it
            while ((followUps.lag() > 0 || !states.find("audit-c-1").equals(Optional.of(2)) || totals.lag() > 0)
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            assertThat(totals.parked()).isEmpty();
        }
        // spotless:off
        // README: queries
        ViewStates<Integer> counterTotals = store.viewStates("counter_totals", Integer.class);
        Optional<Integer> total = counterTotals.find("c-1");                      // Optional[12]
        List<ViewStates.State<Integer>> firstPage = counterTotals.page(null, 50);  // keyset pages, in id order
        // README: end
        // spotless:on
        assertThat(total).contains(12);
        assertThat(counterTotals.find("c-2")).contains(1);
        assertThat(counterTotals.find("audit-c-1")).contains(2); // one follow-up per Added, never more
        assertThat(counterTotals.find("audit-c-2")).contains(1);
        assertThat(firstPage).extracting(ViewStates.State::id).containsExactly("audit-c-1", "audit-c-2", "c-1", "c-2");
    }
}
