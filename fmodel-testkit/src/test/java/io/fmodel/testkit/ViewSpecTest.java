package io.fmodel.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.testkit.Counter.AddRejected;
import io.fmodel.testkit.Counter.Added;
import org.junit.jupiter.api.Test;

class ViewSpecTest {

    @Test
    void a_total_adds_accepted_amounts_only() {
        ViewSpec.of(Counter.TOTAL)
                .given(new Added(2), new AddRejected(50), new Added(3))
                .thenState(5);
    }

    @Test
    void a_view_spec_can_start_from_a_state() {
        ViewSpec.of(Counter.TOTAL).givenState(10).given(new Added(1)).thenState(11);
    }

    @Test
    void no_event_leaves_the_initial_state() {
        ViewSpec.of(Counter.TOTAL).thenState(0);
    }

    @Test
    void a_wrong_expected_state_fails_showing_the_events_expected_and_actual() {
        assertThatThrownBy(() -> ViewSpec.of(Counter.TOTAL).given(new Added(2)).thenState(3))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Added[amount=2]")
                .hasMessageContaining("3")
                .hasMessageContaining("2");
    }
}
