package io.fmodel.postgres.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.Saga;
import io.fmodel.core.View;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.postgres.CommandSender;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.SagaProcessor;
import io.fmodel.postgres.SchemaInstaller;
import io.fmodel.postgres.SchemaLayout;
import io.fmodel.postgres.SchemaLayoutException;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.ViewProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Streaming on a Citus cluster (a coordinator and two workers on loopback): the per-node discovery of
 * {@code sql/citus/002_event_streaming.sql} (docs/adr/0071) against the single cursor of {@code sql/002} alone.
 *
 * <p>Each database is the event store in the Citus layout, installed by {@code SchemaInstaller}; the tests append
 * with {@code append_event} on the coordinator, each transaction held open, committed or rolled back where the test
 * says, so that the interleavings are deterministic (or, in the randomized runs, recorded by the database itself).
 * Consumers are SQL sessions calling {@code stream_event_batches} and {@code ack_event} on the coordinator, each
 * recording what it got in a table of the coordinator in the transaction of its ack: an exactly-once view.
 *
 * <p>The randomized runs last 8 s each in every build; the {@code citus-long} profile of fmodel-postgres runs them
 * for {@code citus.seconds} (60) each.
 */
@Tag("citus")
class CitusStreamingIT {

    /** The length of each randomized run: 8 s in every build, {@code -Dcitus.seconds} (60 in {@code citus-long}). */
    private static final Duration RUN = Duration.ofSeconds(Long.getLong("citus.seconds", 8));

    private static final boolean LONG = RUN.toSeconds() > 30;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static CitusCluster cluster;
    private static String skipped = "";

    @BeforeAll
    static void startCluster() {
        try {
            cluster = CitusCluster.start(2, Map.of());
        } catch (TestAbortedException e) {
            skipped = String.valueOf(e.getMessage());
        }
    }

    @BeforeEach
    void skipWithoutCitus() {
        Assumptions.assumeTrue(cluster != null, skipped);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    // ------------------------------------------------------------------------------------ deterministic interleavings

    @Test
    void the_single_cursor_of_002_skips_an_event_committed_late_on_one_worker_while_the_other_runs_ahead()
            throws Exception {
        String db = store(false);
        LateCommit run = lateCommitOnOneWorker(db);
        // The event of the late transaction was never discovered, and the cursor is past its offset: skipped for good.
        assertThat(run.markers()).containsOnlyKeys("ahead", "beside");
        assertThat(Long.parseLong(query(db, "SELECT max(discovered_to) FROM view_cursors WHERE view = 'v'")))
                .isGreaterThan(run.lateOffset());
    }

    @Test
    void per_node_discovery_finds_an_event_committed_late_on_one_worker_while_the_other_runs_ahead() throws Exception {
        String db = store(true);
        LateCommit run = lateCommitOnOneWorker(db);
        assertThat(run.markers()).containsOnlyKeys("ahead", "beside", "late");
        assertThat(run.markers().get("late")).isEqualTo(1L);
    }

    /**
     * Streams "late" and "beside" live on worker 0, stream "ahead" on worker 1. The transaction of "late" appends and
     * stays open; "ahead" and "beside" append and commit (so that worker 0 completes a transaction younger than the
     * open one); the view discovers (three times: a hole's record resolves on the second); then "late" commits and
     * the view discovers again. Returns, per stream, the highest stream position the view's markers name, and the
     * offset of the late event.
     */
    private static LateCommit lateCommitOnOneWorker(String db) throws Exception {
        long lateOffset;
        String late = streamOn(db, 0, "late");
        String ahead = streamOn(db, 1, "ahead");
        String beside = streamOn(db, 0, "beside");
        execute(db, "SELECT * FROM register_view('v', '-infinity')");
        try (Connection held = cluster.connect(db)) {
            held.setAutoCommit(false);
            lateOffset = append(held, late);
            try (Connection other = cluster.connect(db)) {
                append(other, ahead);
                append(other, beside);
            }
            for (int i = 0; i < 3; i++) {
                execute(db, "SELECT discover_events('v')");
                Thread.sleep(300); // past the 250 ms of a concurrent discovery
            }
            held.commit();
        }
        for (int i = 0; i < 3; i++) {
            execute(db, "SELECT discover_events('v')");
            Thread.sleep(300);
        }
        Map<String, Long> markers = new HashMap<>();
        try (Connection c = cluster.connect(db);
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT decider_id, max(upto_position) FROM view_markers GROUP BY decider_id")) {
            while (rs.next()) {
                String id = rs.getString(1);
                markers.put(
                        id.equals(late) ? "late" : id.equals(ahead) ? "ahead" : id.equals(beside) ? "beside" : id,
                        rs.getLong(2));
            }
        }
        return new LateCommit(markers, lateOffset);
    }

    private record LateCommit(Map<String, Long> markers, long lateOffset) {}

    @Test
    void a_transaction_of_two_workers_committed_late_is_delivered_once_after_the_events_that_ran_ahead()
            throws Exception {
        String db = store(true);
        String a = streamOn(db, 0, "a");
        String b = streamOn(db, 1, "b");
        String c = streamOn(db, 1, "c");
        execute(db, "SELECT * FROM register_view('v', '-infinity')");
        Consumer consumer = new Consumer(db, "v", "solo");
        try (Connection held = cluster.connect(db)) {
            held.setAutoCommit(false);
            append(held, a);
            append(held, b);
            try (Connection other = cluster.connect(db)) {
                append(other, c);
                append(other, b + "-x");
            }
            consumer.drain();
            assertThat(consumer.seen()).containsExactlyInAnyOrder(c + "#1", b + "-x#1");
            held.commit();
        }
        consumer.drain();
        assertThat(consumer.seen()).containsExactlyInAnyOrder(c + "#1", b + "-x#1", a + "#1", b + "#1");
        assertExactlyOnce(db, "v");
    }

    @Test
    void a_stream_whose_next_event_commits_late_is_delivered_in_order_exactly_once() throws Exception {
        String db = store(true);
        String a = streamOn(db, 0, "a");
        execute(db, "SELECT * FROM register_view('v', '-infinity')");
        for (int p = 1; p <= 3; p++) {
            append(db, a);
        }
        Consumer consumer = new Consumer(db, "v", "solo");
        try (Connection held = cluster.connect(db)) {
            held.setAutoCommit(false);
            append(held, a); // the 4th event of a, committed after the 5th of another stream
            append(db, a + "-other");
            consumer.drain();
            held.commit();
        }
        append(db, a);
        consumer.drain();
        assertThat(consumer.seen()).containsExactly(a + "#1", a + "#2", a + "#3", a + "-other#1", a + "#4", a + "#5");
        assertExactlyOnce(db, "v");
        assertThat(query(db, "SELECT view_lag('v')")).isEqualTo("0");
        // the seed's locks view: each stream's last offset, all acknowledged
        assertThat(query(db, "SELECT count(*) FROM locks WHERE view = 'v' AND \"offset\" = last_offset"))
                .isEqualTo("2");
    }

    // ---------------------------------------------------------------------------- the Java processors, coordinator

    /** The events of the Java tests: the n-th event of its stream, stored as decider1/Numbered version 1. */
    record Numbered(String stream, int n) {}

    /** A view state: the n of every event applied, in order. */
    record Applied(List<Integer> ns) {}

    private static final EventTypes<Numbered> TYPES = EventTypes.of("decider1", Numbered.class);

    @Test
    void view_processors_on_the_coordinator_apply_every_event_once_in_order_with_late_commits_on_each_worker()
            throws Exception {
        String db = store(true);
        PostgresEventStore store = PostgresEventStore.of(dataSource(db));
        View<Applied, Numbered> applied = View.of(new Applied(List.of()), (state, event) -> {
            List<Integer> ns = new ArrayList<>(state.ns());
            ns.add(event.n());
            return new Applied(List.copyOf(ns));
        });
        List<String> streams = new ArrayList<>();
        for (int worker = 0; worker < 2; worker++) {
            for (int i = 0; i < 4; i++) {
                streams.add(streamOn(db, worker, "view-" + worker + "-" + i));
            }
        }
        int perStream = 12;
        StreamingOptions options =
                StreamingOptions.defaults().withWorkers(2).withBatches(3, 4).withPollInterval(Duration.ofMillis(100));
        List<ViewProcessor> processors = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) { // competing processors of one view
                processors.add(store.startView(
                        "applied",
                        TYPES,
                        applied,
                        store.jsonbViewStore("applied", Numbered::stream, Applied.class),
                        options));
            }
            for (int n = 1; n <= perStream; n++) {
                if (n % 4 == 0) {
                    // one stream per worker commits late: the other streams run ahead meanwhile
                    try (Connection held = cluster.connect(db)) {
                        held.setAutoCommit(false);
                        numbered(held, streams.get(0), n);
                        numbered(held, streams.get(4), n);
                        for (String stream : streams.subList(1, 4)) {
                            numbered(db, stream, n);
                        }
                        for (String stream : streams.subList(5, 8)) {
                            numbered(db, stream, n);
                        }
                        Thread.sleep(400);
                        held.commit();
                    }
                } else {
                    for (String stream : streams) {
                        numbered(db, stream, n);
                    }
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Map<String, List<Integer>> states = Map.of();
            while (System.nanoTime() < deadline) {
                states = states(db, "applied");
                if (states.size() == streams.size()
                        && states.values().stream().allMatch(ns -> ns.size() >= perStream)) {
                    break;
                }
                Thread.sleep(200);
            }
            List<Integer> all = IntStream.rangeClosed(1, perStream).boxed().toList();
            assertThat(states).containsOnlyKeys(streams);
            states.values().forEach(ns -> assertThat(ns).isEqualTo(all)); // no gap, no duplicate, in order
            assertThat(processors.getFirst().lag()).isZero();
            assertThat(processors.getFirst().lagTime()).isEqualTo(Duration.ZERO);
        } finally {
            processors.forEach(ViewProcessor::close);
        }
    }

    @Test
    void a_processor_refuses_to_start_on_a_citus_store_without_the_citus_streaming() throws Exception {
        String db = store(true);
        execute(db, "DELETE FROM schema_version WHERE file = 'citus/002_event_streaming.sql'"); // as an older release
        PostgresEventStore store = PostgresEventStore.of(dataSource(db));
        assertThatThrownBy(() -> store.startView(
                        "refused",
                        TYPES,
                        View.of(new Applied(List.of()), (state, event) -> state),
                        store.jsonbViewStore("refused", Numbered::stream, Applied.class),
                        StreamingOptions.defaults()))
                .isInstanceOf(SchemaLayoutException.class)
                .hasMessageContaining("sql/citus/002_event_streaming.sql is not installed")
                .hasMessageContaining("SchemaInstaller.install");
    }

    @Test
    void the_lag_in_time_counts_a_parked_partition_on_a_worker() throws Exception {
        String db = store(true);
        PostgresEventStore store = PostgresEventStore.of(dataSource(db));
        String poison = streamOn(db, 1, "poison");
        numbered(db, poison, 1);
        try (ViewProcessor processor = store.startView(
                "never",
                TYPES,
                View.<Applied, Numbered>of(new Applied(List.of()), (state, event) -> {
                    throw new IllegalArgumentException("never applies");
                }),
                store.jsonbViewStore("never", Numbered::stream, Applied.class),
                StreamingOptions.defaults()
                        .withRetries(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO))
                        .withPollInterval(Duration.ofMillis(100)))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (processor.parked().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(processor.parked()).hasSize(1);
            Thread.sleep(1_100);
            assertThat(processor.lagTime()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(processor.lag()).isEqualTo(1);
        }
    }

    @Test
    void a_saga_on_the_coordinator_reacts_to_every_event_with_one_command_id() throws Exception {
        String db = store(true);
        execute(db, "CREATE TABLE reactions (command_id uuid PRIMARY KEY, stream text NOT NULL, n int NOT NULL)");
        PostgresEventStore store = PostgresEventStore.of(dataSource(db));
        AtomicLong sends = new AtomicLong();
        CommandSender<Numbered> sender = (command, commandId) -> {
            sends.incrementAndGet();
            try (Connection c = cluster.connect(db);
                    PreparedStatement s = c.prepareStatement(
                            "INSERT INTO reactions VALUES (?, ?, ?) ON CONFLICT (command_id) DO NOTHING")) {
                s.setObject(1, commandId);
                s.setString(2, command.stream());
                s.setInt(3, command.n());
                s.executeUpdate();
            }
        };
        List<String> streams = List.of(streamOn(db, 0, "saga-a"), streamOn(db, 1, "saga-b"));
        try (SagaProcessor saga = store.startSaga(
                "reacting",
                TYPES,
                Saga.of((Numbered e) -> List.of(e)),
                sender,
                StreamingOptions.defaults().withPollInterval(Duration.ofMillis(100)))) {
            try (Connection held = cluster.connect(db)) {
                held.setAutoCommit(false);
                numbered(held, streams.get(0), 1); // late on worker 0
                for (int n = 1; n <= 5; n++) {
                    numbered(db, streams.get(1), n);
                }
                Thread.sleep(500);
                held.commit();
            }
            for (int n = 2; n <= 5; n++) {
                numbered(db, streams.get(0), n);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && !query(db, "SELECT count(*) FROM reactions").equals("10")) {
                Thread.sleep(200);
            }
        }
        assertThat(query(db, "SELECT count(*) FROM reactions")).isEqualTo("10");
        assertThat(query(db, "SELECT count(DISTINCT (stream, n)) FROM reactions"))
                .isEqualTo("10");
    }

    private static DataSource dataSource(String db) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(cluster.jdbcUrl(db));
        source.setUser(LocalServer.USER);
        return source;
    }

    private static void numbered(String db, String stream, int n) throws SQLException {
        try (Connection c = cluster.connect(db)) {
            numbered(c, stream, n);
        }
    }

    private static void numbered(Connection c, String stream, int n) throws SQLException {
        append(c, "decider1", "Numbered", stream, "{\"stream\": \"" + stream + "\", \"n\": " + n + "}");
    }

    /** {@return the states of the JSONB view store {@code table}: the ns applied, by stream} */
    private static Map<String, List<Integer>> states(String db, String table) throws SQLException {
        Map<String, List<Integer>> states = new HashMap<>();
        try (Connection c = cluster.connect(db);
                ResultSet rs = c.createStatement().executeQuery("SELECT id, state -> 'ns' FROM " + table)) {
            while (rs.next()) {
                String ns = rs.getString(2).replaceAll("[\\[\\] ]", "");
                states.put(
                        rs.getString(1),
                        ns.isEmpty()
                                ? List.of()
                                : Arrays.stream(ns.split(","))
                                        .map(Integer::valueOf)
                                        .toList());
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return Map.of(); // the first processor has not created it yet
            }
            throw e;
        }
        return states;
    }

    // -------------------------------------------------------------------------------------------- randomized runs

    @Test
    void competing_consumers_see_every_committed_event_once_in_stream_order_under_random_concurrent_appends()
            throws Exception {
        randomRun(Disruption.NONE);
    }

    @Test
    void a_worker_killed_and_restarted_under_load_loses_and_duplicates_nothing() throws Exception {
        randomRun(Disruption.KILL_A_WORKER);
    }

    @Test
    void shards_moved_between_the_workers_while_writers_and_consumers_run_lose_and_duplicate_nothing()
            throws Exception {
        randomRun(Disruption.MOVE_SHARDS);
    }

    private enum Disruption {
        NONE,
        KILL_A_WORKER,
        MOVE_SHARDS
    }

    private static void randomRun(Disruption disruption) throws Exception {
        boolean killAWorker = disruption == Disruption.KILL_A_WORKER;
        String db = store(true);
        execute(db, "SELECT * FROM register_view('v', '-infinity', 5)");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicBoolean consuming = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicLong commits = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int writer = w;
            writers.add(Thread.ofPlatform().start(() -> write(db, writer, writing, commits, unexpected)));
        }
        List<Consumer> consumers = new ArrayList<>();
        List<Thread> consumerThreads = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            Consumer consumer = new Consumer(db, "v", "consumer-" + k);
            consumers.add(consumer);
            consumerThreads.add(Thread.ofPlatform().start(() -> consumer.run(consuming)));
        }
        long third = RUN.toMillis() / 3;
        Thread.sleep(third);
        List<Long> moved = List.of();
        if (killAWorker) {
            cluster.killWorkerHard(0);
        } else if (disruption == Disruption.MOVE_SHARDS) {
            moved = moveShards(db, 0, 1, List.of());
        }
        Thread.sleep(third);
        if (killAWorker) {
            cluster.restartWorker(0);
        } else if (disruption == Disruption.MOVE_SHARDS) {
            moveShards(db, 1, 0, moved); // another shard, one way: no shard comes back to a node it left
        }
        Thread.sleep(third);
        writing.set(false);
        for (Thread t : writers) {
            t.join();
        }
        // recover what the kill left: prepared transactions of the coordinator's two-phase commits
        if (killAWorker) {
            execute(db, "SELECT recover_prepared_transactions()");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(LONG ? 120 : 60).toNanos();
        while (System.nanoTime() < deadline && !caughtUp(db)) {
            Thread.sleep(200);
        }
        consuming.set(false);
        for (Thread t : consumerThreads) {
            t.join();
        }
        assertThat(unexpected).isEmpty();
        long events = Long.parseLong(query(db, "SELECT count(*) FROM events"));
        System.out.printf(
                "CITUS-STREAMING run=%s disruption=%s commits=%d events=%d delivered=%s failedCalls=%d%n",
                RUN,
                disruption,
                commits.get(),
                events,
                query(db, "SELECT count(*) FROM seen"),
                consumers.stream().mapToLong(Consumer::failures).sum());
        assertThat(events).isGreaterThan(50);
        assertExactlyOnce(db, "v");
    }

    /** Every event of the log is in {@code seen} once, and each stream's events were seen in stream order. */
    private static void assertExactlyOnce(String db, String view) throws SQLException {
        assertThat(query(db, """
                        SELECT count(*) FROM (SELECT decider_id, stream_position FROM events
                                              EXCEPT SELECT decider_id, stream_position FROM seen
                                              WHERE view = '%s') missing""".formatted(view)))
                .as("committed events never delivered")
                .isEqualTo("0");
        assertThat(query(
                        db,
                        "SELECT count(*) FROM (SELECT decider_id, stream_position FROM seen WHERE view = '%s' GROUP BY 1, 2 HAVING count(*) > 1) twice"
                                .formatted(view)))
                .as("events delivered twice")
                .isEqualTo("0");
        assertThat(query(db, """
                        SELECT count(*) FROM (SELECT stream_position, lag(stream_position) OVER (PARTITION BY decider_id ORDER BY id) AS before
                                              FROM seen WHERE view = '%s') s
                        WHERE before IS NULL AND stream_position <> 1 OR before IS NOT NULL AND stream_position <> before + 1""".formatted(view)))
                .as("events seen out of stream order")
                .isEqualTo("0");
    }

    /**
     * Moves shards of events from worker {@code from} to worker {@code to} while writers and consumers run
     * ({@code block_writes}: the rebalancer's mode without logical replication): the first of {@code from}'s shards
     * that is not in {@code others}. {@return the shards moved}
     */
    private static List<Long> moveShards(String db, int from, int to, List<Long> others) throws SQLException {
        LocalServer source = cluster.workers().get(from);
        LocalServer target = cluster.workers().get(to);
        List<Long> moved = new ArrayList<>();
        try (Connection c = cluster.connect(db)) {
            try (ResultSet rs = c.createStatement()
                    .executeQuery("SELECT shardid FROM pg_dist_shard_placement WHERE nodeport = " + source.port()
                            + " AND shardid IN (SELECT shardid FROM pg_dist_shard WHERE logicalrelid = 'events'::regclass)"
                            + " ORDER BY shardid")) {
                while (rs.next() && moved.isEmpty()) {
                    if (!others.contains(rs.getLong(1))) {
                        moved.add(rs.getLong(1));
                    }
                }
            }
            for (long shard : moved) {
                try (PreparedStatement move = c.prepareStatement(
                        "SELECT citus_move_shard_placement(?, ?, ?, ?, ?, shard_transfer_mode => 'block_writes')")) {
                    move.setLong(1, shard);
                    move.setString(2, CitusCluster.HOST);
                    move.setInt(3, source.port());
                    move.setString(4, CitusCluster.HOST);
                    move.setInt(5, target.port());
                    move.execute();
                }
            }
        }
        assertThat(moved).isNotEmpty();
        return moved;
    }

    private static boolean caughtUp(String db) throws SQLException {
        return query(
                        db,
                        "SELECT count(*) FROM (SELECT decider_id, stream_position FROM events EXCEPT SELECT decider_id, stream_position FROM seen) m")
                .equals("0");
    }

    /**
     * A writer owns its streams (three on each worker) and appends in transactions of one or two streams, sometimes
     * sleeping before the commit, sometimes rolling back. Each append follows the stream's last event as its
     * transaction sees it: whether a commit that failed took is the database's to say.
     */
    private static void write(
            String db, int writer, AtomicBoolean writing, AtomicLong commits, ConcurrentLinkedQueue<Throwable> out) {
        Random random = new Random(writer * 7919L + System.nanoTime());
        List<String> streams = new ArrayList<>();
        while (writing.get()) {
            try (Connection c = cluster.connect(db)) {
                if (streams.isEmpty()) {
                    for (int worker = 0; worker < 2; worker++) {
                        for (int s = 0; s < 3; s++) {
                            streams.add(streamOn(c, worker, "w" + writer + "-" + worker + "-" + s));
                        }
                    }
                }
                while (writing.get()) {
                    c.setAutoCommit(false);
                    List<String> touched = new ArrayList<>();
                    touched.add(streams.get(random.nextInt(streams.size())));
                    if (random.nextInt(3) == 0) {
                        String second = streams.get(random.nextInt(streams.size()));
                        if (!touched.contains(second)) {
                            touched.add(second);
                        }
                    }
                    for (String stream : touched) {
                        int count = 1 + random.nextInt(3);
                        for (int i = 0; i < count; i++) {
                            append(c, stream);
                        }
                    }
                    if (random.nextInt(4) == 0) {
                        Thread.sleep(random.nextInt(60));
                    }
                    if (random.nextInt(10) == 0) {
                        c.rollback();
                    } else {
                        c.commit();
                        commits.incrementAndGet();
                    }
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                pause(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                out.add(e);
                return;
            }
        }
    }

    /**
     * A consumer of a view: leases partitions, records each event in {@code seen} (a table of the coordinator) and
     * acknowledges the last one, in one transaction; a failure rolls it all back.
     */
    private static final class Consumer {
        private final String db;
        private final String view;
        private final String name;
        private final AtomicLong failures = new AtomicLong();

        Consumer(String db, String view, String name) {
            this.db = db;
            this.view = view;
            this.name = name;
        }

        long failures() {
            return failures.get();
        }

        /** Fetches until three fetches in a row found nothing (discovery runs in every fetch). */
        void drain() throws Exception {
            int empty = 0;
            while (empty < 3) {
                empty = once() == 0 ? empty + 1 : 0;
                if (empty > 0) {
                    Thread.sleep(300);
                }
            }
        }

        void run(AtomicBoolean consuming) {
            while (consuming.get()) {
                try {
                    if (once() == 0) {
                        Thread.sleep(20);
                    }
                } catch (SQLException e) {
                    failures.incrementAndGet();
                    pause(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        List<String> seen() throws SQLException {
            List<String> seen = new ArrayList<>();
            try (Connection c = cluster.connect(db);
                    PreparedStatement s = c.prepareStatement(
                            "SELECT decider_id, stream_position FROM seen WHERE view = ? ORDER BY id")) {
                s.setString(1, view);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        seen.add(rs.getString(1) + "#" + rs.getLong(2));
                    }
                }
            }
            return seen;
        }

        /** {@return the number of events processed by one fetch} */
        private int once() throws SQLException {
            try (Connection c = cluster.connect(db)) {
                c.setAutoCommit(false);
                try {
                    record Last(String decider, long offset, long lease) {}
                    Map<String, Last> last = new LinkedHashMap<>();
                    int events = 0;
                    try (PreparedStatement fetch = c.prepareStatement(
                                    "SELECT decider, decider_id, \"offset\", stream_position, lease FROM stream_event_batches(?, 3, 5, 30, ?)");
                            PreparedStatement record = c.prepareStatement(
                                    "INSERT INTO seen (view, decider_id, stream_position, consumer) VALUES (?, ?, ?, ?)")) {
                        fetch.setString(1, view);
                        fetch.setString(2, name);
                        try (ResultSet rs = fetch.executeQuery()) {
                            while (rs.next()) {
                                events++;
                                record.setString(1, view);
                                record.setString(2, rs.getString(2));
                                record.setLong(3, rs.getLong(4));
                                record.setString(4, name);
                                record.addBatch();
                                last.put(rs.getString(2), new Last(rs.getString(1), rs.getLong(3), rs.getLong(5)));
                            }
                        }
                        if (events > 0) {
                            record.executeBatch();
                        }
                    }
                    try (PreparedStatement ack = c.prepareStatement("SELECT count(*) FROM ack_event(?, ?, ?, ?, ?)")) {
                        for (Map.Entry<String, Last> e : last.entrySet()) {
                            ack.setString(1, view);
                            ack.setString(2, e.getKey());
                            ack.setLong(3, e.getValue().offset());
                            ack.setString(4, e.getValue().decider());
                            ack.setLong(5, e.getValue().lease());
                            ack.executeQuery().close();
                        }
                    }
                    c.commit();
                    return events;
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    /**
     * {@return a new database on the cluster holding the event store in the Citus layout (SchemaInstaller), with the
     * Citus variant of streaming ({@code sql/citus/002_event_streaming.sql}), or, when {@code perNodeStreaming} is
     * false, with {@code sql/002_event_streaming.sql} applied again over it: the single cursor of today's 002}
     */
    private static String store(boolean perNodeStreaming) throws SQLException, IOException {
        String db = "streaming_" + DATABASES.incrementAndGet();
        cluster.createDatabase(db);
        assertThat(SchemaInstaller.install(dataSource(db), SchemaLayout.CITUS))
                .contains("002_event_streaming.sql", "citus/002_event_streaming.sql");
        if (!perNodeStreaming) {
            execute(db, resource("/io/fmodel/postgres/sql/002_event_streaming.sql"));
        }
        execute(db, """
                SELECT * FROM register_decider_event('thing', 'happened', '', 1);
                SELECT * FROM register_decider_event('decider1', 'Numbered', '', 1);
                CREATE TABLE seen (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, view text NOT NULL,
                                   decider_id text NOT NULL, stream_position bigint NOT NULL, consumer text NOT NULL)""");
        return db;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = CitusStreamingIT.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** {@return a stream id starting with {@code prefix} whose shard is on worker {@code worker}} */
    private static String streamOn(String db, int worker, String prefix) throws SQLException {
        try (Connection c = cluster.connect(db)) {
            return streamOn(c, worker, prefix);
        }
    }

    private static String streamOn(Connection c, int worker, String prefix) throws SQLException {
        int port = cluster.workers().get(worker).port();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT p.nodeport FROM pg_dist_shard_placement p
                WHERE p.shardid = get_shard_id_for_distribution_column('events', ?::text)""")) {
            for (int i = 0; ; i++) {
                String id = prefix + "-" + i;
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == port) {
                        return id;
                    }
                }
            }
        }
    }

    /** Appends the next event of {@code stream} (append_event, after its last event visible to {@code c}). */
    private static void append(String db, String stream) throws SQLException {
        try (Connection c = cluster.connect(db)) {
            append(c, stream);
        }
    }

    /** {@return the offset the store gave the event} */
    private static long append(Connection c, String stream) throws SQLException {
        return append(c, "thing", "happened", stream, "{}");
    }

    private static long append(Connection c, String decider, String event, String stream, String data)
            throws SQLException {
        UUID previous = null;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT event_id FROM events WHERE decider_id = ? AND decider = ? ORDER BY stream_position DESC LIMIT 1")) {
            s.setString(1, stream);
            s.setString(2, decider);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    previous = rs.getObject(1, UUID.class);
                }
            }
        }
        try (PreparedStatement s =
                c.prepareStatement("SELECT \"offset\" FROM append_event(?, ?, ?, ?, ?::jsonb, ?, ?)")) {
            s.setString(1, event);
            s.setObject(2, UUID.randomUUID());
            s.setString(3, decider);
            s.setString(4, stream);
            s.setString(5, data);
            s.setObject(6, UUID.randomUUID());
            s.setObject(7, previous);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void execute(String db, String sql) throws SQLException {
        try (Connection c = cluster.connect(db);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(String db, String sql) throws SQLException {
        try (Connection c = cluster.connect(db);
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
