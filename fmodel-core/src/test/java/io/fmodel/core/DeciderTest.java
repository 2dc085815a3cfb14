package io.fmodel.core;

import static io.fmodel.core.Counters.COUNTER;
import static io.fmodel.core.Counters.SWITCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.Counters.Add;
import io.fmodel.core.Counters.AddRejected;
import io.fmodel.core.Counters.Added;
import io.fmodel.core.Counters.Command;
import io.fmodel.core.Counters.CounterCommand;
import io.fmodel.core.Counters.CounterEvent;
import io.fmodel.core.Counters.Event;
import io.fmodel.core.Counters.SwitchCommand;
import io.fmodel.core.Counters.SwitchEvent;
import io.fmodel.core.Counters.Toggle;
import io.fmodel.core.Counters.Toggled;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeciderTest {

    private final RoutedDecider<Command, Both<Integer, Boolean>, Event> both = Decider.combine(
            COUNTER.routed(CounterCommand.class, CounterEvent.class),
            SWITCH.routed(SwitchCommand.class, SwitchEvent.class));

    @Test
    void adding_within_the_limit_is_accepted() {
        assertThat(COUNTER.decide(new Add(3), 10)).containsExactly(new Added(3));
    }

    @Test
    void adding_beyond_the_limit_is_rejected_with_an_event() {
        assertThat(COUNTER.decide(new Add(3), 99)).containsExactly(new AddRejected(3));
    }

    @Test
    void a_combined_decider_sends_a_counter_command_to_the_counter_only() {
        assertThat(both.decide(new Add(2), Both.of(1, true))).containsExactly(new Added(2));
        assertThat(both.evolve(Both.of(1, true), new Added(2))).isEqualTo(Both.of(3, true));
    }

    @Test
    void a_combined_decider_sends_a_switch_command_to_the_switch_only() {
        assertThat(both.decide(new Toggle(), Both.of(1, true))).containsExactly(new Toggled(false));
        assertThat(both.evolve(Both.of(1, true), new Toggled(false))).isEqualTo(Both.of(1, false));
    }

    @Test
    void a_combined_decider_starts_from_both_initial_states() {
        assertThat(both.initialState()).isEqualTo(Both.of(0, false));
    }

    @Test
    void a_command_no_side_decides_is_an_error_not_a_silent_no_op() {
        RoutedDecider<Object, Both<Integer, Boolean>, Object> wide = Decider.combine(
                COUNTER.routed(CounterCommand.class, CounterEvent.class),
                SWITCH.routed(SwitchCommand.class, SwitchEvent.class));
        assertThat(wide.decides("not a command")).isFalse();
        assertThatThrownBy(() -> wide.decide("not a command", Both.of(0, false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void an_event_no_side_evolves_leaves_both_states_untouched() {
        RoutedDecider<Object, Both<Integer, Boolean>, Object> wide = Decider.combine(
                COUNTER.routed(CounterCommand.class, CounterEvent.class),
                SWITCH.routed(SwitchCommand.class, SwitchEvent.class));
        assertThat(wide.evolve(Both.of(3, true), "unrelated")).isEqualTo(Both.of(3, true));
    }

    @Test
    void combining_three_deciders_still_routes_each_command_to_its_own_side() {
        record Reset() {}
        Decider<Reset, String, String> resets = Decider.of("", (r, s) -> List.of("reset"), (s, e) -> s + e);
        RoutedDecider<Object, Both<Both<Integer, Boolean>, String>, Object> three =
                Decider.combine(both, resets.routed(Reset.class, String.class));

        var state = three.initialState();
        for (Object command : List.of(new Add(5), new Reset(), new Toggle(), new Add(1))) {
            for (Object event : three.decide(command, state)) {
                state = three.evolve(state, event);
            }
        }
        assertThat(state).isEqualTo(Both.of(Both.of(6, true), "reset"));
    }

    @Test
    void an_exception_in_decide_reaches_the_caller_unchanged() {
        assertThatThrownBy(() -> COUNTER.decide(new Add(-1), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("negative amount");
    }

    @Test
    void mapping_the_command_translates_it_before_deciding() {
        Decider<Integer, Integer, CounterEvent> byInt = COUNTER.mapCommand(Add::new);
        assertThat(byInt.decide(4, 0)).containsExactly(new Added(4));
    }

    @Test
    void mapping_the_events_translates_them_both_ways() {
        Decider<CounterCommand, Integer, Integer> ints = COUNTER.mapEvent(
                e -> switch (e) {
                    case Added a -> a.amount();
                    case AddRejected r -> 0;
                },
                Added::new);
        assertThat(ints.decide(new Add(7), 0)).containsExactly(7);
        assertThat(ints.evolve(1, 7)).isEqualTo(8);
    }

    @Test
    void mapping_the_state_translates_it_both_ways() {
        Decider<CounterCommand, String, CounterEvent> text = COUNTER.mapState(String::valueOf, Integer::parseInt);
        assertThat(text.initialState()).isEqualTo("0");
        assertThat(text.evolve("4", new Added(3))).isEqualTo("7");
        assertThat(text.decide(new Add(3), "99")).containsExactly(new AddRejected(3));
    }
}
