package io.fmodel.vavr.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.vavr.testkit.Counter.Add;
import io.fmodel.vavr.testkit.Counter.Added;
import org.junit.jupiter.api.Test;

class EitherDeciderSpecTest {

    private final EitherDeciderSpec<Counter.Command, Integer, Counter.Event, String> spec =
            EitherDeciderSpec.of(Counter.DECIDER);

    @Test
    void an_accepted_command_decides_its_events_and_the_state_they_lead_to() {
        spec.given(new Added(60))
                .when(new Add("c", 40))
                .thenEvents(new Added(40))
                .thenState(100);
    }

    @Test
    void a_rejected_command_decides_its_rejection_and_leaves_the_state_as_it_was() {
        spec.given(new Added(60))
                .when(new Add("c", 50))
                .thenRejected("over 100")
                .thenState(60);
    }

    @Test
    void a_spec_can_start_from_a_state() {
        spec.givenState(95).when(new Add("c", 10)).thenRejected("over 100");
    }

    @Test
    void an_exception_from_decide_is_kept_for_then_throws() {
        spec.when(new Add("c", -1)).thenThrows(IllegalArgumentException.class);
    }

    @Test
    void expecting_events_of_a_rejected_command_fails_with_the_rejection() {
        assertThatThrownBy(
                        () -> spec.given(new Added(60)).when(new Add("c", 50)).thenEvents(new Added(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("rejected it: over 100");
    }

    @Test
    void expecting_a_rejection_of_an_accepted_command_fails_with_its_events() {
        assertThatThrownBy(() -> spec.when(new Add("c", 5)).thenRejected("over 100"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("but it decided [Added[amount=5]]");
    }

    @Test
    void expecting_another_rejection_fails() {
        assertThatThrownBy(() -> spec.givenState(100).when(new Add("c", 1)).thenRejected("closed"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("over 100");
    }

    @Test
    void expecting_another_state_fails() {
        assertThatThrownBy(() -> spec.when(new Add("c", 5)).thenState(6)).isInstanceOf(AssertionError.class);
    }

    @Test
    void expecting_an_outcome_of_a_command_that_throws_fails_with_the_exception() {
        assertThatThrownBy(() -> spec.when(new Add("c", -1)).thenRejected("over 100"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("it threw java.lang.IllegalArgumentException");
    }

    @Test
    void expecting_an_exception_of_a_command_that_decides_fails() {
        assertThatThrownBy(() -> spec.when(new Add("c", 5)).thenThrows(IllegalArgumentException.class))
                .isInstanceOf(AssertionError.class);
    }
}
