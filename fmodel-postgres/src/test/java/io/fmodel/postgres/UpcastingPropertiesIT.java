package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.Wallet.Balance;
import io.fmodel.postgres.Wallet.Deposit;
import io.fmodel.postgres.Wallet.Deposited;
import io.fmodel.postgres.Wallet.Opened;
import io.fmodel.postgres.Wallet.StoredRow;
import io.fmodel.postgres.Wallet.WalletCommand;
import io.fmodel.postgres.Wallet.WalletEvent;
import io.fmodel.postgres.Wallet.Withdrawn;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quicktheories.core.Gen;

/**
 * Laws of upcasting, on PostgreSQL: a random history of current events, stored as an older release might have stored
 * each of them (older versions, the old split event, dropped events in between), reads and folds as the current
 * history does.
 */
class UpcastingPropertiesIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final AtomicInteger STREAMS = new AtomicInteger();

    private final PostgresEventRepository<WalletCommand, WalletEvent> wallets =
            PostgresEventStore.of(db.dataSource()).repository(Wallet.types(), WalletCommand::walletId);

    /** A history: the current events, and the rows an older release stored for them. */
    record History(String walletId, List<WalletEvent> current, List<StoredRow> stored) {}

    /**
     * Each number is one step: its remainder by 5 picks how it is stored (a deposit as {@code MoneyAdded} v1,
     * {@code Deposited} v2 or v3, a withdrawal, a dropped {@code BalanceChecked}), the rest its amount; the first
     * decides whether the wallet was opened by the old split event.
     */
    private static final Gen<List<Integer>> STEPS =
            lists().of(integers().between(0, 50_000)).ofSizeBetween(1, 25);

    private static History history(List<Integer> steps) {
        String id = "p-" + STREAMS.incrementAndGet();
        List<WalletEvent> current = new ArrayList<>();
        List<StoredRow> stored = new ArrayList<>();
        long first = steps.getFirst() / 5 % 1_000 + 1;
        if (steps.getFirst() % 2 == 0) {
            stored.add(Wallet.openedWithDeposit(id, "owner", first));
            current.add(new Opened(id, "owner"));
            current.add(new Deposited(id, first, "EUR"));
        } else {
            stored.add(Wallet.opened(id, "owner"));
            current.add(new Opened(id, "owner"));
        }
        for (int step : steps.subList(1, steps.size())) {
            long amount = step / 5 % 1_000 + 1;
            switch (step % 5) {
                case 0 -> stored.add(Wallet.moneyAdded(id, amount));
                case 1 -> stored.add(Wallet.depositedV2(id, amount));
                case 2 -> stored.add(Wallet.depositedV3(id, amount));
                case 3 -> stored.add(Wallet.withdrawn(id, amount));
                default -> stored.add(Wallet.balanceChecked(id));
            }
            switch (step % 5) {
                case 0, 1, 2 -> current.add(new Deposited(id, amount, "EUR"));
                case 3 -> current.add(new Withdrawn(id, amount));
                default -> {} // dropped
            }
        }
        return new History(id, List.copyOf(current), List.copyOf(stored));
    }

    private static Balance fold(List<WalletEvent> events) {
        Balance state = Wallet.DECIDER_OF_WALLETS.initialState();
        for (WalletEvent event : events) {
            state = Wallet.DECIDER_OF_WALLETS.evolve(state, event);
        }
        return state;
    }

    private History stored(List<Integer> steps) {
        History history = history(steps);
        try {
            Wallet.writeAsAnOlderRelease(db.dataSource(), history.walletId(), history.stored());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return history;
    }

    @Test
    void folding_upcast_old_events_gives_the_state_of_folding_their_current_versions() {
        qt().withExamples(60).forAll(STEPS).checkAssert(steps -> {
            History history = stored(steps);
            List<WalletEvent> read = wallets.read(history.walletId()).stream()
                    .map(StoredEvent::event)
                    .toList();

            assertThat(read).isEqualTo(history.current());
            assertThat(fold(read)).isEqualTo(fold(history.current()));
        });
    }

    @Test
    void an_aggregate_appends_after_any_old_history_as_after_its_current_equivalent() {
        var aggregate = EventSourcingAggregate.of(Wallet.DECIDER_OF_WALLETS, wallets);
        qt().withExamples(30).forAll(STEPS).checkAssert(steps -> {
            History history = stored(steps);

            // whatever the last stored event (dropped ones included), the stream's version is the one read
            assertThat(aggregate.handle(new Deposit(history.walletId(), 1), UUID.randomUUID()))
                    .containsExactly(new Deposited(history.walletId(), 1, "EUR"));
            List<WalletEvent> current = new ArrayList<>(history.current());
            current.add(new Deposited(history.walletId(), 1, "EUR"));
            assertThat(fold(wallets.read(history.walletId()).stream()
                            .map(StoredEvent::event)
                            .toList()))
                    .isEqualTo(fold(current));
        });
    }
}
