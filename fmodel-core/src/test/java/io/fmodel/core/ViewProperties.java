package io.fmodel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fmodel.core.Counters.Added;
import io.fmodel.core.Counters.CounterEvent;
import io.fmodel.core.Counters.Event;
import io.fmodel.core.Counters.SwitchEvent;
import io.fmodel.core.Counters.Toggled;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class ViewProperties {

    static final Gen<CounterEvent> ADDED = integers().between(0, 40).map(n -> (CounterEvent) new Added(n));
    static final Gen<Event> EVENTS =
            Generate.oneOf(ADDED.map(e -> (Event) e), Generate.booleans().map(b -> (Event) new Toggled(b)));

    static <S, E> S fold(View<S, E> view, S from, List<? extends E> events) {
        S state = from;
        for (E event : events) {
            state = view.evolve(state, event);
        }
        return state;
    }

    @Test
    void folding_a_history_in_two_parts_equals_folding_it_whole() {
        qt().forAll(lists().of(ADDED).ofSizeBetween(0, 30), integers().between(0, 30))
                .checkAssert((events, cut) -> {
                    int k = Math.min(cut, events.size());
                    Integer firstPart = fold(ViewTest.TOTAL, ViewTest.TOTAL.initialState(), events.subList(0, k));
                    assertThat(fold(ViewTest.TOTAL, firstPart, events.subList(k, events.size())))
                            .isEqualTo(fold(ViewTest.TOTAL, ViewTest.TOTAL.initialState(), events));
                });
    }

    @Test
    void mapping_the_event_with_identity_changes_nothing() {
        View<Integer, CounterEvent> mapped = ViewTest.TOTAL.mapEvent(Function.identity());
        qt().forAll(lists().of(ADDED).ofSizeBetween(0, 30))
                .checkAssert(events -> assertThat(fold(mapped, mapped.initialState(), events))
                        .isEqualTo(fold(ViewTest.TOTAL, ViewTest.TOTAL.initialState(), events)));
    }

    @Test
    void mapping_the_state_with_identity_changes_nothing() {
        View<Integer, CounterEvent> mapped = ViewTest.TOTAL.mapState(Function.identity(), Function.identity());
        qt().forAll(lists().of(ADDED).ofSizeBetween(0, 30))
                .checkAssert(events -> assertThat(fold(mapped, mapped.initialState(), events))
                        .isEqualTo(fold(ViewTest.TOTAL, ViewTest.TOTAL.initialState(), events)));
    }

    @Test
    void combining_routes_each_event_to_its_side_and_leaves_the_other_state_untouched() {
        RoutedView<Both<Integer, Integer>, Event> both =
                View.combine(ViewTest.TOTAL.routed(CounterEvent.class), ViewTest.TOGGLES.routed(SwitchEvent.class));
        qt().forAll(lists().of(EVENTS).ofSizeBetween(0, 30)).checkAssert(events -> {
            List<CounterEvent> counters = events.stream()
                    .filter(CounterEvent.class::isInstance)
                    .map(CounterEvent.class::cast)
                    .toList();
            List<SwitchEvent> switches = events.stream()
                    .filter(SwitchEvent.class::isInstance)
                    .map(SwitchEvent.class::cast)
                    .toList();
            assertThat(fold(both, both.initialState(), events))
                    .isEqualTo(Both.of(fold(ViewTest.TOTAL, 0, counters), fold(ViewTest.TOGGLES, 0, switches)));
        });
    }
}
