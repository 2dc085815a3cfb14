package io.fmodel.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.testkit.Counter.Add;
import io.fmodel.testkit.Counter.AddRejected;
import io.fmodel.testkit.Counter.Added;
import org.junit.jupiter.api.Test;

class DeciderSpecTest {

    private final DeciderSpec<Counter.Command, Integer, Counter.Event> counter = DeciderSpec.of(Counter.DECIDER);

    @Test
    void adding_to_a_new_counter_is_accepted() {
        counter.when(new Add(5)).thenEvents(new Added(5)).thenState(5);
    }

    @Test
    void adding_beyond_the_limit_is_rejected_with_an_event() {
        counter.given(new Added(60), new Added(30))
                .when(new Add(20))
                .thenEvents(new AddRejected(20))
                .thenState(90);
    }

    @Test
    void a_spec_can_start_from_a_state() {
        counter.givenState(99).when(new Add(1)).thenEvents(new Added(1)).thenState(100);
    }

    @Test
    void adding_a_negative_amount_throws() {
        counter.when(new Add(-1)).thenThrows(IllegalArgumentException.class);
    }

    @Test
    void wrong_expected_events_fail_showing_expected_and_actual() {
        assertThatThrownBy(() -> counter.when(new Add(5)).thenEvents(new Added(6)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Added[amount=5]")
                .hasMessageContaining("Added[amount=6]")
                .hasMessageContaining("Add[amount=5]");
    }

    @Test
    void a_wrong_expected_state_fails_showing_expected_and_actual() {
        assertThatThrownBy(() -> counter.given(new Added(1)).when(new Add(5)).thenState(7))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("7")
                .hasMessageContaining("6");
    }

    @Test
    void expecting_an_exception_that_is_not_thrown_fails() {
        assertThatThrownBy(() -> counter.when(new Add(5)).thenThrows(IllegalArgumentException.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("IllegalArgumentException")
                .hasMessageContaining("Added[amount=5]");
    }

    @Test
    void expecting_the_wrong_exception_type_fails() {
        assertThatThrownBy(() -> counter.when(new Add(-1)).thenThrows(IllegalStateException.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("IllegalStateException");
    }

    @Test
    void expecting_events_when_decide_throws_fails_with_the_exception() {
        assertThatThrownBy(() -> counter.when(new Add(-1)).thenEvents())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("negative amount")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }
}
