package io.fmodel.postgres;

import io.fmodel.core.Decider;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A domain whose events evolved, for the upcasting tests. Its history, as the stored events tell it:
 * <ul>
 *   <li>{@code MoneyAdded} v1 {@code {walletId, amount}} was renamed {@code Deposited} (v2), its field {@code amount}
 *       renamed {@code cents}; {@code Deposited} v3 added {@code currency} (default {@code "EUR"});
 *   <li>{@code OpenedWithDeposit} v1 {@code {walletId, owner, cents}} was split into {@code Opened} and
 *       {@code Deposited};
 *   <li>{@code BalanceChecked} v1 {@code {walletId}} is no longer an event: dropped.
 * </ul>
 */
final class Wallet {

    private Wallet() {}

    static final String DECIDER = "wallet";

    sealed interface WalletEvent permits Opened, Deposited, Withdrawn {
        String walletId();
    }

    record Opened(String walletId, String owner) implements WalletEvent {}

    record Deposited(String walletId, long cents, String currency) implements WalletEvent {}

    record Withdrawn(String walletId, long cents) implements WalletEvent {}

    sealed interface WalletCommand permits Open, Deposit, Withdraw {
        String walletId();
    }

    record Open(String walletId, String owner) implements WalletCommand {}

    record Deposit(String walletId, long cents) implements WalletCommand {}

    record Withdraw(String walletId, long cents) implements WalletCommand {}

    /** The state: whether the wallet is open, and its balance in cents. */
    record Balance(boolean open, long cents) {}

    static final Decider<WalletCommand, Balance, WalletEvent> DECIDER_OF_WALLETS = Decider.of(
            new Balance(false, 0),
            (command, balance) -> switch (command) {
                case Open o when balance.open() -> List.of();
                case Open o -> List.of(new Opened(o.walletId(), o.owner()));
                case Deposit d -> List.of(new Deposited(d.walletId(), d.cents(), "EUR"));
                case Withdraw w when w.cents() > balance.cents() -> List.of();
                case Withdraw w -> List.of(new Withdrawn(w.walletId(), w.cents()));
            },
            (balance, event) -> switch (event) {
                case Opened o -> new Balance(true, balance.cents());
                case Deposited d -> new Balance(balance.open(), balance.cents() + d.cents());
                case Withdrawn w -> new Balance(balance.open(), balance.cents() - w.cents());
            });

    /** The current versions, and an upcaster for every older one. */
    static EventTypes<WalletEvent> types() {
        // spotless:off
        // docs/event-evolution.md: start
        EventTypes<WalletEvent> types = EventTypes.of("wallet", WalletEvent.class)
                .with(Deposited.class, "Deposited", 3)          // the current version: what writers write
                // renamed event, renamed field: MoneyAdded v1 {walletId, amount} is Deposited v2 {walletId, cents}
                .upcasting("MoneyAdded", 1, Upcaster.to("Deposited", 2,
                        data -> data.set("cents", data.remove("amount"))))
                // added field: v3 has a currency, and every older deposit was in euros
                .upcasting("Deposited", 2, Upcaster.to("Deposited", 3, data -> data.put("currency", "EUR")))
                // one event split in two: OpenedWithDeposit v1 {walletId, owner, cents}
                .upcasting("OpenedWithDeposit", 1, data -> List.of(
                        new Upcaster.Document("Opened", 1, data.objectNode()
                                .put("walletId", data.get("walletId").asText())
                                .put("owner", data.get("owner").asText())),
                        new Upcaster.Document("Deposited", 3, data.objectNode()
                                .put("walletId", data.get("walletId").asText())
                                .put("cents", data.get("cents").asLong())
                                .put("currency", "EUR"))))
                // dropped: BalanceChecked is no longer an event
                .upcasting("BalanceChecked", 1, Upcaster.drop());
        // docs/event-evolution.md: end
        // spotless:on
        return types;
    }

    /** A stored row as an older release wrote it: name, version and JSON. */
    record StoredRow(String name, long version, String data) {}

    static StoredRow moneyAdded(String walletId, long amount) {
        return new StoredRow("MoneyAdded", 1, "{\"walletId\": \"" + walletId + "\", \"amount\": " + amount + "}");
    }

    static StoredRow depositedV2(String walletId, long cents) {
        return new StoredRow("Deposited", 2, "{\"walletId\": \"" + walletId + "\", \"cents\": " + cents + "}");
    }

    static StoredRow depositedV3(String walletId, long cents) {
        return new StoredRow(
                "Deposited",
                3,
                "{\"walletId\": \"" + walletId + "\", \"cents\": " + cents + ", \"currency\": \"EUR\"}");
    }

    static StoredRow openedWithDeposit(String walletId, String owner, long cents) {
        return new StoredRow(
                "OpenedWithDeposit",
                1,
                "{\"walletId\": \"" + walletId + "\", \"owner\": \"" + owner + "\", \"cents\": " + cents + "}");
    }

    static StoredRow opened(String walletId, String owner) {
        return new StoredRow("Opened", 1, "{\"walletId\": \"" + walletId + "\", \"owner\": \"" + owner + "\"}");
    }

    static StoredRow withdrawn(String walletId, long cents) {
        return new StoredRow("Withdrawn", 1, "{\"walletId\": \"" + walletId + "\", \"cents\": " + cents + "}");
    }

    static StoredRow balanceChecked(String walletId) {
        return new StoredRow("BalanceChecked", 1, "{\"walletId\": \"" + walletId + "\"}");
    }

    /**
     * Appends {@code rows} to the wallet's stream as an older release did, through the seed's {@code append_events}
     * (no metadata), after the stream's last event; the types must be registered. {@return the rows' event ids}
     */
    static List<UUID> writeAsAnOlderRelease(DataSource dataSource, String walletId, List<StoredRow> rows)
            throws SQLException {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            ids.add(UUID.randomUUID());
        }
        try (Connection connection = dataSource.getConnection()) {
            @Nullable UUID last = null;
            try (PreparedStatement statement =
                    connection.prepareStatement("SELECT event_id FROM get_last_event(?, ?)")) {
                statement.setString(1, walletId);
                statement.setString(2, DECIDER);
                try (ResultSet result = statement.executeQuery()) {
                    if (result.next()) {
                        last = result.getObject(1, UUID.class);
                    }
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT count(*) FROM append_events(?, ?, ?, ?, ?::jsonb[], ?, ?, ?)")) {
                statement.setArray(
                        1,
                        connection.createArrayOf(
                                "text", rows.stream().map(StoredRow::name).toArray()));
                statement.setArray(2, connection.createArrayOf("uuid", ids.toArray()));
                statement.setString(3, DECIDER);
                statement.setString(4, walletId);
                statement.setArray(
                        5,
                        connection.createArrayOf(
                                "text", rows.stream().map(StoredRow::data).toArray()));
                statement.setObject(6, UUID.randomUUID());
                statement.setObject(7, last);
                statement.setArray(
                        8,
                        connection.createArrayOf(
                                "int8", rows.stream().map(StoredRow::version).toArray()));
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                }
            }
        }
        return ids;
    }
}
