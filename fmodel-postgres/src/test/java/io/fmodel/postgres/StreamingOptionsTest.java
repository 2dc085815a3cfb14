package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StreamingOptionsTest {

    @Test
    void the_default_lease_is_short_because_workers_extend_it_while_they_work() {
        StreamingOptions defaults = StreamingOptions.defaults();
        assertThat(defaults.leaseTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.startAt()).isNull();
    }

    @Test
    void backoff_doubles_from_the_initial_delay_up_to_the_maximum() {
        StreamingOptions options =
                StreamingOptions.defaults().withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(options.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(options.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(options.backoff(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(options.backoff(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.backoff(1_000)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void nonsense_is_rejected_when_the_options_are_made() {
        assertThatThrownBy(() -> StreamingOptions.defaults().withWorkers(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamingOptions.defaults().withLeaseTimeout(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamingOptions.defaults().withPollInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_saga_command_id_depends_on_view_event_and_index_only() {
        UUID event = UUID.randomUUID();
        assertThat(SagaProcessor.commandId("v", event, 0)).isEqualTo(SagaProcessor.commandId("v", event, 0));
        assertThat(SagaProcessor.commandId("v", event, 0)).isNotEqualTo(SagaProcessor.commandId("v", event, 1));
        assertThat(SagaProcessor.commandId("v", event, 0)).isNotEqualTo(SagaProcessor.commandId("w", event, 0));
    }
}
