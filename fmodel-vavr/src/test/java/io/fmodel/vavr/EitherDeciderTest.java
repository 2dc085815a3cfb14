package io.fmodel.vavr;

import static io.fmodel.vavr.Counter.COUNTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fmodel.core.Decider;
import io.fmodel.vavr.Counter.Add;
import io.fmodel.vavr.Counter.Added;
import io.fmodel.vavr.Counter.CounterCommand;
import io.fmodel.vavr.Counter.CounterEvent;
import io.vavr.control.Either;
import java.util.List;
import org.junit.jupiter.api.Test;

class EitherDeciderTest {

    @Test
    void an_accepted_command_decides_a_right_of_its_events() {
        assertThat(COUNTER.decide(new Add("c", 5), 0)).isEqualTo(Either.right(List.of(new Added("c", 5))));
    }

    @Test
    void a_command_past_the_cap_decides_a_left_of_its_reason() {
        assertThat(COUNTER.decide(new Add("c", 50), 60)).isEqualTo(Either.left("over 100"));
    }

    @Test
    void as_a_core_decider_it_decides_the_events_of_a_right() {
        assertThat(COUNTER.asDecider().decide(new Add("c", 5), 0)).containsExactly(new Added("c", 5));
    }

    @Test
    void as_a_core_decider_it_throws_the_rejection_of_a_left_without_a_stack_trace() {
        RejectedException rejected = catchThrowableOfType(
                RejectedException.class, () -> COUNTER.asDecider().decide(new Add("c", 50), 60));

        assertThat(rejected.rejection()).isEqualTo("over 100");
        assertThat(rejected).hasMessage("command rejected: over 100");
        assertThat(rejected.getStackTrace()).isEmpty();
    }

    @Test
    void as_a_core_decider_it_keeps_the_initial_state_and_evolve() {
        Decider<CounterCommand, Integer, CounterEvent> core = COUNTER.asDecider();

        assertThat(core.initialState()).isZero();
        assertThat(core.evolve(40, new Added("c", 2))).isEqualTo(42);
    }

    @Test
    void as_a_core_decider_it_takes_the_core_combinators() {
        Decider<Integer, Integer, CounterEvent> byAmount = COUNTER.asDecider().mapCommand(n -> new Add("c", n));

        assertThat(byAmount.decide(5, 0)).containsExactly(new Added("c", 5));
        assertThat(catchThrowableOfType(RejectedException.class, () -> byAmount.decide(500, 0))
                        .rejection())
                .isEqualTo("over 100");
    }

    @Test
    void an_exception_from_decide_is_not_a_rejection_and_passes_through_the_conversion() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> COUNTER.asDecider()
                        .decide(new Add("c", -1), 0)))
                .hasMessageContaining("negative add");
    }
}
