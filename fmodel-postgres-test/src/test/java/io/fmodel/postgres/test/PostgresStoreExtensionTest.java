package io.fmodel.postgres.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.ViewProcessor;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user's test class: the default extension (embedded PostgreSQL, or the server of {@code FMODEL_TEST_JDBC_URL}).
 * Both tests do the same thing and see the same numbers: the second starts from an empty store (no events, no view,
 * offsets from 1 again), and its processor, on a new pool, still sees every event.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresStoreExtensionTest {

    // docs/testing.md: start
    @RegisterExtension
    static final PostgresStoreExtension db = PostgresStoreExtension.of();
    // docs/testing.md: end

    @Test
    @Order(1)
    void a_test_writes_events_and_a_view_on_a_store_of_its_own() throws Exception {
        writesThreeEventsFromAnEmptyStore();
    }

    @Test
    @Order(2)
    void the_next_test_starts_from_an_empty_store_and_its_processor_sees_every_event() throws Exception {
        writesThreeEventsFromAnEmptyStore();
    }

    @Test
    @Order(3)
    void the_url_user_and_password_open_a_connection_of_ones_own_to_the_same_database() throws Exception {
        Counter.aggregate(db.store()).handle(new Counter.Add("c-1", 1));
        try (Connection own = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                var statement = own.createStatement();
                var r = statement.executeQuery("SELECT count(*) FROM events")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(1);
        }
    }

    private static void writesThreeEventsFromAnEmptyStore() throws Exception {
        assertThat(Counter.count(db.dataSource(), "SELECT count(*) FROM events"))
                .isZero();
        assertThat(Counter.count(db.dataSource(), "SELECT count(*) FROM views")).isZero();
        assertThat(Counter.count(db.dataSource(), "SELECT count(*) FROM pg_tables WHERE tablename = 'counter_totals'"))
                .isZero();

        try (ViewProcessor totals = Counter.startTotals(db.store())) {
            var counters = Counter.aggregate(db.store());
            counters.handle(new Counter.Add("c-1", 5));
            counters.handle(new Counter.Add("c-1", 7));
            counters.handle(new Counter.Add("c-2", 1));

            assertThat(Counter.awaitTotal(db.store(), "c-1", 12)).isEqualTo(Optional.of(12));
            assertThat(Counter.awaitTotal(db.store(), "c-2", 1)).isEqualTo(Optional.of(1));
        }
        assertThat(Counter.count(db.dataSource(), "SELECT min(\"offset\") FROM events"))
                .as("offsets start from 1 in every test")
                .isEqualTo(1);
        assertThat(Counter.count(db.dataSource(), "SELECT count(*) FROM events"))
                .isEqualTo(3);
    }
}
