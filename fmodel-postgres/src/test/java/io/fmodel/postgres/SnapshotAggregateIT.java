package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.Decider;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetriesExhaustedException;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.core.application.SnapshotPolicy;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.Counter.Closed;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EventSourcingAggregate} with snapshots over PostgreSQL, end to end. */
class SnapshotAggregateIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** The counter's state: its total, and the value the next event counts to (a stale decision shows). */
    record Total(int value) {}

    /** Each event records the total it reached, so a decision on a stale state is a visible lost update. */
    static final Decider<Increment, Total, CounterEvent> DECIDER = Decider.of(
            new Total(0),
            (increment, total) -> List.of(new Incremented(increment.counterId(), total.value() + increment.amount())),
            (total, event) -> switch (event) {
                case Incremented i -> new Total(i.amount());
                case Closed c -> total;
            });

    private final PostgresEventRepository<Increment, CounterEvent> events =
            PostgresEventStore.of(db.dataSource()).repository(Counter.types(), Increment::counterId);
    private final PostgresSnapshotRepository<Increment, Total> snapshots =
            PostgresEventStore.of(db.dataSource()).snapshots(events, Total.class, "total-v1");

    @Test
    void the_aggregate_with_snapshots_appends_what_the_plain_one_does_and_recognises_old_command_ids()
            throws SQLException {
        AtomicInteger failures = new AtomicInteger();
        var plain = EventSourcingAggregate.of(DECIDER, events);
        var snapshotting = EventSourcingAggregate.of(
                DECIDER, events, snapshots, SnapshotPolicy.every(3).onSaveFailure(e -> failures.incrementAndGet()));
        List<UUID> ids = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            String stream = i % 2 == 0 ? "snap" : "plain";
            var aggregate = i % 2 == 0 ? snapshotting : plain;
            assertThat(aggregate.handle(new Increment(stream, i), id))
                    .containsExactly(new Incremented(stream, sum(stream, i)));
        }
        assertThat(failures).hasValue(0);
        var snapshot = snapshots.load(new Increment("snap", 0)).orElseThrow();
        assertThat(snapshot.version())
                .isEqualTo(events.fetch(new Increment("snap", 0)).get(8).version());
        assertThat(snapshot.state()).isEqualTo(new Total(2 + 4 + 6 + 8 + 10 + 12 + 14 + 16 + 18));

        // the first command of the stream, far older than the snapshot, is recognised without deciding again
        assertThat(snapshotting.handle(new Increment("snap", 2), ids.get(1)))
                .containsExactly(new Incremented("snap", 2));
        assertThat(events.fetch(new Increment("snap", 0))).hasSize(10);

        // deleting every snapshot is safe: the next command folds the whole history
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM snapshots");
        }
        assertThat(snapshotting.handle(new Increment("snap", 1))).containsExactly(new Incremented("snap", 111));
    }

    private static int sum(String stream, int upTo) {
        int sum = 0;
        for (int i = 1; i <= upTo; i++) {
            if ((i % 2 == 0) == stream.equals("snap")) {
                sum += i;
            }
        }
        return sum;
    }

    @Test
    void a_snapshot_of_another_stream_is_ignored() throws SQLException {
        var aggregate = EventSourcingAggregate.of(DECIDER, events, snapshots, SnapshotPolicy.every(1));
        aggregate.handle(new Increment("mine", 1));
        aggregate.handle(new Increment("theirs", 100));
        // behind the repository's back: the snapshot row of "mine" points at an event of "theirs"
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("""
                            UPDATE snapshots SET state = '{"value": 100}',
                                   (event_id, "offset") = (SELECT event_id, "offset" FROM snapshots WHERE decider_id = 'theirs')
                            WHERE decider_id = 'mine'""")).isOne();
        }
        assertThat(aggregate.handle(new Increment("mine", 1))).containsExactly(new Incremented("mine", 2));
    }

    @Test
    void eight_threads_on_one_stream_with_snapshots_lose_no_update() throws Exception {
        int threads = 8;
        int perThread = 25;
        AtomicInteger failures = new AtomicInteger();
        var aggregate = EventSourcingAggregate.of(
                        DECIDER,
                        events,
                        snapshots,
                        SnapshotPolicy.every(5).onSaveFailure(e -> failures.incrementAndGet()))
                .withRetry(RetryPolicy.of(1_000, Duration.ZERO, Duration.ofMillis(5)));
        var barrier = new CyclicBarrier(threads);
        List<Future<List<UUID>>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    barrier.await();
                    List<UUID> applied = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        UUID id = UUID.randomUUID();
                        aggregate.handle(new Increment("hot", 1), id);
                        applied.add(id);
                    }
                    // a client retrying its first command (lost response), older than the snapshot by now
                    aggregate.handle(new Increment("hot", 1), applied.getFirst());
                    return applied;
                }));
            }
        }
        List<UUID> applied = new ArrayList<>();
        for (Future<List<UUID>> worker : workers) {
            try {
                applied.addAll(worker.get());
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isNotInstanceOf(RetriesExhaustedException.class);
                throw e;
            }
        }
        List<StoredEvent<CounterEvent, UUID>> stream = events.fetch(new Increment("hot", 0));
        int n = threads * perThread;
        assertThat(stream).hasSize(n);
        assertThat(stream)
                .extracting(StoredEvent::event)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, n)
                        .mapToObj(i -> (CounterEvent) new Incremented("hot", i))
                        .toList());
        assertThat(stream).extracting(StoredEvent::commandId).containsExactlyInAnyOrderElementsOf(applied);
        assertThat(failures).hasValue(0);
        var snapshot = snapshots.load(new Increment("hot", 0)).orElseThrow();
        int at = stream.stream().map(StoredEvent::version).toList().indexOf(snapshot.version());
        assertThat(snapshot.state()).isEqualTo(new Total(at + 1));
        assertThat(n - (at + 1)).isLessThan(5 + threads);
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM events WHERE decider_id = 'hot'"
                        + " AND previous_id IS DISTINCT FROM (SELECT e2.event_id FROM events e2"
                        + " WHERE e2.decider_id = 'hot' AND e2.\"offset\" < events.\"offset\""
                        + " ORDER BY e2.\"offset\" DESC LIMIT 1)")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }
}
