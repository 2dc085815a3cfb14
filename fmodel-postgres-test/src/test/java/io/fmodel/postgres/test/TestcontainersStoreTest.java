package io.fmodel.postgres.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.ViewProcessor;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user's test class on the Testcontainers mode: skipped by the build where no Docker daemon answers (here and in CI:
 * the report shows it skipped, with the extension's message), run on a container where one does.
 */
class TestcontainersStoreTest {

    // docs/testing.md: start
    @RegisterExtension
    static final PostgresStoreExtension db = PostgresStoreExtension.testcontainers();
    // docs/testing.md: end

    @Test
    void a_test_on_the_container_writes_events_and_a_view() throws Exception {
        assertThat(Counter.count(db.dataSource(), "SELECT count(*) FROM events"))
                .isZero();
        try (ViewProcessor totals = Counter.startTotals(db.store())) {
            Counter.aggregate(db.store()).handle(new Counter.Add("c-1", 5));
            assertThat(Counter.awaitTotal(db.store(), "c-1", 5)).isEqualTo(Optional.of(5));
        }
    }
}
