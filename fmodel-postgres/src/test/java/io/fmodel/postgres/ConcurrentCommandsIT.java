package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.application.ConcurrencyConflictException;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.Counter.Incremented;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many threads sending commands to one stream. Written against the repository with the aggregate's loop inline
 * (fetch, fold, decide, append at the last fetched version, retry on conflict), until core's EventSourcingAggregate
 * is merged.
 */
class ConcurrentCommandsIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final int THREADS = 8;
    private static final int COMMANDS_PER_THREAD = 25;
    private static final int MAX_ATTEMPTS = 1_000;

    @Test
    void eight_threads_on_one_stream_lose_no_update_and_keep_the_previous_id_chain_intact() throws Exception {
        var repository = PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);
        var barrier = new CyclicBarrier(THREADS);
        var conflicts = new AtomicInteger();
        List<Future<List<UUID>>> workers = new ArrayList<>();
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    barrier.await();
                    List<UUID> applied = new ArrayList<>();
                    for (int i = 0; i < COMMANDS_PER_THREAD; i++) {
                        UUID commandId = UUID.randomUUID();
                        handle(repository, new Increment("hot", 1), commandId, conflicts);
                        applied.add(commandId);
                    }
                    // a client retrying its last command (lost response): must not apply twice
                    UUID last = applied.getLast();
                    handle(repository, new Increment("hot", 1), last, conflicts);
                    return applied;
                }));
            }
        }
        List<UUID> applied = new ArrayList<>();
        for (Future<List<UUID>> worker : workers) {
            applied.addAll(worker.get());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf(
                "%d commands from %d threads on one stream: %d ms, %d conflicts retried%n",
                applied.size(), THREADS, millis, conflicts.get());

        List<StoredEvent<CounterEvent, UUID>> stream = repository.fetch(new Increment("hot", 1));
        assertThat(stream).hasSize(THREADS * COMMANDS_PER_THREAD);
        assertThat(state(stream)).isEqualTo(THREADS * COMMANDS_PER_THREAD);
        assertThat(stream).extracting(StoredEvent::commandId).containsExactlyInAnyOrderElementsOf(applied);
        assertChainIntact("hot", THREADS * COMMANDS_PER_THREAD);
    }

    /** The aggregate's loop: every command ends applied, or with a typed exception that propagates. */
    private static void handle(
            PostgresEventRepository<Increment, CounterEvent> repository,
            Increment command,
            UUID commandId,
            AtomicInteger conflicts) {
        for (int attempt = 1; ; attempt++) {
            List<StoredEvent<CounterEvent, UUID>> history = repository.fetch(command);
            @Nullable
            UUID version = history.isEmpty() ? null : history.getLast().version();
            int state = state(history);
            List<CounterEvent> decided = List.of(new Incremented(command.counterId(), command.amount()));
            assertThat(state).isNotNegative();
            try {
                repository.append(command, commandId, decided, version);
                return;
            } catch (ConcurrencyConflictException e) {
                conflicts.incrementAndGet();
                if (attempt == MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static int state(List<StoredEvent<CounterEvent, UUID>> history) {
        int sum = 0;
        for (StoredEvent<CounterEvent, UUID> e : history) {
            if (e.event() instanceof Incremented i) {
                sum += i.amount();
            }
        }
        return sum;
    }

    private static void assertChainIntact(String stream, int length) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT count(*) AS events,
                               count(*) FILTER (WHERE previous_id IS NULL) AS roots,
                               count(*) FILTER (WHERE previous_id IS DISTINCT FROM prior) AS broken,
                               (SELECT max(stream_position) FROM events WHERE decider_id = '%s') AS head_length,
                               (SELECT event_id FROM get_last_event('%s'))
                                   = (SELECT event_id FROM events WHERE decider_id = '%s' ORDER BY "offset" DESC LIMIT 1)
                                   AS head_is_last
                        FROM (SELECT previous_id, lag(event_id) OVER (ORDER BY "offset") AS prior
                              FROM events WHERE decider_id = '%s') chain
                        """.formatted(stream, stream, stream, stream))) {
            rs.next();
            assertThat(rs.getLong("events")).isEqualTo(length);
            assertThat(rs.getLong("roots")).isEqualTo(1);
            assertThat(rs.getLong("broken")).isZero();
            assertThat(rs.getLong("head_length")).isEqualTo(length);
            assertThat(rs.getBoolean("head_is_last")).isTrue();
        }
    }
}
