package io.fmodel.postgres.test;

import io.fmodel.core.Decider;
import io.fmodel.core.View;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.ViewProcessor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** A counter domain for the tests, and what a test does with it on a store. */
final class Counter {

    record Add(String counterId, int amount) {}

    sealed interface CounterEvent permits Added {
        String counterId();
    }

    record Added(String counterId, int amount) implements CounterEvent {}

    static final Decider<Add, Integer, CounterEvent> DECIDER = Decider.of(
            0,
            (command, total) -> List.of(new Added(command.counterId(), command.amount())),
            (total, event) -> switch (event) {
                case Added a -> total + a.amount();
            });

    static final EventTypes<CounterEvent> TYPES = EventTypes.of("counter", CounterEvent.class);

    static final View<Integer, CounterEvent> TOTALS = View.of(0, (Integer total, CounterEvent event) -> switch (event) {
        case Added a -> total + a.amount();
    });

    private Counter() {}

    static EventSourcingAggregate<Add, Integer, CounterEvent> aggregate(PostgresEventStore store) {
        return EventSourcingAggregate.of(DECIDER, store.repository(TYPES, Add::counterId));
    }

    static ViewProcessor startTotals(PostgresEventStore store) {
        return store.startView(
                "counter-totals",
                TYPES,
                TOTALS,
                store.jsonbViewStore("counter_totals", CounterEvent::counterId, Integer.class),
                StreamingOptions.defaults());
    }

    /** {@return the view's total of {@code counterId} once it equals {@code expected}, or what it was after 10 s} */
    static Optional<Integer> awaitTotal(PostgresEventStore store, String counterId, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Optional<Integer> total = Optional.empty();
        while (System.nanoTime() < deadline) {
            total = store.viewStates("counter_totals", Integer.class).find(counterId);
            if (total.equals(Optional.of(expected))) {
                return total;
            }
            Thread.sleep(10);
        }
        return total;
    }

    /** {@return the first column of the one row of {@code sql}} */
    static long count(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet r = statement.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
