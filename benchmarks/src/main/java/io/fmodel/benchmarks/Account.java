package io.fmodel.benchmarks;

import io.fmodel.core.Decider;
import io.fmodel.core.View;
import io.fmodel.postgres.EventTypes;
import java.util.List;

/** The benchmark's domain: accounts that take deposits. One command gives one event of about 200 bytes of JSON. */
final class Account {

    private Account() {}

    static final String DECIDER = "account";

    /** About 150 characters, so that an event's JSON is about 200 bytes, like the physical-limit row. */
    static final String NOTE = "x".repeat(150);

    sealed interface AccountEvent permits Deposited {
        String accountId();
    }

    record Deposited(String accountId, long amount, String note) implements AccountEvent {}

    record Deposit(String accountId, long amount) {}

    record Balance(long amount, long deposits) {
        static final Balance ZERO = new Balance(0, 0);

        Balance apply(AccountEvent event) {
            return switch (event) {
                case Deposited d -> new Balance(amount + d.amount(), deposits + 1);
            };
        }
    }

    static EventTypes<AccountEvent> types() {
        return EventTypes.of(DECIDER, AccountEvent.class);
    }

    /** Pure: the same functions the raw JDBC baseline calls by hand. */
    static List<AccountEvent> decide(Deposit command, Balance balance) {
        return List.of(new Deposited(command.accountId(), command.amount(), NOTE));
    }

    static Decider<Deposit, Balance, AccountEvent> decider() {
        return Decider.of(Balance.ZERO, Account::decide, Balance::apply);
    }

    static View<Balance, AccountEvent> view() {
        return View.of(Balance.ZERO, Balance::apply);
    }
}
