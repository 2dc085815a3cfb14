package io.fmodel.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void the_default_policy_makes_ten_attempts_with_a_small_backoff() {
        assertThat(RetryPolicy.defaults()).isEqualTo(RetryPolicy.of(10, Duration.ofMillis(1), Duration.ofMillis(100)));
    }

    @Test
    void the_backoff_grows_exponentially_with_jitter_up_to_the_cap() {
        RetryPolicy policy = RetryPolicy.of(10, Duration.ofMillis(1), Duration.ofMillis(8));
        for (int i = 0; i < 200; i++) {
            assertThat(policy.backoff(1)).isBetween(Duration.ZERO, Duration.ofMillis(1));
            assertThat(policy.backoff(3)).isBetween(Duration.ZERO, Duration.ofMillis(4));
            assertThat(policy.backoff(30)).isBetween(Duration.ZERO, Duration.ofMillis(8));
        }
        assertThat(java.util.stream.IntStream.range(0, 200)
                        .mapToObj(i -> policy.backoff(30))
                        .distinct())
                .hasSizeGreaterThan(1);
    }

    @Test
    void a_policy_needs_at_least_one_attempt_and_ordered_delays() {
        assertThatThrownBy(() -> RetryPolicy.of(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetryPolicy.of(1, Duration.ofMillis(5), Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_single_attempt_policy_gives_up_at_the_first_conflict() {
        Counter.Racing racing = new Counter.Racing(1);
        var aggregate = EventSourcingAggregate.of(Counter.DECIDER, racing)
                .withRetry(RetryPolicy.of(1, Duration.ZERO, Duration.ZERO));
        assertThatThrownBy(() -> aggregate.handle(new Counter.Add("c-1", 1)))
                .isInstanceOfSatisfying(RetriesExhaustedException.class, e -> assertThat(e.attempts())
                        .isEqualTo(1));
    }
}
