package io.fmodel.examples;

import static io.fmodel.examples.ReadmeQuickStartTest.COUNTER;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.examples.ReadmeQuickStartTest.Add;
import io.fmodel.examples.ReadmeQuickStartTest.CounterCommand;
import io.fmodel.examples.ReadmeQuickStartTest.CounterEvent;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.test.PostgresStoreExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's "Testing with a store" snippet, compiled and run (DocsSnippetsTest checks its lines against the
 * README): the extension gives each test a store of its own, so two tests writing the same stream each see their own event only.
 */
class ReadmeTestingIT {

    // spotless:off (as the README shows it)
    // README: testing
    @RegisterExtension
    static final PostgresStoreExtension db = PostgresStoreExtension.of();   // embedded, or FMODEL_TEST_JDBC_URL's server

    @Test
    void an_added_amount_is_stored() {
        var repository = db.store().repository(EventTypes.of("counter", CounterEvent.class), CounterCommand::counterId);
        EventSourcingAggregate.of(COUNTER, repository).handle(new Add("c-1", 5));
        assertThat(repository.read("c-1")).hasSize(1);          // and the next test starts from an empty store
    }
    // README: end
    // spotless:on

    @Test
    void another_test_writing_the_same_stream_sees_its_own_event_only() {
        var repository = db.store().repository(EventTypes.of("counter", CounterEvent.class), CounterCommand::counterId);
        assertThat(repository.read("c-1")).isEmpty();
        EventSourcingAggregate.of(COUNTER, repository).handle(new Add("c-1", 7));
        assertThat(repository.read("c-1")).hasSize(1); // whichever of the two runs first
    }
}
