package io.fmodel.spring;

import io.fmodel.core.Decider;
import io.fmodel.core.View;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.ViewProcessor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
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

    static ViewProcessor startTotals(PostgresEventStore store, StreamingOptions options) {
        return store.startView(
                "counter-totals",
                TYPES,
                TOTALS,
                store.jsonbViewStore("counter_totals", CounterEvent::counterId, Integer.class),
                options);
    }

    /** {@return the totals view as a managed processor} */
    static ManagedProcessor totals() {
        return ManagedProcessor.of("counter-totals", Counter::startTotals);
    }

    /**
     * {@return {@code dataSource} seen through its {@code DataSource} interface only}: a bean Spring does not close,
     * so that the test extension, which owns the pool, checks and closes it
     */
    static DataSource notClosedBySpring(DataSource dataSource) {
        return (DataSource) Proxy.newProxyInstance(
                Counter.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    try {
                        return method.invoke(dataSource, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
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

    static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Waits up to 10 s for {@code condition}; {@return whether it held} */
    static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
