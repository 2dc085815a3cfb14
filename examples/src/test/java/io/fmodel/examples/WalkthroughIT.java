package io.fmodel.examples;

import static io.fmodel.examples.ReadmeQuickStartTest.COUNTER;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fmodel.core.Saga;
import io.fmodel.core.View;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.SnapshotPolicy;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.examples.ReadmeQuickStartTest.Add;
import io.fmodel.examples.ReadmeQuickStartTest.AddRejected;
import io.fmodel.examples.ReadmeQuickStartTest.Added;
import io.fmodel.examples.ReadmeQuickStartTest.CounterCommand;
import io.fmodel.examples.ReadmeQuickStartTest.CounterEvent;
import io.fmodel.postgres.EmbeddedStore;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.HttpDeliveryOptions;
import io.fmodel.postgres.HttpDeliveryProcessor;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.PostgresSnapshotRepository;
import io.fmodel.postgres.SagaProcessor;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.ViewProcessor;
import io.fmodel.postgres.ViewStates;
import io.fmodel.postgres.WebhookSignature;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * What the README promises, done through the exported API only: this test is compiled into the examples' module,
 * which reads {@code io.fmodel.postgres} and its exports and nothing else (a probe below shows that the internals do
 * not compile from outside).
 */
class WalkthroughIT {

    private static final EventTypes<CounterEvent> TYPES = EventTypes.of("counter", CounterEvent.class);
    private static final String SECRET = "walkthrough-secret";

    @Test
    void write_read_view_query_saga_snapshots_and_push_through_the_exported_api() throws Exception {
        List<String> pushed = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks/counters", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String signature = exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER);
            boolean valid = WebhookSignature.verify(SECRET, signature, body, Duration.ofMinutes(5));
            if (valid) {
                pushed.add(new String(body, StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(valid ? 204 : 401, -1);
            exchange.close();
        });
        receiver.start();
        try (EmbeddedStore embedded = EmbeddedStore.start()) {
            PostgresEventStore store = PostgresEventStore.of(embedded.dataSource());

            // write, with snapshots
            PostgresEventRepository<CounterCommand, CounterEvent> counters =
                    store.repository(TYPES, CounterCommand::counterId);
            PostgresSnapshotRepository<CounterCommand, Integer> snapshots =
                    store.snapshots(counters, Integer.class, "total-v1");
            var aggregate = EventSourcingAggregate.of(COUNTER, counters, snapshots, SnapshotPolicy.every(2));
            aggregate.handle(new Add("c-1", 5));
            aggregate.handle(new Add("c-1", 7));
            UUID requestId = UUID.randomUUID();
            assertThat(aggregate.handle(new Add("c-2", 99), requestId)).containsExactly(new Added("c-2", 99));
            assertThat(aggregate.handle(new Add("c-2", 99), requestId))
                    .as("the same command id: nothing appended again")
                    .containsExactly(new Added("c-2", 99));
            assertThat(aggregate.handle(new Add("c-2", 5))).containsExactly(new AddRejected("c-2", 5, "over 100"));

            // read a stream by its id
            List<StoredEvent<CounterEvent, UUID>> stream = counters.read("c-1");
            assertThat(stream).extracting(StoredEvent::event).containsExactly(new Added("c-1", 5), new Added("c-1", 7));
            assertThat(snapshots.load(new Add("c-1", 0)))
                    .hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(12))
                    .hasValueSatisfying(s ->
                            assertThat(s.version()).isEqualTo(stream.getLast().version()));

            // a view, started after the writes (a new view starts from the beginning), and its query side
            // a saga: every Added of a counter adds 1 to its audit counter, once
            Saga<CounterEvent, CounterCommand> audit =
                    Saga.of(event -> event instanceof Added a && !a.counterId().startsWith("audit-")
                            ? List.of(new Add("audit-" + a.counterId(), 1))
                            : List.of());
            try (ViewProcessor totals = store.startView(
                            "walkthrough-totals",
                            TYPES,
                            View.of(
                                    0,
                                    (Integer total, CounterEvent e) ->
                                            e instanceof Added a ? total + a.amount() : total),
                            store.jsonbViewStore("walkthrough_totals", CounterEvent::counterId, Integer.class),
                            StreamingOptions.defaults());
                    SagaProcessor auditing = store.startSaga(
                            "walkthrough-audit", TYPES, audit, aggregate::handle, StreamingOptions.defaults())) {
                ViewStates<Integer> states = store.viewStates("walkthrough_totals", Integer.class);
                await(() -> auditing.lag() == 0 && states.count() == 4 && totals.lag() == 0);

                assertThat(states.find("c-1")).contains(12);
                assertThat(states.find("c-2")).contains(99);
                assertThat(states.find("audit-c-1")).contains(2);
                assertThat(states.find("audit-c-2")).contains(1);
                assertThat(states.page(null, 2))
                        .extracting(ViewStates.State::id)
                        .containsExactly("audit-c-1", "audit-c-2");
                assertThat(states.page("audit-c-2", 10))
                        .extracting(ViewStates.State::id)
                        .containsExactly("c-1", "c-2");
                assertThat(totals.parked()).isEmpty();
                assertThat(auditing.parked()).isEmpty();
            }

            // push: a view registered with its URL (SQL, as the seed does), its events POSTed and signed
            try (Connection c = embedded.dataSource().getConnection();
                    PreparedStatement register = c.prepareStatement(
                            "SELECT * FROM register_view('walkthrough-push', 'epoch'::timestamptz, 300, 1, ?)")) {
                register.setString(
                        1, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/counters");
                register.executeQuery().close();
            }
            try (HttpDeliveryProcessor push = store.startPush(
                    "walkthrough-push", SECRET, HttpDeliveryOptions.defaults().withWorkers(2))) {
                await(() -> push.lag() == 0 && pushed.size() == 7);
                assertThat(push.parked()).isEmpty();
            }
            assertThat(pushed)
                    .as("every event once: 2 + 1 + 1 rejected on c-1 and c-2, 3 audits")
                    .hasSize(7)
                    .allMatch(body ->
                            body.contains("\"decider\" : \"counter\"") || body.contains("\"decider\":\"counter\""));
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void the_adapters_internals_do_not_compile_from_a_module_that_reads_it() throws IOException {
        Path probe = Files.createTempDirectory("fmodel-probe");
        Path sources = Files.createDirectories(probe.resolve("src/probe"));
        Files.writeString(sources.resolve("module-info.java"), "module probe { requires io.fmodel.postgres; }\n");
        Files.createDirectories(sources.resolve("probe"));
        Files.writeString(sources.resolve("probe/Reach.java"), """
                package probe;

                public class Reach {
                    Object api = io.fmodel.postgres.PostgresEventStore.class;
                    Object internal = io.fmodel.postgres.internal.Json.defaultMapper();
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        List<String> arguments = new ArrayList<>(List.of(
                "-d",
                probe.resolve("out").toString(),
                "--module-path",
                modulePath(),
                "--module-source-path",
                probe.resolve("src").toString(),
                "--module",
                "probe"));

        boolean compiled =
                javac.getTask(diagnostics, null, null, arguments, null, null).call();

        assertThat(compiled).as(diagnostics.toString()).isFalse();
        assertThat(diagnostics.toString())
                .contains("package io.fmodel.postgres.internal is not visible")
                .doesNotContain("PostgresEventStore");
    }

    /** The adapter, the core and what they read, from this test's class path. */
    private static String modulePath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).toString();
            if (name.contains("fmodel-core")
                    || name.contains("fmodel-postgres")
                    || name.contains("jackson")
                    || name.contains("jooq")
                    || name.contains("postgresql")
                    || name.contains("slf4j-api")
                    || name.contains("jspecify")
                    || name.contains("reactive-streams")
                    || name.contains("r2dbc")) {
                entries.add(entry);
            }
        }
        assertThat(entries).as("module path").anyMatch(e -> e.contains("fmodel-postgres"));
        return String.join(File.pathSeparator, entries);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("in time").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
