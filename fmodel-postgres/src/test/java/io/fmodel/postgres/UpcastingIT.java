package io.fmodel.postgres;

import static io.fmodel.postgres.Wallet.balanceChecked;
import static io.fmodel.postgres.Wallet.depositedV2;
import static io.fmodel.postgres.Wallet.moneyAdded;
import static io.fmodel.postgres.Wallet.opened;
import static io.fmodel.postgres.Wallet.openedWithDeposit;
import static io.fmodel.postgres.Wallet.writeAsAnOlderRelease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fmodel.core.Saga;
import io.fmodel.core.View;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.SnapshotPolicy;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.Wallet.Balance;
import io.fmodel.postgres.Wallet.Deposit;
import io.fmodel.postgres.Wallet.Deposited;
import io.fmodel.postgres.Wallet.Opened;
import io.fmodel.postgres.Wallet.WalletCommand;
import io.fmodel.postgres.Wallet.WalletEvent;
import io.fmodel.postgres.Wallet.Withdraw;
import io.fmodel.postgres.Wallet.Withdrawn;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upcasting end to end on PostgreSQL: events an older release stored (through the seed's SQL API) read at their
 * current versions by every kind of reader: the repository, an aggregate (with and without snapshots), views, sagas
 * and push; renamed events, renamed and added fields, an event split in two, a dropped event, and the typed error of
 * an event with no path to its current version.
 */
class UpcastingIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final PostgresEventStore store = PostgresEventStore.of(db.dataSource());
    // creating it registers the current versions and the upcast ones, so the old rows below are valid
    private final PostgresEventRepository<WalletCommand, WalletEvent> wallets =
            store.repository(Wallet.types(), WalletCommand::walletId);

    private static List<WalletEvent> events(List<StoredEvent<WalletEvent, UUID>> stored) {
        return stored.stream().map(StoredEvent::event).toList();
    }

    @Test
    void a_renamed_event_of_an_older_version_reads_as_the_current_version_through_each_step() throws SQLException {
        writeAsAnOlderRelease(
                db.dataSource(), "w-rename", List.of(moneyAdded("w-rename", 500), depositedV2("w-rename", 7)));

        assertThat(events(wallets.read("w-rename")))
                .containsExactly(new Deposited("w-rename", 500, "EUR"), new Deposited("w-rename", 7, "EUR"));
    }

    @Test
    void an_event_split_in_two_reads_as_two_events_that_share_the_stored_event_s_version() throws SQLException {
        List<UUID> ids =
                writeAsAnOlderRelease(db.dataSource(), "w-split", List.of(openedWithDeposit("w-split", "ada", 1_000)));

        List<StoredEvent<WalletEvent, UUID>> read = wallets.read("w-split");

        assertThat(events(read)).containsExactly(new Opened("w-split", "ada"), new Deposited("w-split", 1_000, "EUR"));
        assertThat(read).extracting(StoredEvent::version).containsExactly(ids.getFirst(), ids.getFirst());
    }

    @Test
    void a_dropped_event_is_not_seen_and_its_stream_stays_writable_after_it() throws SQLException {
        List<UUID> ids = writeAsAnOlderRelease(
                db.dataSource(), "w-drop", List.of(opened("w-drop", "bob"), balanceChecked("w-drop")));

        List<StoredEvent<WalletEvent, UUID>> read = wallets.read("w-drop");
        assertThat(events(read)).containsExactly(new Opened("w-drop", "bob"));
        // the last event read carries the stream's version, the dropped event's id: the next append expects it
        assertThat(read.getLast().version()).isEqualTo(ids.getLast());

        var aggregate = EventSourcingAggregate.of(Wallet.DECIDER_OF_WALLETS, wallets);
        assertThat(aggregate.handle(new Deposit("w-drop", 30))).containsExactly(new Deposited("w-drop", 30, "EUR"));
        assertThat(events(wallets.read("w-drop")))
                .containsExactly(new Opened("w-drop", "bob"), new Deposited("w-drop", 30, "EUR"));
    }

    @Test
    void an_aggregate_decides_on_the_upcast_history_and_writes_only_current_versions() throws SQLException {
        writeAsAnOlderRelease(
                db.dataSource(),
                "w-agg",
                List.of(openedWithDeposit("w-agg", "cy", 1_000), moneyAdded("w-agg", 500), balanceChecked("w-agg")));
        var aggregate = EventSourcingAggregate.of(Wallet.DECIDER_OF_WALLETS, wallets);

        assertThat(aggregate.handle(new Withdraw("w-agg", 1_400))).containsExactly(new Withdrawn("w-agg", 1_400));
        assertThat(aggregate.handle(new Withdraw("w-agg", 200))).as("100 left").isEmpty();
        assertThat(aggregate.handle(new Deposit("w-agg", 5))).containsExactly(new Deposited("w-agg", 5, "EUR"));

        assertThat(storedTypes("w-agg"))
                .containsExactly(
                        "OpenedWithDeposit/1", "MoneyAdded/1", "BalanceChecked/1", "Withdrawn/1", "Deposited/3");
    }

    @Test
    void a_snapshot_of_an_older_state_shape_is_ignored_and_the_whole_upcast_history_is_folded() throws SQLException {
        List<UUID> ids = writeAsAnOlderRelease(
                db.dataSource(), "w-snap", List.of(openedWithDeposit("w-snap", "di", 300), moneyAdded("w-snap", 20)));
        // a snapshot an older release saved, of a state shape this one cannot read
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT save_snapshot(?, ?, 'v1', ?::jsonb, ?)")) {
            s.setString(1, "w-snap");
            s.setString(2, Wallet.DECIDER);
            s.setString(3, "{\"total\": \"not a balance\"}");
            s.setObject(4, ids.getLast());
            s.executeQuery().close();
        }
        var snapshots = store.snapshots(wallets, Balance.class, "v2");
        var aggregate =
                EventSourcingAggregate.of(Wallet.DECIDER_OF_WALLETS, wallets, snapshots, SnapshotPolicy.every(1));

        assertThat(aggregate.handle(new Withdraw("w-snap", 320))).containsExactly(new Withdrawn("w-snap", 320));
        // the new revision's snapshot holds the state folded from the upcast history
        assertThat(snapshots.load(new Withdraw("w-snap", 1)))
                .hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(new Balance(true, 0)));
        assertThat(aggregate.handle(new Withdraw("w-snap", 1))).isEmpty();
    }

    @Test
    void an_event_with_no_path_to_its_current_version_is_a_typed_error_naming_event_version_and_stream()
            throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.createStatement().execute("SELECT * FROM register_decider_event('wallet', 'Deposited', '', 1)");
        }
        writeAsAnOlderRelease(
                db.dataSource(),
                "w-none",
                List.of(new Wallet.StoredRow("Deposited", 1, "{\"walletId\": \"w-none\", \"sum\": 1}")));

        assertThatThrownBy(() -> wallets.read("w-none")).isInstanceOfSatisfying(NoUpcastPathException.class, e -> {
            assertThat(e.eventType()).isEqualTo("Deposited");
            assertThat(e.eventVersion()).isEqualTo(1);
            assertThat(e.stream()).isEqualTo("wallet/w-none");
            assertThat(e.getMessage()).contains("Deposited", "version 1", "wallet/w-none");
        });
    }

    @Test
    void an_upcaster_that_leads_nowhere_names_where_the_path_ends() throws SQLException {
        var types = Wallet.types().upcasting("Legacy", 1, Upcaster.renameTo("Vanished", 2));
        var repository = store.repository(types, WalletCommand::walletId);
        writeAsAnOlderRelease(db.dataSource(), "w-gone", List.of(new Wallet.StoredRow("Legacy", 1, "{}")));

        assertThatThrownBy(() -> repository.read("w-gone")).isInstanceOfSatisfying(NoUpcastPathException.class, e -> {
            assertThat(e.eventType()).isEqualTo("Legacy");
            assertThat(e.eventVersion()).isEqualTo(1);
            assertThat(e.missingType()).isEqualTo("Vanished");
            assertThat(e.missingVersion()).isEqualTo(2);
        });
    }

    @Test
    void views_and_sagas_see_only_current_versions() throws Exception {
        writeAsAnOlderRelease(
                db.dataSource(),
                "w-view",
                List.of(openedWithDeposit("w-view", "ed", 10), balanceChecked("w-view"), moneyAdded("w-view", 5)));
        Queue<WalletEvent> handled = new ConcurrentLinkedQueue<>();
        Queue<UUID> sentIds = new ConcurrentLinkedQueue<>();
        // the class's other streams flow through these processors too (some of them poison): only w-view counts
        Saga<WalletEvent, String> echo = event -> List.of(event.walletId());
        var totals = store.jsonbViewStore("upcast_totals", WalletEvent::walletId, Long.class);
        View<Long, WalletEvent> total =
                View.of(0L, (Long sum, WalletEvent e) -> e instanceof Deposited d ? sum + d.cents() : sum);
        try (var handler = store.startAtLeastOnce(
                        "upcast-handler",
                        wallets.eventTypes(),
                        e -> {
                            if (e.walletId().equals("w-view")) {
                                handled.add(e);
                            }
                        },
                        StreamingOptions.defaults());
                var view = store.startView(
                        "upcast-view", wallets.eventTypes(), total, totals, StreamingOptions.defaults());
                var saga = store.startSaga(
                        "upcast-saga",
                        wallets.eventTypes(),
                        echo,
                        (command, commandId) -> {
                            if (command.equals("w-view")) {
                                sentIds.add(commandId);
                            }
                        },
                        StreamingOptions.defaults())) {
            Await.await(
                    Duration.ofSeconds(20),
                    () -> handled.size() == 3
                            && sentIds.size() == 3
                            && store.viewStates("upcast_totals", Long.class)
                                    .find("w-view")
                                    .equals(Optional.of(15L)));
        }
        assertThat(handled)
                .containsExactly(
                        new Opened("w-view", "ed"),
                        new Deposited("w-view", 10, "EUR"),
                        new Deposited("w-view", 5, "EUR"));
        assertThat(store.viewStates("upcast_totals", Long.class).find("w-view")).hasValue(15L);
        // the two events of the split one get commands of their own ids
        assertThat(sentIds).doesNotHaveDuplicates().hasSize(3);
    }

    @Test
    void push_sends_the_current_versions_of_the_deciders_it_is_given() throws Exception {
        Queue<JsonNode> bodies = new ConcurrentLinkedQueue<>();
        Queue<String> keys = new ConcurrentLinkedQueue<>();
        ObjectMapper json = new ObjectMapper();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                bodies.add(json.readTree(in.readAllBytes()));
            }
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT * FROM register_view('upcast-push', '-infinity', 300, 1, ?)")) {
            s.setString(1, "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
            s.executeQuery().close();
        }
        List<UUID> ids = writeAsAnOlderRelease(
                db.dataSource(),
                "w-push",
                List.of(openedWithDeposit("w-push", "fay", 40), balanceChecked("w-push"), depositedV2("w-push", 2)));
        try (var push = store.startPush(
                "upcast-push", "secret", HttpDeliveryOptions.defaults(), List.of(wallets.eventTypes()))) {
            Await.await(Duration.ofSeconds(20), () -> pushed(bodies, "w-push").size() == 3);
        } finally {
            server.stop(0);
        }
        List<JsonNode> mine = pushed(bodies, "w-push");
        assertThat(mine)
                .extracting(b ->
                        b.get("event").asText() + "/" + b.get("event_version").asInt())
                .containsExactly("Opened/1", "Deposited/3", "Deposited/3");
        assertThat(mine.get(1).get("data").get("currency").asText()).isEqualTo("EUR");
        assertThat(mine.get(2).get("data").get("cents").asLong()).isEqualTo(2);
        assertThat(mine)
                .allSatisfy(b -> assertThat(b.get("metadata").isObject()).isTrue());
        assertThat(keys)
                .contains(ids.get(0).toString(), ids.get(0) + "/1", ids.get(2).toString());
    }

    private static List<JsonNode> pushed(Queue<JsonNode> bodies, String walletId) {
        List<JsonNode> mine = new ArrayList<>();
        for (JsonNode body : bodies) {
            if (body.get("decider_id").asText().equals(walletId)) {
                mine.add(body);
            }
        }
        return mine;
    }

    /** {@return the stored (event/version) of a stream, in order} */
    private static List<String> storedTypes(String walletId) throws SQLException {
        List<String> types = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT event, event_version FROM get_events(?, 'wallet') ORDER BY stream_position")) {
            s.setString(1, walletId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    types.add(r.getString(1) + "/" + r.getLong(2));
                }
            }
        }
        return types;
    }
}
