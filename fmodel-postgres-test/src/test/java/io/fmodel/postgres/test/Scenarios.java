package io.fmodel.postgres.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.ViewProcessor;
import java.sql.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * User-style test classes that the tests of this module run through {@link Launch}, to see their outcome: skipped,
 * failed, or passed. Not run by the build itself (the file name matches no test pattern).
 */
final class Scenarios {

    private Scenarios() {}

    /** What the container and default scenarios both do: one command, its event read back. */
    static void appendsAnEvent(PostgresStoreExtension db) {
        Counter.aggregate(db.store()).handle(new Counter.Add("c-1", 5));
        assertThat(db.store().repository(Counter.TYPES, Counter.Add::counterId).read("c-1"))
                .hasSize(1);
    }

    /** The Testcontainers mode: skipped where no Docker daemon answers, run where one does. */
    static class ContainerScenario {

        @RegisterExtension
        static final PostgresStoreExtension db = PostgresStoreExtension.testcontainers();

        @Test
        void appends_an_event() {
            appendsAnEvent(db);
        }
    }

    /** The default mode: embedded PostgreSQL (or FMODEL_TEST_JDBC_URL). */
    static class DefaultScenario {

        @RegisterExtension
        static final PostgresStoreExtension db = PostgresStoreExtension.of();

        @Test
        void appends_an_event() {
            appendsAnEvent(db);
        }
    }

    /** A test that leaves a processor running: the extension fails it, and the next test is not disturbed. */
    static class LeakingScenario {

        @RegisterExtension
        static final PostgresStoreExtension db = PostgresStoreExtension.of();

        static ViewProcessor leaked;

        @Test
        void a_leaking_test_leaves_its_processor_running() throws Exception {
            leaked = Counter.startTotals(db.store());
            Counter.aggregate(db.store()).handle(new Counter.Add("c-1", 5));
            assertThat(Counter.awaitTotal(db.store(), "c-1", 5)).contains(5);
        }

        @Test
        void a_leaking_test_keeps_a_connection() throws Exception {
            @SuppressWarnings({"resource", "unused"})
            Connection kept = db.dataSource().getConnection();
        }

        @AfterAll
        static void closeIt() {
            if (leaked != null) {
                leaked.close();
            }
        }
    }

    /** Uses the store where it does not exist yet. */
    static class TooEarlyScenario {

        @RegisterExtension
        static final PostgresStoreExtension db = PostgresStoreExtension.of();

        @BeforeAll
        static void tooEarly() {
            db.store();
        }

        @Test
        void never_runs() {}
    }
}
