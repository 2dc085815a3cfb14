package io.fmodel.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.Counters.Added;
import io.fmodel.core.Counters.CounterEvent;
import io.fmodel.core.Counters.Event;
import io.fmodel.core.Counters.SwitchEvent;
import io.fmodel.core.Counters.Toggled;
import org.junit.jupiter.api.Test;

class ViewTest {

    static final View<Integer, CounterEvent> TOTAL = View.of(0, (sum, e) -> switch (e) {
        case Added a -> sum + a.amount();
        case Counters.AddRejected r -> sum;
    });
    static final View<Integer, SwitchEvent> TOGGLES = View.of(0, (n, e) -> n + 1);

    @Test
    void a_view_folds_events_into_its_state() {
        assertThat(TOTAL.evolve(TOTAL.evolve(TOTAL.initialState(), new Added(2)), new Added(3)))
                .isEqualTo(5);
    }

    @Test
    void mapping_the_event_translates_it_before_evolving() {
        View<Integer, Integer> byInt = TOTAL.mapEvent(Added::new);
        assertThat(byInt.evolve(1, 4)).isEqualTo(5);
    }

    @Test
    void mapping_the_state_translates_it_both_ways() {
        View<String, CounterEvent> text = TOTAL.mapState(String::valueOf, Integer::parseInt);
        assertThat(text.initialState()).isEqualTo("0");
        assertThat(text.evolve("4", new Added(3))).isEqualTo("7");
    }

    @Test
    void a_combined_view_evolves_only_the_side_of_the_event() {
        RoutedView<Both<Integer, Integer>, Event> both =
                View.combine(TOTAL.routed(CounterEvent.class), TOGGLES.routed(SwitchEvent.class));
        assertThat(both.initialState()).isEqualTo(Both.of(0, 0));
        assertThat(both.evolve(Both.of(1, 1), new Added(2))).isEqualTo(Both.of(3, 1));
        assertThat(both.evolve(Both.of(1, 1), new Toggled(true))).isEqualTo(Both.of(1, 2));
    }

    @Test
    void a_combined_view_ignores_events_of_neither_side() {
        RoutedView<Both<Integer, Integer>, Object> both =
                View.combine(TOTAL.routed(CounterEvent.class), TOGGLES.routed(SwitchEvent.class));
        assertThat(both.evolves("unrelated")).isFalse();
        assertThat(both.evolve(Both.of(1, 1), "unrelated")).isEqualTo(Both.of(1, 1));
    }

    @Test
    void combined_views_chain_and_each_event_reaches_the_view_of_its_type() {
        View<Integer, Added> adds = View.of(0, (n, e) -> n + 1);
        RoutedView<Both<Both<Integer, Integer>, Integer>, Object> three = View.combine(
                View.combine(TOTAL.routed(CounterEvent.class), TOGGLES.routed(SwitchEvent.class)),
                adds.routed(Added.class));
        Both<Both<Integer, Integer>, Integer> state = three.initialState();
        state = three.evolve(state, new Added(2));
        state = three.evolve(state, new Toggled(true));
        state = three.evolve(state, "unrelated");
        assertThat(state).isEqualTo(Both.of(Both.of(2, 1), 1));
    }
}
