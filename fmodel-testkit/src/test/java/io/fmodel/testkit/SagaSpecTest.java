package io.fmodel.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.testkit.Counter.Celebrate;
import io.fmodel.testkit.Counter.Reached;
import org.junit.jupiter.api.Test;

class SagaSpecTest {

    @Test
    void reaching_a_hundred_is_celebrated() {
        SagaSpec.of(Counter.CELEBRATE).when(new Reached(100)).thenActions(new Celebrate(100));
    }

    @Test
    void reaching_less_is_not_celebrated() {
        SagaSpec.of(Counter.CELEBRATE).when(new Reached(99)).thenActions();
    }

    @Test
    void wrong_expected_actions_fail_showing_expected_and_actual() {
        assertThatThrownBy(() ->
                        SagaSpec.of(Counter.CELEBRATE).when(new Reached(100)).thenActions())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Celebrate[total=100]")
                .hasMessageContaining("Reached[total=100]");
    }
}
