package io.fmodel.postgres;

import static io.fmodel.postgres.Await.await;
import static io.fmodel.postgres.Await.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.core.Decider;
import io.fmodel.core.Saga;
import io.fmodel.core.View;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.InMemoryViewStateRepository;
import io.fmodel.core.application.MaterializedView;
import io.fmodel.core.application.RetryPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Java runners against a real PostgreSQL. One schema for the class: each test registers its own view first. */
class ViewProcessorIT {

    private static final Logger LOG = LoggerFactory.getLogger(ViewProcessorIT.class);

    /** The test event: the n-th event of its stream. */
    record Numbered(String stream, int n) {}

    /** The test view state: the n of every event applied, in order. */
    record Applied(List<Integer> ns) {}

    private static final EventTypes<Numbered> TYPES = EventTypes.of("decider1", Numbered.class);

    private static final View<Applied, Numbered> APPLIED = View.of(new Applied(List.of()), (state, event) -> {
        List<Integer> ns = new ArrayList<>(state.ns());
        ns.add(event.n());
        return new Applied(List.copyOf(ns));
    });

    @RegisterExtension
    static final TestDatabase database = new TestDatabase();

    private DataSource db;
    private PostgresEventStore store;

    @BeforeEach
    void registerEventTypes() throws SQLException {
        db = database.dataSource();
        store = PostgresEventStore.of(db);
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT * FROM register_decider_event('decider1', 'Numbered', '', 1)");
            s.execute("SELECT * FROM register_decider_event('decider2', 'Created', '', 1)");
        }
    }

    @Test
    void every_event_is_applied_exactly_once_in_order_while_connections_are_killed() throws Exception {
        int streams = 40;
        int perStream = 50;
        StreamingOptions options = StreamingOptions.defaults()
                .withWorkers(2)
                .withBatches(4, 10)
                .withLeaseTimeout(Duration.ofSeconds(1))
                .withPollInterval(Duration.ofMillis(200));
        View<Applied, Numbered> slowly = View.of(APPLIED.initialState(), (state, event) -> {
            if (event.n() % 10 == 0) {
                sleep(2); // keeps transactions open long enough to be killed mid-batch
            }
            return APPLIED.evolve(state, event);
        });
        registerView("applied");
        appendRounds("applied", streams, 1, perStream / 2);
        AtomicInteger kills = new AtomicInteger();
        AtomicBoolean killing = new AtomicBoolean(true);
        Thread killer = Thread.ofPlatform().start(() -> {
            try (Connection c = db.getConnection();
                    Statement s = c.createStatement()) {
                while (killing.get()) {
                    try (ResultSet rows = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM"
                            + " (SELECT pid FROM pg_stat_activity WHERE application_name = 'fmodel:applied'"
                            + " AND state = 'idle in transaction' LIMIT 1) t")) {
                        rows.next();
                        kills.addAndGet(rows.getInt(1));
                    }
                    sleep(30);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        List<ViewProcessor> consumers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                consumers.add(store.startView(
                        "applied",
                        TYPES,
                        slowly,
                        store.jsonbViewStore("applied", Numbered::stream, Applied.class),
                        options));
            }
            appendRounds("applied", streams, perStream / 2 + 1, perStream); // while they run
            await(
                    Duration.ofSeconds(20),
                    () -> kills.get() >= 5 || consumers.getFirst().lag() == 0);
            killing.set(false);
            killer.join();
            await(Duration.ofSeconds(60), () -> consumers.getFirst().lag() == 0);
        } finally {
            killing.set(false);
            consumers.forEach(ViewProcessor::close);
        }
        Map<String, List<Integer>> states = states("applied");
        List<Integer> all = IntStream.rangeClosed(1, perStream).boxed().toList();
        assertThat(states).hasSize(streams);
        states.values().forEach(ns -> assertThat(ns).isEqualTo(all)); // no gap, no duplicate, in order
        LOG.info(
                "exactly once: {} events in {} streams, 3 processors x 2 workers, {} connections killed mid-batch",
                streams * perStream,
                streams,
                kills.get());
        assertThat(kills.get()).isPositive();
    }

    @Test
    void a_poison_event_parks_only_its_partition_until_released() throws Exception {
        AtomicBoolean poisoned = new AtomicBoolean(true);
        View<Applied, Numbered> fragile = View.of(APPLIED.initialState(), (state, event) -> {
            if (poisoned.get() && event.stream().equals("poison") && event.n() == 2) {
                throw new IllegalArgumentException("cannot apply " + event);
            }
            return APPLIED.evolve(state, event);
        });
        List<String> parkings = new CopyOnWriteArrayList<>();
        ProcessorListener listener = new ProcessorListener() {
            @Override
            public void parked(String view, Partition partition, int attempts, Throwable error) {
                parkings.add(partition + " after " + attempts);
            }
        };
        registerView("fragile");
        append("poison", 1, 3);
        append("healthy", 1, 3);
        try (ViewProcessor processor = store.withListener(listener)
                .startView(
                        "fragile",
                        TYPES,
                        fragile,
                        store.jsonbViewStore("fragile", Numbered::stream, Applied.class),
                        StreamingOptions.defaults()
                                .withRetries(RetryPolicy.of(3, Duration.ofMillis(10), Duration.ofMillis(50)))
                                .withBatches(10, 1))) {
            await(Duration.ofSeconds(10), () -> !processor.parked().isEmpty() && !parkings.isEmpty());
            append("healthy", 4, 5);
            await(
                    Duration.ofSeconds(10),
                    () -> states("fragile").getOrDefault("healthy", List.of()).size() == 5);
            ParkedPartition parked = processor.parked().getFirst();
            assertThat(parked.partition()).isEqualTo(new Partition("decider1", "poison"));
            assertThat(parked.attempts()).isEqualTo(3);
            assertThat(parked.error()).contains("cannot apply Numbered[stream=poison, n=2]");
            assertThat(states("fragile").get("poison")).containsExactly(1);
            assertThat(processor.lag()).isEqualTo(2);
            assertThat(parkings).containsExactly("decider1/poison after 3");
            assertThat(processor.failedCount()).isEqualTo(3);

            poisoned.set(false);
            processor.release(parked.partition());
            await(Duration.ofSeconds(10), () -> processor.lag() == 0);
            assertThat(states("fragile").get("poison")).containsExactly(1, 2, 3);
            assertThat(processor.parked()).isEmpty();
        }
    }

    @Test
    void an_idle_processor_wakes_up_within_milliseconds_of_an_append_well_before_its_poll_interval() throws Exception {
        try (ViewProcessor processor = store.startView(
                "awake",
                TYPES,
                APPLIED,
                store.jsonbViewStore("awake", Numbered::stream, Applied.class),
                StreamingOptions.defaults().withPollInterval(Duration.ofSeconds(30)))) {
            sleep(300); // every worker is idle, waiting up to 30 s
            List<Long> latencies = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                long start = System.nanoTime();
                append("s", i, i);
                int expected = i;
                await(
                        Duration.ofSeconds(10),
                        () -> states("awake").getOrDefault("s", List.of()).size() == expected);
                latencies.add((System.nanoTime() - start) / 1_000_000);
                sleep(100);
            }
            LOG.info("wake-up latencies (append to processed) with a 30 s poll interval: {} ms", latencies);
            assertThat(latencies).allSatisfy(ms -> assertThat(ms).isLessThan(3_000));
        }
    }

    @Test
    void close_finishes_or_releases_in_flight_work_and_a_successor_continues_exactly_once() throws Exception {
        int streams = 10;
        registerView("graceful");
        appendRounds("graceful", streams, 1, 20);
        View<Applied, Numbered> slowly = View.of(APPLIED.initialState(), (state, event) -> {
            sleep(1);
            return APPLIED.evolve(state, event);
        });
        StreamingOptions options = StreamingOptions.defaults().withWorkers(3).withBatches(5, 5);
        ViewProcessor first = store.startView(
                "graceful", TYPES, slowly, store.jsonbViewStore("graceful", Numbered::stream, Applied.class), options);
        await(Duration.ofSeconds(10), () -> first.processedCount() > 0);
        long start = System.nanoTime();
        first.close();
        long closeMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("fmodel-graceful-") && t.isAlive());
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet held = s.executeQuery("SELECT count(*) FROM view_positions WHERE view = 'graceful'"
                        + " AND locked_until > clock_timestamp()")) {
            held.next();
            assertThat(held.getInt(1)).isZero(); // nothing left locked: a successor need not wait for expiry
        }
        long before = first.processedCount();
        try (ViewProcessor second = store.startView(
                "graceful",
                TYPES,
                slowly,
                store.jsonbViewStore("graceful", Numbered::stream, Applied.class),
                options)) {
            // processedCount moves just after each commit, so wait for it too, not only for the lag
            await(Duration.ofSeconds(20), () -> second.lag() == 0 && before + second.processedCount() >= streams * 20L);
            assertThat(before + second.processedCount()).isEqualTo(streams * 20L);
        }
        List<Integer> all = IntStream.rangeClosed(1, 20).boxed().toList();
        states("graceful").values().forEach(ns -> assertThat(ns).isEqualTo(all));
        LOG.info("graceful close took {} ms after {} events", closeMillis, before);
    }

    @Test
    void a_saga_redelivered_event_sends_the_same_command_id_so_its_effect_happens_once() throws Exception {
        registerView("shipping");
        append("order", 1, 10);
        Map<UUID, Integer> sends = new ConcurrentHashMap<>();
        Saga<Numbered, String> shipOnEachEvent = Saga.of(event -> List.of("ship-" + event.stream() + "-" + event.n()));
        CommandSender<String> shipments = (target, commandId) -> {
            try (Connection c = db.getConnection();
                    PreparedStatement append = c.prepareStatement("SELECT event_id FROM append_event('Created',"
                            + " gen_random_uuid(), 'decider2', ?, '{}', ?, NULL, 1)")) {
                append.setString(1, target);
                append.setObject(2, commandId);
                append.executeQuery().close();
            }
            if (sends.merge(commandId, 1, Integer::sum) == 1) {
                throw new IllegalStateException("crash after the effect, before the ack");
            }
        };
        try (SagaProcessor saga = store.startSaga(
                "shipping",
                TYPES,
                shipOnEachEvent,
                shipments,
                StreamingOptions.defaults()
                        .withRetries(RetryPolicy.of(10, Duration.ofMillis(5), Duration.ofMillis(20)))
                        .withBatches(10, 1))) {
            await(Duration.ofSeconds(20), () -> saga.lag() == 0);
        }
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(
                        "SELECT count(*), count(DISTINCT decider_id) FROM events WHERE decider = 'decider2'")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(10);
            assertThat(rows.getInt(2)).isEqualTo(10);
        }
        assertThat(sends).hasSize(10).allSatisfy((id, count) -> assertThat(count)
                .isEqualTo(2));
    }

    /** The saga's command and the shipping aggregate's event. */
    record Ship(String order, int n) {}

    record Shipped(String order, int n) {}

    @Test
    void a_saga_driving_an_event_sourced_aggregate_ships_each_order_line_once_despite_redeliveries() throws Exception {
        registerView("shipper");
        append("order-1", 1, 8);
        append("order-2", 1, 8);
        var shipping = EventSourcingAggregate.of(
                Decider.<Ship, Integer, Shipped>of(
                        0, (command, shipped) -> List.of(new Shipped(command.order(), command.n())), (n, e) -> n + 1),
                store.repository(EventTypes.of("shipping", Shipped.class), Ship::order));
        Map<UUID, Integer> sends = new ConcurrentHashMap<>();
        CommandSender<Ship> crashOnceAfterTheEffect = (command, commandId) -> {
            shipping.handle(command, commandId);
            if (sends.merge(commandId, 1, Integer::sum) == 1) {
                throw new IllegalStateException("crash after the effect, before the ack");
            }
        };
        try (SagaProcessor saga = store.startSaga(
                "shipper",
                TYPES,
                Saga.<Numbered, Ship>of(event -> List.of(new Ship("ship-" + event.stream(), event.n()))),
                crashOnceAfterTheEffect,
                StreamingOptions.defaults()
                        .withRetries(RetryPolicy.of(10, Duration.ofMillis(5), Duration.ofMillis(20))))) {
            await(Duration.ofSeconds(20), () -> saga.lag() == 0);
        }
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT decider_id, string_agg(data->>'n', ',' ORDER BY \"offset\")"
                        + " FROM events WHERE decider = 'shipping' GROUP BY decider_id ORDER BY decider_id")) {
            List<String> shipped = new ArrayList<>();
            while (rows.next()) {
                shipped.add(rows.getString(1) + ":" + rows.getString(2));
            }
            assertThat(shipped).containsExactly("ship-order-1:1,2,3,4,5,6,7,8", "ship-order-2:1,2,3,4,5,6,7,8");
        }
        // every command was sent again after its crash (and once more when the events before a failing one are
        // committed on their own): the effect above happened once regardless
        assertThat(sends).hasSize(16).allSatisfy((id, count) -> assertThat(count)
                .isBetween(2, 3));
    }

    @Test
    void a_materialized_view_kept_elsewhere_runs_at_least_once() throws Exception {
        registerView("elsewhere");
        append("elsewhere-1", 1, 5);
        MaterializedView<Applied, Numbered> inMemory =
                MaterializedView.of(APPLIED, InMemoryViewStateRepository.<Numbered, Applied>of(Numbered::stream));
        List<Applied> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ViewProcessor processor = store.startAtLeastOnce(
                "elsewhere", TYPES, event -> seen.add(inMemory.handle(event)), StreamingOptions.defaults())) {
            await(Duration.ofSeconds(10), () -> processor.lag() == 0);
        }
        assertThat(seen.getLast().ns()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void a_processor_that_registers_a_new_view_processes_the_events_stored_before_it_unless_told_to_start_now()
            throws Exception {
        append("history-1", 1, 3);
        List<Applied> fromTheBeginning = new CopyOnWriteArrayList<>();
        MaterializedView<Applied, Numbered> all =
                MaterializedView.of(APPLIED, InMemoryViewStateRepository.<Numbered, Applied>of(Numbered::stream));
        try (ViewProcessor processor = store.startAtLeastOnce(
                "history-all",
                TYPES,
                event -> {
                    // the log holds the other tests' streams too: this one is the test's
                    if (event.stream().equals("history-1")) {
                        fromTheBeginning.add(all.handle(event));
                    }
                },
                StreamingOptions.defaults())) {
            await(Duration.ofSeconds(10), () -> fromTheBeginning.size() == 3);
        }
        assertThat(fromTheBeginning.getLast().ns()).containsExactly(1, 2, 3);

        List<Applied> fromNow = new CopyOnWriteArrayList<>();
        MaterializedView<Applied, Numbered> recent =
                MaterializedView.of(APPLIED, InMemoryViewStateRepository.<Numbered, Applied>of(Numbered::stream));
        try (ViewProcessor processor = store.startAtLeastOnce(
                "history-new",
                TYPES,
                event -> {
                    if (event.stream().equals("history-1")) {
                        fromNow.add(recent.handle(event));
                    }
                },
                StreamingOptions.defaults().withStartAt(Instant.now()))) {
            append("history-1", 4, 5);
            await(Duration.ofSeconds(10), () -> fromNow.size() == 2 && processor.lag() == 0);
        }
        assertThat(fromNow.getLast().ns()).containsExactly(4, 5);
    }

    @Test
    void a_failed_call_about_the_view_is_a_typed_store_exception_naming_the_view() throws Exception {
        registerView("typed");
        try (ViewProcessor processor =
                store.startAtLeastOnce("typed", TYPES, event -> {}, StreamingOptions.defaults())) {
            assertThatThrownBy(() -> processor.release(new Partition("numbered", "nobody")))
                    .isInstanceOf(EventStoreAccessException.class)
                    .hasMessageContaining("cannot release")
                    .hasMessageContaining("view typed")
                    .extracting(e -> ((EventStoreAccessException) e).sqlState())
                    .isEqualTo("VS004");
        }
    }

    @Test
    void the_states_of_a_jsonb_view_are_read_by_id_and_in_pages_without_sql() throws Exception {
        registerView("queried");
        for (int i = 0; i < 5; i++) {
            append("queried-" + i, 1, i + 1);
        }
        ViewStates<Applied> states = store.viewStates("queried_states", Applied.class);
        assertThatThrownBy(() -> states.find("queried-0"))
                .isInstanceOf(EventStoreAccessException.class)
                .hasMessageContaining("does not exist");

        try (ViewProcessor processor = store.startView(
                "queried",
                TYPES,
                APPLIED,
                store.jsonbViewStore("queried_states", Numbered::stream, Applied.class),
                StreamingOptions.defaults())) {
            await(Duration.ofSeconds(10), () -> processor.lag() == 0);
        }

        assertThat(states.find("queried-3")).contains(new Applied(List.of(1, 2, 3, 4)));
        assertThat(states.find("nobody")).isEmpty();
        assertThat(states.count()).isEqualTo(5);
        List<ViewStates.State<Applied>> first = states.page(null, 2);
        assertThat(first).extracting(ViewStates.State::id).containsExactly("queried-0", "queried-1");
        List<ViewStates.State<Applied>> rest = states.page(first.getLast().id(), 10);
        assertThat(rest).extracting(ViewStates.State::id).containsExactly("queried-2", "queried-3", "queried-4");
        assertThat(rest.getLast().state().ns()).containsExactly(1, 2, 3, 4, 5);
        assertThat(rest.getLast().updatedAt()).isNotNull();
        assertThat(states.page("queried-4", 10)).isEmpty();
        assertThatThrownBy(() -> states.page(null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.viewStates("Not A Table", Applied.class))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_worker_whose_lease_was_taken_over_rolls_back_and_nothing_is_applied_twice() throws Exception {
        registerView("takeover");
        append("takeover-1", 1, 5);
        AtomicBoolean stalled = new AtomicBoolean();
        View<Applied, Numbered> stallOnce = View.of(APPLIED.initialState(), (state, event) -> {
            if (event.n() == 3 && stalled.compareAndSet(false, true)) {
                sleep(2_500); // outlives its 1 s lease: another worker takes the partition over meanwhile
            }
            return APPLIED.evolve(state, event);
        });
        try (ViewProcessor processor = store.startView(
                "takeover",
                TYPES,
                stallOnce,
                store.jsonbViewStore("takeover", Numbered::stream, Applied.class),
                StreamingOptions.defaults()
                        .withWorkers(2)
                        .withLeaseTimeout(Duration.ofSeconds(1))
                        .withPollInterval(Duration.ofMillis(100)))) {
            await(Duration.ofSeconds(10), () -> processor.lag() == 0 && stalled.get());
            sleep(2_000); // let the stalled worker reach its (fenced) ack
            assertThat(states("takeover").get("takeover-1")).containsExactly(1, 2, 3, 4, 5);
            assertThat(processor.processedCount()).isEqualTo(5); // the stalled batch never committed
        }
    }

    @Test
    void rebuild_replays_the_log_into_empty_states_atomically() throws Exception {
        registerView("rebuilt");
        append("rebuilt-1", 1, 5);
        try (ViewProcessor processor = store.startView(
                "rebuilt",
                TYPES,
                APPLIED,
                store.jsonbViewStore("rebuilt", Numbered::stream, Applied.class),
                StreamingOptions.defaults())) {
            await(Duration.ofSeconds(10), () -> processor.lag() == 0);
            assertThat(states("rebuilt").get("rebuilt-1")).containsExactly(1, 2, 3, 4, 5);
            processor.rebuild();
            await(Duration.ofSeconds(20), () -> processor.lag() == 0);
            assertThat(states("rebuilt").get("rebuilt-1")).containsExactly(1, 2, 3, 4, 5);
            assertThat(processor.processedCount()).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void starting_processors_on_a_registered_view_keeps_its_url_lock_timeout_and_pooling_delay() throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement register = c.prepareStatement("SELECT * FROM register_view(?, NULL, 42, 7, ?)")) {
            register.setString(1, "kept");
            register.setString(2, "https://example.com/hooks/kept");
            register.executeQuery().close();
        }
        List<Object> settings = List.of(42L, 7L, "https://example.com/hooks/kept");
        append("kept-1", 1, 3);
        StreamingOptions options = StreamingOptions.defaults()
                .withLeaseTimeout(Duration.ofSeconds(9))
                .withPollInterval(Duration.ofMillis(200));
        List<Numbered> seen = Collections.synchronizedList(new ArrayList<>());
        try (ViewProcessor processor = store.startAtLeastOnce("kept", TYPES, seen::add, options)) {
            await(Duration.ofSeconds(10), () -> processor.lag() == 0);
        }
        assertThat(seen).extracting(Numbered::n).containsExactly(1, 2, 3);
        assertThat(viewSettings("kept")).isEqualTo(settings);

        try (SagaProcessor saga =
                store.startSaga("kept", TYPES, Saga.<Numbered, String>of(event -> List.of()), (c, id) -> {}, options)) {
            await(Duration.ofSeconds(10), () -> saga.lag() == 0);
        }
        assertThat(viewSettings("kept")).isEqualTo(settings);

        // an explicit, different start still moves the view (the log is delivered again) and keeps the settings
        List<Numbered> again = Collections.synchronizedList(new ArrayList<>());
        try (ViewProcessor processor = store.startAtLeastOnce(
                "kept", TYPES, again::add, options.withStartAt(StreamingOptions.FROM_THE_BEGINNING))) {
            await(Duration.ofSeconds(10), () -> processor.lag() == 0);
        }
        // the whole log of the class's schema, of which this test's stream
        assertThat(again)
                .filteredOn(e -> e.stream().equals("kept-1"))
                .extracting(Numbered::n)
                .containsExactly(1, 2, 3);
        assertThat(viewSettings("kept")).isEqualTo(settings);
    }

    /** {@return the view's lock_timeout_s, pooling_delay_s and edge_function_url} */
    private List<Object> viewSettings(String view) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT lock_timeout_s, pooling_delay_s, edge_function_url FROM views WHERE view = ?")) {
            read.setString(1, view);
            try (ResultSet rows = read.executeQuery()) {
                assertThat(rows.next()).isTrue();
                // a list that may hold NULL: an erased URL fails the assertion, not the read
                return Arrays.asList(rows.getLong(1), rows.getLong(2), rows.getString(3));
            }
        }
    }

    private void registerView(String view) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement register = c.prepareStatement("SELECT * FROM register_view(?)")) {
            register.setString(1, view);
            register.executeQuery().close();
        }
    }

    private void appendRounds(String prefix, int streams, int from, int to) throws SQLException {
        for (int i = 0; i < streams; i++) {
            append(prefix + "-" + i, from, to);
        }
    }

    private void append(String stream, int from, int to) throws SQLException {
        try (Connection c = db.getConnection()) {
            NumberedEvents.append(c, stream, from, to);
        }
    }

    private Map<String, List<Integer>> states(String table) {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<Integer>> states = new ConcurrentHashMap<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT id, state::text FROM " + table)) {
            while (rows.next()) {
                states.put(
                        rows.getString(1),
                        json.readValue(rows.getString(2), Applied.class).ns());
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return states;
            }
            throw new IllegalStateException(e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return states;
    }
}
