package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.application.RetryPolicy;
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
    void views_and_sagas_retry_ten_times_from_100_ms_up_to_a_minute_and_push_from_a_second_up_to_five_minutes() {
        assertThat(StreamingOptions.defaults().retries())
                .isEqualTo(RetryPolicy.of(10, Duration.ofMillis(100), Duration.ofMinutes(1)));
        assertThat(HttpDeliveryOptions.defaults().retries())
                .isEqualTo(RetryPolicy.of(10, Duration.ofSeconds(1), Duration.ofMinutes(5)));
        RetryPolicy policy = RetryPolicy.of(3, Duration.ofMillis(10), Duration.ofMillis(50));
        assertThat(StreamingOptions.defaults().withRetries(policy).retries()).isEqualTo(policy);
        assertThat(HttpDeliveryOptions.defaults().withRetries(policy).retries()).isEqualTo(policy);
    }

    @Test
    void both_kinds_of_processor_name_their_threads_workers() {
        assertThat(StreamingOptions.defaults().withWorkers(3).workers()).isEqualTo(3);
        assertThat(HttpDeliveryOptions.defaults().workers()).isEqualTo(4);
        assertThat(HttpDeliveryOptions.defaults().withWorkers(8).workers()).isEqualTo(8);
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
