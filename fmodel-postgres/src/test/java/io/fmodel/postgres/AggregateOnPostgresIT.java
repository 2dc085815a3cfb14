package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.Decider;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetriesExhaustedException;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.Counter.Incremented;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Core's EventSourcingAggregate on PostgreSQL: many threads, one stream, a business rule, retries. */
class AggregateOnPostgresIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final int THREADS = 8;
    private static final int COMMANDS_PER_THREAD = 30;
    private static final int LIMIT = 200;

    /** The business rule: a counter never goes above {@link #LIMIT}. */
    static final class LimitReached extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LimitReached(int count) {
            super("limit " + LIMIT + " reached at " + count);
        }
    }

    static final Decider<Increment, Integer, CounterEvent> COUNTER = Decider.of(
            0,
            (command, count) -> {
                if (count + command.amount() > LIMIT) {
                    throw new LimitReached(count);
                }
                return List.of(new Incremented(command.counterId(), command.amount()));
            },
            (count, event) -> event instanceof Incremented i ? count + i.amount() : count);

    enum Outcome {
        APPLIED,
        REJECTED_BY_RULE,
        RETRIES_EXHAUSTED
    }

    @Test
    void eight_threads_through_the_aggregate_lose_no_update_and_every_command_is_applied_or_rejected_typed()
            throws Exception {
        var repository = PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);
        var aggregate = EventSourcingAggregate.of(COUNTER, repository)
                .withRetry(RetryPolicy.of(200, Duration.ofMillis(1), Duration.ofMillis(20)));
        var barrier = new CyclicBarrier(THREADS);
        List<Future<List<Outcome>>> workers = new ArrayList<>();
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    barrier.await();
                    List<Outcome> outcomes = new ArrayList<>();
                    for (int i = 0; i < COMMANDS_PER_THREAD; i++) {
                        try {
                            aggregate.handle(new Increment("shared", 1));
                            outcomes.add(Outcome.APPLIED);
                        } catch (LimitReached e) {
                            outcomes.add(Outcome.REJECTED_BY_RULE);
                        } catch (RetriesExhaustedException e) {
                            outcomes.add(Outcome.RETRIES_EXHAUSTED);
                        }
                    }
                    return outcomes;
                }));
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<List<Outcome>> worker : workers) {
            outcomes.addAll(worker.get());
        }
        long applied = outcomes.stream().filter(o -> o == Outcome.APPLIED).count();
        System.out.printf(
                "aggregate: %d commands from %d threads on one stream in %d ms: %d applied, %d rejected by the rule,"
                        + " %d retries exhausted%n",
                outcomes.size(),
                THREADS,
                (System.nanoTime() - started) / 1_000_000,
                applied,
                outcomes.stream().filter(o -> o == Outcome.REJECTED_BY_RULE).count(),
                outcomes.stream().filter(o -> o == Outcome.RETRIES_EXHAUSTED).count());

        assertThat(outcomes).hasSize(THREADS * COMMANDS_PER_THREAD);
        var stream = repository.fetch(new Increment("shared", 1));
        assertThat(stream).hasSize((int) applied);
        assertThat(applied).isLessThanOrEqualTo(LIMIT);
        // every command was tried until it was applied or the rule rejected it: the counter is full
        if (outcomes.stream().noneMatch(o -> o == Outcome.RETRIES_EXHAUSTED)) {
            assertThat(applied).isEqualTo(LIMIT);
        }
        assertChainIntact("shared", applied);
    }

    @Test
    void a_command_handled_again_with_its_id_returns_its_first_events_and_appends_nothing() {
        var repository = PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);
        var aggregate = EventSourcingAggregate.of(COUNTER, repository);
        UUID commandId = UUID.randomUUID();

        var first = aggregate.handle(new Increment("replayed", 3), commandId);
        aggregate.handle(new Increment("replayed", 1));
        var again = aggregate.handle(new Increment("replayed", 3), commandId);

        assertThat(again).isEqualTo(first);
        assertThat(repository.fetch(new Increment("replayed", 1))).hasSize(2);
    }

    private static void assertChainIntact(String stream, long length) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT count(*) AS events,
                               count(*) FILTER (WHERE previous_id IS NULL) AS roots,
                               count(*) FILTER (WHERE previous_id IS DISTINCT FROM prior) AS broken
                        FROM (SELECT previous_id, lag(event_id) OVER (ORDER BY "offset") AS prior
                              FROM events WHERE decider_id = '%s') chain
                        """.formatted(stream))) {
            rs.next();
            assertThat(rs.getLong("events")).isEqualTo(length);
            assertThat(rs.getLong("roots")).isEqualTo(1);
            assertThat(rs.getLong("broken")).isZero();
        }
    }
}
