package io.fmodel.vavr;

import static io.fmodel.vavr.Counter.COUNTER;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.application.RetryPolicy;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.EmbeddedStore;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.vavr.Counter.Add;
import io.fmodel.vavr.Counter.Added;
import io.fmodel.vavr.Counter.CounterCommand;
import io.fmodel.vavr.Counter.CounterEvent;
import io.vavr.control.Either;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The EitherAggregate on the PostgreSQL repository of an embedded server: what the unit tests show, for real. */
class EitherAggregateIT {

    private static EmbeddedStore embedded;
    private static PostgresEventRepository<CounterCommand, CounterEvent> repository;

    @BeforeAll
    static void start() {
        embedded = EmbeddedStore.start();
        repository = PostgresEventStore.of(embedded.dataSource())
                .repository(EventTypes.of("vavr-counter", CounterEvent.class), CounterCommand::counterId);
    }

    @AfterAll
    static void stop() {
        embedded.close();
    }

    @Test
    void accepted_rejected_and_replayed_commands_on_postgresql() {
        var counters = EitherAggregate.of(COUNTER, repository);
        UUID commandId = UUID.randomUUID();

        assertThat(counters.handle(new Add("pg-1", 60), commandId))
                .isEqualTo(Either.right(List.of(new Added("pg-1", 60))));
        assertThat(counters.handle(new Add("pg-1", 50)).getLeft())
                .isInstanceOfSatisfying(CommandFailure.Rejected.class, rejected -> assertThat(rejected.rejection())
                        .isEqualTo("over 100"));
        assertThat(counters.handle(new Add("pg-1", 60), commandId))
                .isEqualTo(Either.right(List.of(new Added("pg-1", 60))));

        assertThat(events("pg-1")).containsExactly(new Added("pg-1", 60));
    }

    @Test
    void concurrent_commands_on_one_stream_are_accepted_up_to_the_cap_and_the_rest_rejected_after_their_conflicts()
            throws Exception {
        // only 10 commands can win, so none loses more than 10 races: 11 attempts are enough to never run out
        var counters = EitherAggregate.of(COUNTER, repository)
                .withRetry(RetryPolicy.of(11, Duration.ofMillis(1), Duration.ofMillis(20)));
        List<Future<Either<CommandFailure<CounterCommand, String>, List<CounterEvent>>>> outcomes = new ArrayList<>();
        try (ExecutorService writers = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 20; i++) {
                outcomes.add(writers.submit(() -> counters.handle(new Add("pg-hot", 10))));
            }
        }
        int accepted = 0;
        int rejected = 0;
        for (var outcome : outcomes) {
            var handled = outcome.get();
            if (handled.isRight()) {
                accepted++;
            } else {
                assertThat(handled.getLeft()).isInstanceOf(CommandFailure.Rejected.class);
                rejected++;
            }
        }

        assertThat(accepted).isEqualTo(10);
        assertThat(rejected).isEqualTo(10);
        assertThat(events("pg-hot")).hasSize(10).allMatch(new Added("pg-hot", 10)::equals);
    }

    private static List<CounterEvent> events(String streamId) {
        return repository.read(streamId).stream().map(StoredEvent::event).toList();
    }
}
