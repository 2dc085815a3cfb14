package io.fmodel.postgres;

import static io.fmodel.postgres.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fmodel.core.application.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Push delivery against a real HTTP server on loopback and a real PostgreSQL. Each test registers its own view (with
 * the receiver's URL) and appends to its own streams.
 */
class HttpDeliveryProcessorIT {

    private static final String SECRET = "whsec_it";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Small backoffs so that retries take milliseconds; timeouts generous enough for a loaded build machine. */
    private static final HttpDeliveryOptions FAST = HttpDeliveryOptions.defaults()
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(3))
            .withRetries(RetryPolicy.of(10, Duration.ofMillis(20), Duration.ofMillis(200)))
            .withPollInterval(Duration.ofMillis(200))
            .withLeaseTimeout(Duration.ofSeconds(5));

    /** A short request timeout (and so a short lease) for the tests that time out or wait for a lease to expire. */
    private static final HttpDeliveryOptions SHORT =
            FAST.withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(1)).withLeaseTimeout(Duration.ofSeconds(2));

    /** A reply slower than this is one the client gave up on (SHORT's request timeout). */
    private static final long GIVEN_UP_MILLIS = 1_000;

    @RegisterExtension
    static final TestDatabase database = new TestDatabase();

    /** One request as the receiver saw it. */
    record Received(
            String stream,
            int n,
            String eventId,
            String idempotencyKey,
            int attempt,
            boolean signed,
            JsonNode body,
            int status) {}

    /** What the receiver answers (after sleeping {@code sleepMillis}). */
    record Reply(int status, String body, long sleepMillis) {
        static Reply ok() {
            return new Reply(200, "", 0);
        }
    }

    private DataSource db;
    private PostgresEventStore store;
    private HttpServer server;
    private ExecutorService serverThreads;
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> inFlightPerStream = new ConcurrentHashMap<>();
    private final AtomicInteger maxInFlightPerStream = new AtomicInteger();
    private volatile Function<Received, Reply> reply = r -> Reply.ok();

    @BeforeEach
    void start() throws Exception {
        db = database.dataSource();
        store = PostgresEventStore.of(db);
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT * FROM register_decider_event('decider1', 'Numbered', '', 1)");
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/hook", this::receive);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void receive(HttpExchange exchange) throws IOException {
        byte[] raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = in.readAllBytes();
        }
        JsonNode body = JSON.readTree(raw);
        String stream = body.get("decider_id").asText();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        int mine = inFlightPerStream
                .computeIfAbsent(stream, s -> new AtomicInteger())
                .incrementAndGet();
        maxInFlightPerStream.accumulateAndGet(mine, Math::max);
        AtomicBoolean counted = new AtomicBoolean(true);
        Runnable done = () -> {
            if (counted.getAndSet(false)) {
                inFlightPerStream.get(stream).decrementAndGet();
                inFlight.decrementAndGet();
            }
        };
        try {
            Received request = new Received(
                    stream,
                    body.get("data").get("n").asInt(),
                    body.get("event_id").asText(),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    Integer.parseInt(exchange.getRequestHeaders().getFirst("X-Fmodel-Attempt")),
                    WebhookSignature.verify(
                            SECRET,
                            exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                            raw,
                            Duration.ofMinutes(5)),
                    body,
                    0);
            Reply answer = reply.apply(request);
            if (answer.sleepMillis() > 0) {
                Thread.sleep(answer.sleepMillis());
            }
            received.add(new Received(
                    request.stream(),
                    request.n(),
                    request.eventId(),
                    request.idempotencyKey(),
                    request.attempt(),
                    request.signed(),
                    body,
                    answer.sleepMillis() >= GIVEN_UP_MILLIS ? -1 : answer.status()));
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            done.run(); // before the response: the client may send the stream's next event as soon as it has it
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (timeout): nothing to answer
        } finally {
            done.run();
            exchange.close();
        }
    }

    @Test
    void every_event_is_delivered_signed_once_and_in_order_per_stream_with_streams_in_parallel() throws Exception {
        registerView("ordered");
        int streams = 6;
        int perStream = 8;
        for (int i = 0; i < streams; i++) {
            append("ordered-" + i, 1, perStream);
        }
        reply = r -> new Reply(200, "", 15); // slow enough that partitions overlap
        Recording listener = new Recording();
        try (HttpDeliveryProcessor push =
                store.withListener(listener).startPush("ordered", SECRET, FAST.withWorkers(4))) {
            await(
                    Duration.ofSeconds(30),
                    () -> push.lag() == 0
                            && push.processedCount() == streams * perStream
                            && listener.processed.get() == streams * perStream);
            assertThat(listener.processed.get()).isEqualTo(streams * perStream);
        }
        List<Received> all = List.copyOf(received);
        assertThat(all).hasSize(streams * perStream).allSatisfy(r -> {
            assertThat(r.signed()).isTrue();
            assertThat(r.idempotencyKey()).isEqualTo(r.eventId());
            assertThat(r.body().fieldNames())
                    .toIterable()
                    .containsExactly(
                            "event",
                            "event_id",
                            "event_version",
                            "decider",
                            "decider_id",
                            "offset",
                            "data",
                            "created_at",
                            "metadata");
            assertThat(r.body().get("event").asText()).isEqualTo("Numbered");
            assertThat(r.body().get("decider").asText()).isEqualTo("decider1");
            assertThat(r.body().get("data").isObject())
                    .as("data is the JSON document, not a string")
                    .isTrue();
        });
        // created_at as PostgreSQL writes a timestamptz in JSON, in UTC
        Received first = all.getFirst();
        try (Connection c = db.getConnection();
                Statement utc = c.createStatement();
                PreparedStatement createdAt =
                        c.prepareStatement("SELECT to_json(created_at) #>> '{}' FROM events WHERE event_id = ?")) {
            utc.execute("SET TIME ZONE 'UTC'");
            createdAt.setObject(1, java.util.UUID.fromString(first.eventId()));
            try (ResultSet rows = createdAt.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(first.body().get("created_at").asText()).isEqualTo(rows.getString(1));
            }
        }
        Map<String, List<Integer>> byStream = all.stream()
                .collect(Collectors.groupingBy(Received::stream, Collectors.mapping(Received::n, Collectors.toList())));
        List<Integer> expected = IntStream.rangeClosed(1, perStream).boxed().toList();
        assertThat(byStream).hasSize(streams).allSatisfy((stream, ns) -> assertThat(ns)
                .isEqualTo(expected));
        assertThat(maxInFlightPerStream.get())
                .as("one request per stream at a time")
                .isEqualTo(1);
        assertThat(maxInFlight.get()).as("streams delivered concurrently").isGreaterThan(1);

        // acknowledged means never sent again: a new processor sends nothing
        try (HttpDeliveryProcessor again = store.startPush("ordered", SECRET, FAST)) {
            Thread.sleep(500);
            assertThat(again.processedCount()).isZero();
        }
        assertThat(received).hasSize(streams * perStream);
        assertThat(received.stream().map(Received::eventId).distinct()).hasSize(streams * perStream);
    }

    @Test
    void a_500_and_a_timeout_are_retried_with_backoff_and_order_is_kept() throws Exception {
        registerView("retried");
        append("retried-1", 1, 3);
        AtomicInteger calls = new AtomicInteger();
        reply = r -> switch (calls.incrementAndGet()) {
            case 1 -> new Reply(500, "boom", 0); // event 1, attempt 1
            case 3 -> new Reply(200, "", 2_000); // event 2, attempt 1: past the 1 s request timeout
            default -> Reply.ok();
        };
        Recording listener = new Recording();
        try (HttpDeliveryProcessor push = store.withListener(listener).startPush("retried", SECRET, SHORT)) {
            await(Duration.ofSeconds(20), () -> push.lag() == 0 && push.processedCount() == 3);
            assertThat(push.failedCount()).isEqualTo(2);
            assertThat(push.parkedCount()).isZero();
        }
        await(Duration.ofSeconds(5), () -> received.size() == 5); // the timed-out handler finishes late
        List<Received> all = List.copyOf(received);
        assertThat(all.stream().filter(r -> r.status() == 200).map(Received::n)).containsExactly(1, 2, 3);
        assertThat(all.stream().filter(r -> r.n() == 1).map(Received::attempt)).containsExactly(1, 2);
        assertThat(all.stream().filter(r -> r.n() == 2).map(Received::attempt)).containsExactlyInAnyOrder(1, 2);
        assertThat(listener.failures).hasSize(2);
        // every answer is told, the timed-out request (no answer) is not
        assertThat(listener.responses).containsExactly(500, 200, 200, 200);
        assertThat(listener.failures.peek()).isInstanceOf(HttpDeliveryException.class);
        assertThat(((HttpDeliveryException) listener.failures.peek()).status()).isEqualTo(500);
        assertThat(List.copyOf(listener.failures).get(1)).isInstanceOf(java.net.http.HttpTimeoutException.class);
    }

    @Test
    void a_4xx_parks_its_partition_at_once_with_the_response_and_other_streams_keep_flowing() throws Exception {
        registerView("rejected");
        append("rejected-bad", 1, 3);
        append("rejected-good", 1, 3);
        reply = r -> r.stream().equals("rejected-bad") ? new Reply(400, "missing field: amount", 0) : Reply.ok();
        Recording listener = new Recording();
        try (HttpDeliveryProcessor push = store.withListener(listener).startPush("rejected", SECRET, FAST)) {
            // the counters move just after the park commits: wait for them too
            await(
                    Duration.ofSeconds(20),
                    () -> push.parked().size() == 1
                            && push.lag() == 3
                            && push.parkedCount() == 1
                            && listener.parked.get() == 1);
            ParkedPartition parked = push.parked().getFirst();
            assertThat(parked.partition()).isEqualTo(new Partition("decider1", "rejected-bad"));
            assertThat(parked.error()).contains("HTTP 400").contains("missing field: amount");
            assertThat(push.parkedCount()).isEqualTo(1);
            assertThat(listener.parked.get()).isEqualTo(1);
            assertThat(received.stream().filter(r -> r.stream().equals("rejected-bad")))
                    .as("a 4xx is not retried")
                    .hasSize(1);
            assertThat(received.stream().filter(r -> r.stream().equals("rejected-good")))
                    .hasSize(3);

            reply = r -> Reply.ok(); // the receiver is fixed
            push.release(parked.partition());
            await(Duration.ofSeconds(20), () -> push.lag() == 0);
        }
        assertThat(received.stream()
                        .filter(r -> r.stream().equals("rejected-bad") && r.status() == 200)
                        .map(Received::n))
                .containsExactly(1, 2, 3);
    }

    @Test
    void a_partition_failing_with_5xx_is_parked_after_the_max_attempts() throws Exception {
        registerView("exhausted");
        append("exhausted-1", 1, 2);
        reply = r -> new Reply(503, "unavailable", 0);
        try (HttpDeliveryProcessor push = store.startPush(
                "exhausted",
                SECRET,
                FAST.withRetries(RetryPolicy.of(3, Duration.ofMillis(10), Duration.ofMillis(50))))) {
            await(Duration.ofSeconds(20), () -> push.parked().size() == 1);
            assertThat(push.parked().getFirst().attempts()).isEqualTo(3);
            assertThat(push.parked().getFirst().error()).contains("HTTP 503");
            assertThat(push.failedCount()).isEqualTo(3);
        }
        assertThat(received).hasSize(3).allSatisfy(r -> assertThat(r.n()).isEqualTo(1));
    }

    @Test
    void an_event_answered_but_not_acknowledged_before_a_crash_is_delivered_again() throws Exception {
        registerView("crashed");
        append("crashed-1", 1, 3);
        AtomicInteger killed = new AtomicInteger();
        reply = r -> {
            if (r.n() == 1 && killed.get() == 0) {
                // the crash: the processor's connection dies after the request arrived, before the 2xx is acked
                killed.set(terminate("fmodel-push:crashed"));
            }
            return Reply.ok();
        };
        try (HttpDeliveryProcessor first = store.startPush("crashed", SECRET, SHORT)) {
            await(Duration.ofSeconds(10), () -> killed.get() > 0);
        }
        try (HttpDeliveryProcessor second = store.startPush("crashed", SECRET, SHORT)) {
            await(Duration.ofSeconds(20), () -> second.lag() == 0);
        }
        Map<Integer, Long> deliveries =
                received.stream().collect(Collectors.groupingBy(Received::n, Collectors.counting()));
        assertThat(deliveries).containsExactlyInAnyOrderEntriesOf(Map.of(1, 2L, 2, 1L, 3, 1L));
        assertThat(received.stream().map(Received::n)).containsExactly(1, 1, 2, 3);
        // the receiver dedupes by event id: both deliveries of event 1 carry the same one
        assertThat(received.stream()
                        .filter(r -> r.n() == 1)
                        .map(Received::eventId)
                        .distinct())
                .hasSize(1);
    }

    @Test
    void a_view_without_a_url_is_refused_with_the_stores_typed_exception_naming_the_view() throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement register = c.prepareStatement("SELECT * FROM register_view(?)")) {
            register.setString(1, "no-url");
            register.executeQuery().close();
        }
        assertThatThrownBy(() -> store.startPush("no-url", SECRET, FAST))
                .isInstanceOfSatisfying(EventStoreAccessException.class, e -> assertThat(e.stream())
                        .isEqualTo("view no-url"))
                .hasMessageContaining("edge_function_url");
        assertThatThrownBy(() -> store.startPush("not-registered", SECRET, FAST))
                .isInstanceOfSatisfying(EventStoreAccessException.class, e -> assertThat(e.stream())
                        .isEqualTo("view not-registered"))
                .hasMessageContaining("not registered");
    }

    /** Counts what the processor reports. */
    static final class Recording implements ProcessorListener {
        final AtomicInteger processed = new AtomicInteger();
        final AtomicInteger parked = new AtomicInteger();
        final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final Queue<Integer> responses = new ConcurrentLinkedQueue<>();

        @Override
        public void responded(String view, Partition partition, int status) {
            responses.add(status);
        }

        @Override
        public void processed(String view, Partition partition, int events) {
            processed.addAndGet(events);
        }

        @Override
        public void failed(String view, Partition partition, int attempt, Throwable error) {
            failures.add(error);
        }

        @Override
        public void parked(String view, Partition partition, int attempts, Throwable error) {
            parked.incrementAndGet();
        }
    }

    private void registerView(String view) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement register = c.prepareStatement("SELECT * FROM register_view(?, NULL, 300, 1, ?)")) {
            register.setString(1, view);
            register.setString(2, "http://127.0.0.1:" + server.getAddress().getPort() + "/hook/" + view);
            register.executeQuery().close();
        }
    }

    private int terminate(String applicationName) {
        try (Connection c = db.getConnection();
                PreparedStatement kill = c.prepareStatement("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid,"
                        + " 5000)) FROM pg_stat_activity WHERE application_name = ?")) {
            kill.setString(1, applicationName);
            try (ResultSet rows = kill.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void append(String stream, int from, int to) throws SQLException {
        try (Connection c = db.getConnection()) {
            NumberedEvents.append(c, stream, from, to);
        }
    }
}
