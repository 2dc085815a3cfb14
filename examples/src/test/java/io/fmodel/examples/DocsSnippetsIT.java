package io.fmodel.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fmodel.core.Decider;
import io.fmodel.core.Saga;
import io.fmodel.core.View;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.core.application.SnapshotPolicy;
import io.fmodel.postgres.EmbeddedStore;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.HttpDeliveryOptions;
import io.fmodel.postgres.HttpDeliveryProcessor;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.SagaProcessor;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.ViewProcessor;
import io.fmodel.postgres.WebhookSignature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The Java snippets of docs/, run on an embedded PostgreSQL: the lines between {@code // docs/...: start} and
 * {@code // docs/...: end} are the page's, line for line (DocsSnippetsTest checks every Java block of README.md and
 * docs/ against the marked lines of these tests).
 */
class DocsSnippetsIT {

    record Deposit(String accountId, int amount) {}

    sealed interface AccountEvent permits Deposited {
        String accountId();
    }

    record Deposited(String accountId, int amount) implements AccountEvent {}

    record Balance(int amount) {
        static final Balance ZERO = new Balance(0);

        Balance apply(AccountEvent event) {
            return event instanceof Deposited d ? new Balance(amount + d.amount()) : this;
        }
    }

    record Notify(String accountId, int balance) {}

    record Notified(String accountId, int balance) {}

    private static final Decider<Deposit, Balance, AccountEvent> decider = Decider.of(
            Balance.ZERO,
            (deposit, balance) -> List.of(new Deposited(deposit.accountId(), deposit.amount())),
            Balance::apply);

    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> processed = ConcurrentHashMap.newKeySet();
    private final String secret = "docs-secret";

    @Test
    void the_snippets_of_the_streaming_snapshots_event_store_and_push_pages_run() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks/orders", exchange -> {
            receive(exchange);
            exchange.close();
        });
        receiver.start();
        try (EmbeddedStore embedded = EmbeddedStore.start()) {
            DataSource dataSource = embedded.dataSource();
            // spotless:off
            // docs/event-store.md: start
            PostgresEventStore.of(dataSource).installSchema();               // the same files, from the jar
            // docs/event-store.md: end
            PostgresEventStore store = PostgresEventStore.of(dataSource);
            // docs/snapshots.md: start
            var events = store.repository(EventTypes.of("account", AccountEvent.class), Deposit::accountId);
            var snapshots = store.snapshots(events, Balance.class, "balance-v1");   // same decider and stream ids as events
            var accounts = EventSourcingAggregate.of(decider, events, snapshots, SnapshotPolicy.every(100))
                    .withRetry(RetryPolicy.defaults());
            accounts.handle(new Deposit("a-1", 10));   // decides, appends and returns exactly what it would without snapshots
            // docs/snapshots.md: end
            var notifications = EventSourcingAggregate.of(
                    Decider.<Notify, Integer, Notified>of(
                            0, (command, n) -> List.of(new Notified(command.accountId(), command.balance())), (n, e) -> n + 1),
                    store.repository(EventTypes.of("notification", Notified.class), Notify::accountId));
            Saga<AccountEvent, Notify> overdraftSaga = Saga.of(event -> event instanceof Deposited d && d.amount() > 5
                    ? List.of(new Notify(d.accountId(), d.amount()))
                    : List.of());
            // docs/streaming.md: start
            EventTypes<AccountEvent> types = EventTypes.of("account", AccountEvent.class);
            View<Balance, AccountEvent> balance = View.of(Balance.ZERO, Balance::apply);

            try (ViewProcessor balances = store.startView("balances", types, balance,
                    store.jsonbViewStore("balances", AccountEvent::accountId, Balance.class),
                    StreamingOptions.defaults().withWorkers(4)
                            .withRetries(RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofMinutes(1))));
                 SagaProcessor notifier = store.startSaga("notifier", types, overdraftSaga,
                    (command, commandId) -> notifications.handle(command, commandId),
                    StreamingOptions.defaults())) {
                long lag = balances.lag();
                balances.parked().forEach(p -> balances.release(p.partition()));
            // docs/streaming.md: end
                await(() -> balances.lag() == 0 && notifier.lag() == 0);
                assertThat(lag).isGreaterThanOrEqualTo(0);
            }
            // spotless:on
            assertThat(store.viewStates("balances", Balance.class).find("a-1")).contains(new Balance(10));
            assertThat(store.<Notify, Notified>repository(
                                    EventTypes.of("notification", Notified.class), Notify::accountId)
                            .read("a-1"))
                    .extracting(e -> e.event())
                    .containsExactly(new Notified("a-1", 10));

            try (Connection c = dataSource.getConnection();
                    PreparedStatement register = c.prepareStatement(
                            "SELECT * FROM register_view('orders-webhook', 'epoch'::timestamptz, 300, 1, ?)")) {
                register.setString(
                        1, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/orders");
                register.executeQuery().close();
            }
            String webhookSecret = secret;
            // spotless:off
            // docs/push-delivery.md: start
            try (HttpDeliveryProcessor push = store.startPush("orders-webhook",
                    webhookSecret,                                      // per view, never stored in the database
                    HttpDeliveryOptions.defaults().withWorkers(8))) {
                // runs until closed; push.lag(), push.parked(), push.release(partition) as for any StreamProcessor
            // docs/push-delivery.md: end
                await(() -> push.lag() == 0 && processed.size() == 2);
                assertThat(push.parked()).isEmpty();
            }
            // spotless:on
        } finally {
            receiver.stop(0);
        }
    }

    /** The receiving side of docs/push-delivery.md. */
    private void receive(HttpExchange exchange) throws IOException {
        // spotless:off
        // docs/push-delivery.md: start
        byte[] body = exchange.getRequestBody().readAllBytes();             // the raw bytes, before parsing
        String signature = exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER);
        if (!WebhookSignature.verify(secret, signature, body, Duration.ofMinutes(5))) {
            exchange.sendResponseHeaders(401, -1);                           // 4xx: the sender parks, does not retry
            return;
        }
        JsonNode event = json.readTree(body);
        if (processed.add(event.get("event_id").asText())) {                 // at least once: dedupe by event id
            handle(event);
        }
        exchange.sendResponseHeaders(200, -1);                               // 2xx: acknowledged
        // docs/push-delivery.md: end
        // spotless:on
    }

    private void handle(JsonNode event) {
        assertThat(event.get("decider").asText()).isIn("account", "notification");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("in time").isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
