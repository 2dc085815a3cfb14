package io.fmodel.postgres;

import static io.fmodel.postgres.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.View;
import io.fmodel.core.application.RetryPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a {@link ProcessorListener} is told of each batch, and the lag of a view in time, on a real PostgreSQL. */
class ProcessorListenerIT {

    record Numbered(String stream, int n) {}

    private static final EventTypes<Numbered> TYPES = EventTypes.of("decider1", Numbered.class);

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
        }
    }

    /** Records each batch and how its delivery ended, one line per batch. */
    static final class Deliveries implements ProcessorListener {
        final List<String> batches = new CopyOnWriteArrayList<>();
        final List<Map<String, String>> traces = new CopyOnWriteArrayList<>();
        final boolean traced;

        Deliveries(boolean traced) {
            this.traced = traced;
        }

        @Override
        public Delivery delivering(Batch batch) {
            traces.add(batch.traceContext());
            String started = batch.partition().deciderId() + " attempt " + batch.attempt() + " of " + batch.events();
            return (acknowledged, failure) -> batches.add(started + ": acked " + acknowledged
                    + (failure == null ? "" : ", " + failure.getClass().getSimpleName()));
        }

        @Override
        public boolean readsTraceContext() {
            return traced;
        }
    }

    @Test
    void each_batch_is_told_before_and_after_its_delivery_with_its_attempt_and_its_first_events_trace_context()
            throws Exception {
        registerView("told");
        try (Connection c = db.getConnection()) {
            NumberedEvents.appendWithMetadata(
                    c,
                    "s-1",
                    1,
                    "{\"trace_context\": {\"traceparent\": \"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}}");
            NumberedEvents.append(c, "s-1", 2, 3);
        }
        AtomicBoolean failOnce = new AtomicBoolean(true);
        View<Integer, Numbered> sum = View.of(0, (state, event) -> {
            if (event.n() == 1 && failOnce.getAndSet(false)) {
                throw new IllegalStateException("first attempt fails");
            }
            return state + event.n();
        });
        Deliveries listener = new Deliveries(true);
        try (ViewProcessor processor = store.withListener(listener)
                .startView(
                        "told",
                        TYPES,
                        sum,
                        store.jsonbViewStore("told", Numbered::stream, Integer.class),
                        StreamingOptions.defaults()
                                .withRetries(RetryPolicy.of(3, Duration.ofMillis(10), Duration.ofMillis(10)))
                                .withBatches(1, 10))) {
            await(Duration.ofSeconds(10), () -> processor.lag() == 0 && listener.batches.size() == 2);
        }
        assertThat(listener.batches)
                .containsExactly("s-1 attempt 1 of 3: acked 0, IllegalStateException", "s-1 attempt 2 of 3: acked 3");
        assertThat(listener.traces).allSatisfy(trace -> assertThat(trace)
                .containsExactly(Map.entry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")));
    }

    @Test
    void a_listener_that_does_not_read_trace_contexts_gets_none_and_a_failing_listener_stops_nothing()
            throws Exception {
        registerView("untraced");
        try (Connection c = db.getConnection()) {
            NumberedEvents.appendWithMetadata(c, "s-1", 1, "{\"trace_context\": {\"traceparent\": \"00-x\"}}");
        }
        Deliveries listener = new Deliveries(false);
        ProcessorListener both = new ProcessorListener() {
            @Override
            public Delivery delivering(Batch batch) {
                listener.delivering(batch);
                throw new IllegalStateException("a broken tracer");
            }
        };
        try (ViewProcessor processor = store.withListener(both)
                .startView(
                        "untraced",
                        TYPES,
                        View.of(0, (state, event) -> state + event.n()),
                        store.jsonbViewStore("untraced", Numbered::stream, Integer.class),
                        StreamingOptions.defaults())) {
            await(Duration.ofSeconds(10), () -> processor.lag() == 0);
            assertThat(processor.processedCount()).isEqualTo(1);
        }
        assertThat(listener.traces).containsExactly(Map.of());
    }

    @Test
    void the_lag_in_time_is_the_age_of_the_oldest_event_not_processed_and_zero_once_caught_up() throws Exception {
        registerView("aged");
        CountDownLatch release = new CountDownLatch(1);
        View<Integer, Numbered> held = View.of(0, (state, event) -> {
            if (event.n() == 2) {
                awaitRelease(release);
            }
            return state + event.n();
        });
        try (Connection c = db.getConnection()) {
            NumberedEvents.append(c, "held", 1, 1);
            NumberedEvents.append(c, "held", 2, 2);
            NumberedEvents.append(c, "other", 1, 1);
        }
        try (ViewProcessor processor = store.startView(
                "aged",
                TYPES,
                held,
                store.jsonbViewStore("aged", Numbered::stream, Integer.class),
                StreamingOptions.defaults().withBatches(10, 1))) {
            await(Duration.ofSeconds(10), () -> processor.processedCount() == 2); // held 1 and other 1
            Thread.sleep(1_200);
            Duration behind = processor.lagTime();
            assertThat(behind).isGreaterThanOrEqualTo(Duration.ofMillis(1_200)).isLessThan(Duration.ofSeconds(60));
            assertThat(processor.lag()).isEqualTo(1);
            release.countDown();
            await(Duration.ofSeconds(10), () -> processor.lag() == 0);
            assertThat(processor.lagTime()).isEqualTo(Duration.ZERO);
        } finally {
            release.countDown();
        }
    }

    @Test
    void the_lag_in_time_counts_a_parked_partition_and_the_events_not_discovered_yet() throws Exception {
        registerView("parked-age");
        try (Connection c = db.getConnection()) {
            NumberedEvents.append(c, "poison", 1, 1);
        }
        try (ViewProcessor processor = store.startView(
                "parked-age",
                TYPES,
                View.<Integer, Numbered>of(0, (state, event) -> {
                    throw new IllegalArgumentException("never applies");
                }),
                store.jsonbViewStore("parked_age", Numbered::stream, Integer.class),
                StreamingOptions.defaults().withRetries(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO)))) {
            await(Duration.ofSeconds(10), () -> processor.parked().size() == 1);
            Thread.sleep(1_100);
            assertThat(processor.lagTime()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        // nothing discovered yet: a view registered after the events, from the beginning of the log
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT * FROM register_view('undiscovered', '-infinity')");
        }
        Duration undiscovered = lagTimeOf("undiscovered");
        assertThat(undiscovered).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    private Duration lagTimeOf(String view) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement lag = c.prepareStatement("SELECT view_lag_seconds(?)")) {
            lag.setString(1, view);
            try (var r = lag.executeQuery()) {
                r.next();
                return Duration.ofMillis((long) (r.getDouble(1) * 1000));
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

    private static void awaitRelease(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
