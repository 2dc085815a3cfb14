package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.core.application.ConcurrencyConflictException;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetriesExhaustedException;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.internal.SqlErrors;
import io.fmodel.postgres.topology.CitusCluster;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The append contract of the event store on a Citus cluster (a coordinator and two workers on loopback, from the
 * machine's PostgreSQL 15 and Citus; skipped without them), installed by {@link SchemaInstaller} in the
 * {@link SchemaLayout#CITUS} layout, every call made on the coordinator: the same rules as on plain PostgreSQL
 * (EventStoreSqlIT, AggregateOnPostgresIT), by the same SQLSTATEs; stream order by stream_position when offsets come
 * from two nodes; and no acknowledged append lost, no stream forked, when a worker is killed hard under load and
 * restarted. One cluster and one database for the class; the kill runs last. Short by default (a CI run:
 * {@code -Dcitus.seconds=6}); the {@code citus-long} profile runs the load for 60 s (docs/scaling.md).
 */
@Tag("citus")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CitusStoreIT {

    private static final String DATABASE = "store";
    private static final int SECONDS = Integer.getInteger("citus.seconds", 6);

    private static @Nullable CitusCluster cluster;
    private static @Nullable HikariDataSource dataSource;
    private static List<String> installed = List.of();

    @BeforeAll
    static void startCluster() {
        cluster = CitusCluster.start(2, Map.of());
        cluster.createDatabase(DATABASE);
        dataSource = pool(cluster.jdbcUrl(DATABASE), 16);
        installed = SchemaInstaller.install(dataSource);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT register_decider_event('d', 'e')");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopCluster() {
        if (dataSource != null) {
            dataSource.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void the_installer_chooses_the_citus_layout_and_distributes_the_store_by_decider_id() throws SQLException {
        assertThat(installed)
                .containsExactly(
                        "001_event_sourcing.sql",
                        "002_event_streaming.sql",
                        "citus/002_event_streaming.sql",
                        "003_snapshots.sql",
                        "004_event_metadata.sql",
                        "005_view_lag_time.sql",
                        "006_own_sqlstates.sql");
        assertThat(SchemaInstaller.layoutOf(dataSource())).isEqualTo(SchemaLayout.CITUS);
        assertThat(SchemaInstaller.install(dataSource())).isEmpty();
        assertThat(SchemaInstaller.install(dataSource(), SchemaLayout.CITUS)).isEmpty();
        assertThatThrownBy(() -> SchemaInstaller.install(dataSource(), SchemaLayout.PLAIN))
                .isInstanceOf(SchemaLayoutException.class)
                .hasMessageContaining("Citus layout");
        assertThat(rows("SELECT table_name || ' ' || citus_table_type || ' ' || distribution_column FROM citus_tables"
                        + " ORDER BY table_name"))
                .containsExactly(
                        "deciders reference <none>",
                        "events distributed decider_id",
                        "snapshots distributed decider_id");
        assertThat(
                        rows(
                                "SELECT count(DISTINCT colocation_id) FROM citus_tables WHERE citus_table_type = 'distributed'"))
                .containsExactly("1");
        // every function of a stream runs on its shard's node: distributed by its decider_id, colocated with events
        assertThat(rows("SELECT objid::regproc FROM pg_dist_object WHERE classid = 'pg_proc'::regclass"
                        + " AND distribution_argument_index IS NOT NULL AND colocationid = (SELECT colocation_id"
                        + " FROM citus_tables WHERE table_name = 'events'::regclass) ORDER BY 1"))
                .contains(
                        "append_event",
                        "append_events",
                        "append_events_with_metadata",
                        "get_events",
                        "get_last_event",
                        "save_snapshot",
                        "get_snapshot",
                        "get_events_after");
        // offsets are drawn on the nodes, each from a range of its own: unique in the store
        assertThat(rows("SELECT result FROM run_command_on_workers($$SELECT start_value FROM pg_sequences"
                        + " WHERE sequencename = 'events_offset_seq'$$) ORDER BY nodeport"))
                .hasSize(2)
                .doesNotHaveDuplicates()
                .allSatisfy(start -> assertThat(Long.parseLong(start)).isGreaterThan(1L << 47));
    }

    @Test
    @Order(2)
    void a_processor_is_not_refused_on_a_citus_store_with_streaming() {
        // with sql/citus/002_event_streaming.sql installed, the layout check passes: what fails is what fails on plain
        // PostgreSQL (no such view), not SchemaLayoutException (a Citus store installed without streaming still gets
        // it: StreamingAvailability)
        PostgresEventStore store = PostgresEventStore.of(dataSource());
        assertThatThrownBy(() -> store.startPush("citus-push", "secret", HttpDeliveryOptions.defaults()))
                .isInstanceOf(EventStoreAccessException.class)
                .isNotInstanceOf(SchemaLayoutException.class)
                .hasMessageContaining("view citus-push is not registered");
    }

    @Test
    @Order(3)
    void conflicts_unknown_previous_events_final_streams_and_bad_values_raise_the_stores_own_sqlstates()
            throws SQLException {
        try (Connection c = dataSource().getConnection()) {
            UUID first = append(c, "rules", null);
            // stale previous_id, and NULL on an existing stream
            UUID second = append(c, "rules", first);
            assertRefused(() -> append(c, "rules", first), "ES001", ConcurrencyConflictException.class);
            assertRefused(() -> append(c, "rules", null), "ES001", ConcurrencyConflictException.class);
            assertRefused(() -> append(c, "rules", UUID.randomUUID()), "ES003", UnknownPreviousEventException.class);
            // previous_id of another stream, on whichever node it lives
            UUID elsewhere = append(c, "rules-other", null);
            assertRefused(() -> append(c, "rules", elsewhere), "ES003", UnknownPreviousEventException.class);
            // a duplicate event_id in the stream: the store's SQLSTATE, not Citus's 23505 on a shard's constraint
            assertRefused(
                    () -> append(c, "rules", second, UUID.randomUUID(), first), "ES009", DuplicateEventException.class);
            assertRefused(
                    () -> execute(
                            c,
                            "SELECT * FROM append_event('nope', gen_random_uuid(), 'd', 'rules', '{}',"
                                    + " gen_random_uuid(), NULL)"),
                    "ES002",
                    UnregisteredEventTypeException.class);
            assertRefused(
                    () -> execute(
                            c,
                            "INSERT INTO events (event, event_id, decider, decider_id, data, command_id,"
                                    + " \"offset\") VALUES ('e', gen_random_uuid(), 'd', 'rules', '{}', gen_random_uuid(), 1)"),
                    "ES008",
                    InvalidValueException.class);
            assertRefused(
                    () -> execute(
                            c,
                            "SELECT * FROM append_event('e', gen_random_uuid(), 'd', repeat('x', 513),"
                                    + " '{}', gen_random_uuid(), NULL)"),
                    "ES008",
                    InvalidValueException.class);
            // the final flag closes the stream
            UUID last = only(
                    c,
                    "SELECT event_id FROM append_events(ARRAY['e'], ARRAY[gen_random_uuid()], 'd',"
                            + " 'rules', ARRAY['{}'::jsonb], gen_random_uuid(), '" + second
                            + "', ARRAY[1]::bigint[], true)");
            assertRefused(() -> append(c, "rules", last), "ES004", FinalStreamException.class);
            // append-only, on the shards and on the reference table
            for (String change : List.of(
                    "UPDATE events SET data = '{}' WHERE decider_id = 'rules'",
                    "UPDATE events SET data = '{}'",
                    "DELETE FROM events WHERE decider_id = 'rules'",
                    "TRUNCATE events",
                    "UPDATE deciders SET description = 'changed'",
                    "DELETE FROM deciders")) {
                assertRefused(() -> execute(c, change), "ES006", AppendOnlyViolationException.class);
            }
            assertThat(rows("SELECT stream_position || ' ' || event_id FROM get_events('rules', 'd')"))
                    .containsExactly("1 " + first, "2 " + second, "3 " + last);
        }
    }

    @Test
    @Order(4)
    void of_two_sessions_racing_for_the_first_event_of_a_stream_one_wins_and_the_other_conflicts() throws Exception {
        // at a barrier, outside any transaction block: each call runs on the worker of its stream
        int rounds = 10;
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < rounds; round++) {
                String stream = "race-" + round;
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<String>> sessions = new ArrayList<>();
                for (int s = 0; s < 2; s++) {
                    sessions.add(pool.submit(() -> {
                        try (Connection c = dataSource().getConnection()) {
                            barrier.await(10, TimeUnit.SECONDS);
                            append(c, stream, null);
                            return "appended";
                        } catch (SQLException e) {
                            return e.getSQLState();
                        }
                    }));
                }
                List<String> outcomes = new ArrayList<>();
                for (Future<String> session : sessions) {
                    outcomes.add(session.get(30, TimeUnit.SECONDS));
                }
                assertThat(outcomes).as(stream).containsExactlyInAnyOrder("appended", "ES001");
                assertThat(count(stream)).isEqualTo(1);
            }
        }
        // deterministic: the first session holds its uncommitted first event; the second waits for it, then loses
        try (Connection holder = dataSource().getConnection()) {
            holder.setAutoCommit(false);
            append(holder, "race-held", null);
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
                try (Connection c = dataSource().getConnection()) {
                    append(c, "race-held", null);
                    return "appended";
                } catch (SQLException e) {
                    return e.getSQLState();
                }
            });
            Thread.sleep(500);
            assertThat(second).isNotDone();
            holder.commit();
            assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo("ES001");
        }
        assertThat(count("race-held")).isEqualTo(1);
    }

    @Test
    @Order(5)
    void a_command_appends_to_a_stream_once_and_a_replay_returns_its_events() throws SQLException {
        UUID command = UUID.randomUUID();
        String batch =
                "SELECT event_id FROM append_events(ARRAY['e', 'e'], ARRAY[gen_random_uuid(), gen_random_uuid()],"
                        + " 'd', 'replayed', ARRAY['{}'::jsonb, '{}'::jsonb], '" + command
                        + "', NULL, ARRAY[1, 1]::bigint[])";
        List<String> first = rows(batch);
        assertThat(first).hasSize(2);
        assertThat(rows(batch)).isEqualTo(first);
        // a replay whatever previous_id it names, once the stream moved on
        try (Connection c = dataSource().getConnection()) {
            UUID next = append(c, "replayed", UUID.fromString(first.get(1)));
            assertThat(rows(batch.replace("NULL, ARRAY", "'" + next + "', ARRAY")))
                    .isEqualTo(first);
        }
        assertThat(count("replayed")).isEqualTo(3);
    }

    @Test
    @Order(6)
    void get_events_returns_a_stream_in_stream_order_when_its_offsets_come_from_two_nodes() throws SQLException {
        // a stream on the worker with the higher range of offsets, moved to the other: later offsets are lower
        String stream = streamOnWorker(1);
        try (Connection c = dataSource().getConnection()) {
            UUID previous = null;
            for (int i = 0; i < 3; i++) {
                previous = append(c, stream, previous);
            }
            execute(
                    c,
                    "SELECT citus_move_shard_placement(get_shard_id_for_distribution_column('events', '" + stream
                            + "'), '" + CitusCluster.HOST + "', "
                            + cluster().workers().get(1).port() + ", '"
                            + CitusCluster.HOST + "', "
                            + cluster().workers().get(0).port()
                            + ", shard_transfer_mode := 'block_writes')");
            for (int i = 0; i < 3; i++) {
                previous = append(c, stream, previous);
            }
        }
        List<Long> offsets = longs("SELECT \"offset\" FROM get_events('" + stream + "', 'd')");
        assertThat(offsets).hasSize(6);
        assertThat(offsets.get(3)).as("an offset drawn after the move").isLessThan(offsets.get(2));
        assertThat(longs("SELECT stream_position FROM get_events('" + stream + "', 'd')"))
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertChainIntact(stream, 6);
        // the repository reads it in stream order too, and appends after its last event
        var repository = PostgresEventStore.of(dataSource()).repository(Counter.types(), Increment::counterId);
        var aggregate = EventSourcingAggregate.of(AggregateOnPostgresIT.COUNTER, repository);
        String counter = streamOnWorker(1) + "-counter";
        for (int i = 0; i < 3; i++) {
            aggregate.handle(new Increment(counter, 1));
        }
        execute("SELECT citus_move_shard_placement(get_shard_id_for_distribution_column('events', '" + counter
                + "'), '" + CitusCluster.HOST + "', (SELECT nodeport FROM citus_shards WHERE shardid ="
                + " get_shard_id_for_distribution_column('events', '" + counter
                + "') AND table_name = 'events'::regclass),"
                + " '" + CitusCluster.HOST + "', (SELECT nodeport FROM pg_dist_node WHERE shouldhaveshards AND nodeport"
                + " <> (SELECT nodeport FROM citus_shards WHERE shardid = get_shard_id_for_distribution_column('events', '"
                + counter + "') AND table_name = 'events'::regclass) LIMIT 1), shard_transfer_mode := 'block_writes')");
        for (int i = 0; i < 3; i++) {
            aggregate.handle(new Increment(counter, 1));
        }
        assertThat(repository.fetch(new Increment(counter, 1))).hasSize(6);
        assertChainIntact(counter, 6);
    }

    @Test
    @Order(7)
    void the_repository_and_the_aggregate_work_against_the_coordinator_and_lose_no_update() throws Exception {
        var repository = PostgresEventStore.of(dataSource()).repository(Counter.types(), Increment::counterId);
        var aggregate = EventSourcingAggregate.of(AggregateOnPostgresIT.COUNTER, repository)
                .withRetry(RetryPolicy.of(200, Duration.ofMillis(1), Duration.ofMillis(20)));
        int threads = 4;
        int commands = 15;
        AtomicLong applied = new AtomicLong();
        AtomicLong exhausted = new AtomicLong();
        CyclicBarrier barrier = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    barrier.await();
                    for (int i = 0; i < commands; i++) {
                        try {
                            aggregate.handle(new Increment("citus-shared", 1));
                            applied.incrementAndGet();
                        } catch (RetriesExhaustedException e) {
                            exhausted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(120, TimeUnit.SECONDS);
            }
        }
        assertThat(applied.get() + exhausted.get()).isEqualTo((long) threads * commands);
        assertThat(repository.fetch(new Increment("citus-shared", 1))).hasSize((int) applied.get());
        assertChainIntact("citus-shared", applied.get());
        // a command handled again with its id returns its first events and appends nothing
        UUID commandId = UUID.randomUUID();
        var once = aggregate.handle(new Increment("citus-replayed", 3), commandId);
        aggregate.handle(new Increment("citus-replayed", 1));
        assertThat(aggregate.handle(new Increment("citus-replayed", 3), commandId))
                .isEqualTo(once);
        assertThat(repository.fetch(new Increment("citus-replayed", 1))).hasSize(2);
    }

    @Test
    @Order(8)
    void a_plain_store_in_a_citus_database_stays_plain_until_distributed_and_keeps_its_events() throws Exception {
        cluster().createDatabase("legacy");
        try (HikariDataSource legacy = pool(cluster().jdbcUrl("legacy"), 4)) {
            assertThat(SchemaInstaller.install(legacy, SchemaLayout.PLAIN)).isEqualTo(SchemaInstaller.FILES);
            // the store decides the layout, not the extension
            assertThat(SchemaInstaller.layoutOf(legacy)).isEqualTo(SchemaLayout.PLAIN);
            assertThat(SchemaInstaller.install(legacy)).isEmpty();
            assertThatThrownBy(() -> SchemaInstaller.install(legacy, SchemaLayout.CITUS))
                    .isInstanceOf(SchemaLayoutException.class)
                    .hasMessageContaining("docs/scaling.md");
            var repository = PostgresEventStore.of(legacy).repository(Counter.types(), Increment::counterId);
            var aggregate = EventSourcingAggregate.of(AggregateOnPostgresIT.COUNTER, repository);
            UUID replayed = UUID.randomUUID();
            var first = aggregate.handle(new Increment("legacy-0", 5), replayed);
            for (int stream = 0; stream < 10; stream++) {
                for (int i = 0; i < 4; i++) {
                    aggregate.handle(new Increment("legacy-" + stream, 1));
                }
            }
            List<String> before;
            try (Connection c = legacy.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("SELECT save_snapshot('legacy-1', 'counter', 'v1', '{\"count\": 4}',"
                        + " (SELECT event_id FROM get_last_event('legacy-1', 'counter')))");
                before = all(
                        s,
                        "SELECT decider_id || ' ' || stream_position || ' ' || \"offset\" || ' ' || event_id"
                                + " FROM events ORDER BY decider_id, stream_position");
            }
            assertThat(before).hasSize(41);

            assertThat(SchemaInstaller.distribute(legacy))
                    .containsExactly(
                            "citus/distribute/1_keys.sql",
                            "citus/001_event_sourcing.sql",
                            "citus/002_event_streaming.sql",
                            "citus/003_snapshots.sql",
                            "citus/004_event_metadata.sql",
                            "citus/005_view_lag_time.sql",
                            "citus/006_own_sqlstates.sql",
                            "citus/distribute/2_triggers.sql");
            assertThat(SchemaInstaller.layoutOf(legacy)).isEqualTo(SchemaLayout.CITUS);
            assertThat(SchemaInstaller.distribute(legacy)).isEmpty();
            assertThat(SchemaInstaller.install(legacy)).isEmpty();
            try (Connection c = legacy.getConnection();
                    Statement s = c.createStatement()) {
                assertThat(all(s, "SELECT table_name || ' ' || citus_table_type FROM citus_tables ORDER BY 1"))
                        .containsExactly("deciders reference", "events distributed", "snapshots distributed");
                // the same events, with their ids, offsets and positions, now on the workers
                assertThat(all(
                                s,
                                "SELECT decider_id || ' ' || stream_position || ' ' || \"offset\" || ' ' || event_id"
                                        + " FROM events ORDER BY decider_id, stream_position"))
                        .isEqualTo(before);
                assertThat(all(s, "SELECT state::text FROM get_snapshot('legacy-1', 'counter', 'v1')"))
                        .containsExactly("{\"count\": 4}");
                // the rules hold on the shards again
                assertRefused(
                        () -> execute(c, "UPDATE events SET data = '{}' WHERE decider_id = 'legacy-1'"),
                        "ES006",
                        AppendOnlyViolationException.class);
                assertRefused(
                        () -> execute(
                                c,
                                "SELECT * FROM append_event('Incremented', gen_random_uuid(), 'counter',"
                                        + " 'legacy-1', '{}', gen_random_uuid(), NULL)"),
                        "ES001",
                        ConcurrencyConflictException.class);
            }
            // the application goes on where it was: appends after the copied heads, replays its old commands
            for (int stream = 0; stream < 10; stream++) {
                aggregate.handle(new Increment("legacy-" + stream, 1));
            }
            assertThat(aggregate.handle(new Increment("legacy-0", 5), replayed)).isEqualTo(first);
            assertThat(repository.fetch(new Increment("legacy-0", 1))).hasSize(6);
            // streaming is distributed with the rest (sql/citus/002): processors are not refused
            assertThatThrownBy(() -> PostgresEventStore.of(legacy)
                            .startPush("legacy-push", "secret", HttpDeliveryOptions.defaults()))
                    .isInstanceOf(EventStoreAccessException.class)
                    .isNotInstanceOf(SchemaLayoutException.class)
                    .hasMessageContaining("view legacy-push is not registered");
        }
    }

    @Test
    @Order(100)
    void a_worker_killed_hard_under_append_load_and_restarted_loses_no_acknowledged_append_and_forks_no_stream()
            throws Exception {
        int writers = 4;
        int streams = 24;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            names.add("load-" + i);
        }
        Map<UUID, String> acknowledged = new ConcurrentHashMap<>();
        AtomicLong conflicts = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicLong afterRestart = new AtomicLong();
        AtomicBoolean restarted = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> load = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                load.add(pool.submit(() -> {
                    while (!stop.get()) {
                        String stream = names.get(ThreadLocalRandom.current().nextInt(streams));
                        UUID eventId = UUID.randomUUID();
                        UUID commandId = UUID.randomUUID();
                        try (Connection c = dataSource().getConnection()) {
                            UUID head = head(c, stream);
                            // until the outcome is known: an unknown one is settled by the same command id
                            for (int attempt = 0; ; attempt++) {
                                try {
                                    UUID stored = append(c, stream, eventId, commandId, head);
                                    assertThat(stored).isEqualTo(eventId);
                                    acknowledged.put(eventId, stream);
                                    if (restarted.get()) {
                                        afterRestart.incrementAndGet();
                                    }
                                    break;
                                } catch (SQLException e) {
                                    if (SqlErrors.CONFLICT.equals(e.getSQLState())) {
                                        conflicts.incrementAndGet();
                                        break;
                                    }
                                    failures.incrementAndGet();
                                    if (attempt > 200 || stop.get()) {
                                        break;
                                    }
                                    Thread.sleep(50);
                                    if (c.isClosed() || !c.isValid(1)) {
                                        break; // a new connection, and this command given up (never acknowledged)
                                    }
                                }
                            }
                        } catch (SQLException e) {
                            failures.incrementAndGet();
                            Thread.sleep(50);
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS) / 3);
            long beforeKill = acknowledged.size();
            cluster().killWorkerHard(0);
            Thread.sleep(1_000);
            cluster().restartWorker(0);
            restarted.set(true);
            Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS) * 2 / 3);
            stop.set(true);
            for (Future<?> writer : load) {
                writer.get(120, TimeUnit.SECONDS);
            }
            System.out.printf(
                    "citus kill: %d s of load from %d writers over %d streams: %d appends acknowledged (%d before the"
                            + " kill, %d after the restart), %d conflicts, %d failed calls%n",
                    SECONDS,
                    writers,
                    streams,
                    acknowledged.size(),
                    beforeKill,
                    afterRestart.get(),
                    conflicts.get(),
                    failures.get());
            assertThat(beforeKill).isPositive();
        }
        assertThat(afterRestart.get())
                .as("appends acknowledged after the restart")
                .isPositive();
        // every acknowledged append is stored, in its stream; every stream is one unbroken chain
        for (String stream : names) {
            List<String> stored = rows("SELECT event_id FROM get_events('" + stream + "', 'd')");
            List<String> expected = acknowledged.entrySet().stream()
                    .filter(e -> e.getValue().equals(stream))
                    .map(e -> e.getKey().toString())
                    .toList();
            assertThat(stored).as(stream).containsAll(expected);
            assertChainIntact(stream, stored.size());
        }
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    interface SqlCall {
        void run() throws SQLException;
    }

    private static void assertRefused(SqlCall call, String sqlState, Class<?> mapped) {
        SQLException failure = null;
        try {
            call.run();
        } catch (SQLException e) {
            failure = e;
        }
        if (failure == null) {
            throw new AssertionError("expected a refusal with SQLSTATE " + sqlState);
        }
        assertThat(failure.getSQLState()).as(failure.getMessage()).isEqualTo(sqlState);
        assertThat(SqlErrors.map(failure, "d/rules", null)).isInstanceOf(mapped);
    }

    /** Appends one event after {@code previous} with a new command id; {@return its event id} */
    private static UUID append(Connection c, String stream, @Nullable UUID previous) throws SQLException {
        UUID eventId = UUID.randomUUID();
        return append(c, stream, eventId, UUID.randomUUID(), previous);
    }

    private static UUID append(Connection c, String stream, UUID eventId, UUID commandId, @Nullable UUID previous)
            throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("SELECT event_id FROM append_event('e', ?, 'd', ?, '{}', ?, ?::uuid)")) {
            s.setObject(1, eventId);
            s.setString(2, stream);
            s.setObject(3, commandId);
            s.setObject(4, previous);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                return r.getObject(1, UUID.class);
            }
        }
    }

    private static @Nullable UUID head(Connection c, String stream) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT event_id FROM get_last_event(?, 'd')")) {
            s.setString(1, stream);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getObject(1, UUID.class) : null;
            }
        }
    }

    /** {@return a stream id whose shard is on worker {@code index}} */
    private static String streamOnWorker(int index) throws SQLException {
        int port = cluster().workers().get(index).port();
        while (true) {
            String stream = "moved-" + UUID.randomUUID();
            if (rows("SELECT nodeport FROM citus_shards WHERE table_name = 'events'::regclass AND shardid ="
                            + " get_shard_id_for_distribution_column('events', '" + stream + "')")
                    .equals(List.of(String.valueOf(port)))) {
                return stream;
            }
        }
    }

    /** The stream, in stream order: positions 1..n, each event after the one before, one root. */
    private static void assertChainIntact(String stream, long length) throws SQLException {
        try (Connection c = dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("""
                        SELECT count(*) AS events,
                               count(*) FILTER (WHERE previous_id IS NULL) AS roots,
                               count(*) FILTER (WHERE previous_id IS DISTINCT FROM prior) AS broken,
                               count(*) FILTER (WHERE stream_position <> n) AS misnumbered
                        FROM (SELECT previous_id, stream_position,
                                     lag(event_id) OVER (ORDER BY stream_position) AS prior,
                                     row_number() OVER (ORDER BY stream_position) AS n
                              FROM events WHERE decider_id = ?) chain
                        """)) {
            s.setString(1, stream);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertThat(rs.getLong("events")).as(stream).isEqualTo(length);
                if (length > 0) {
                    assertThat(rs.getLong("roots")).as(stream).isEqualTo(1);
                }
                assertThat(rs.getLong("broken")).as(stream).isZero();
                assertThat(rs.getLong("misnumbered")).as(stream).isZero();
            }
        }
    }

    private static long count(String stream) throws SQLException {
        return longs("SELECT count(*) FROM events WHERE decider_id = '" + stream + "'")
                .get(0);
    }

    private static UUID only(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            assertThat(r.next()).isTrue();
            return r.getObject(1, UUID.class);
        }
    }

    private static List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }

    private static List<String> all(Statement s, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }

    private static List<Long> longs(String sql) throws SQLException {
        return rows(sql).stream().map(Long::parseLong).toList();
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = dataSource().getConnection()) {
            execute(c, sql);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static HikariDataSource pool(String jdbcUrl, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    private static DataSource dataSource() {
        HikariDataSource pool = dataSource;
        if (pool == null) {
            throw new IllegalStateException("no cluster");
        }
        return pool;
    }

    private static CitusCluster cluster() {
        CitusCluster started = cluster;
        if (started == null) {
            throw new IllegalStateException("no cluster");
        }
        return started;
    }
}
