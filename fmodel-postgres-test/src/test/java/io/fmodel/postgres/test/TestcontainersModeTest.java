package io.fmodel.postgres.test;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The Testcontainers mode, through a user-style class ({@link Scenarios.ContainerScenario}): where no Docker daemon
 * answers (this machine, CI) its test is skipped with a message that says why and what to do, and never fails;
 * where one answers, it runs on the container.
 */
class TestcontainersModeTest {

    @Test
    void without_docker_the_container_mode_skips_with_a_clear_message_and_does_not_fail() {
        boolean docker = DockerClientFactory.instance().isDockerAvailable();

        Launch.Outcome outcome = Launch.run(Scenarios.ContainerScenario.class);

        assertThat(outcome.failed()).isEmpty();
        if (docker) {
            assertThat(outcome.succeeded()).hasSize(1);
        } else {
            assertThat(outcome.aborted())
                    .singleElement()
                    .asString()
                    .contains("PostgresStoreExtension.testcontainers(): no Docker daemon answers")
                    .contains("skipped")
                    .contains("PostgresStoreExtension.of()");
        }
    }

    @Test
    void a_second_run_of_the_container_mode_ends_alike_within_seconds() {
        long started = System.nanoTime();
        Launch.Outcome outcome = Launch.run(Scenarios.ContainerScenario.class);

        assertThat(outcome.failed()).isEmpty();
        assertThat(outcome.aborted().size() + outcome.succeeded().size()).isEqualTo(1);
        assertThat(System.nanoTime() - started)
                .as("nanoseconds for a second run")
                .isLessThan(5_000_000_000L);
    }
}
