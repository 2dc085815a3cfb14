package io.fmodel.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.View;
import io.fmodel.testkit.Counter.AddRejected;
import io.fmodel.testkit.Counter.Added;
import io.fmodel.testkit.Counter.Event;
import io.fmodel.testkit.Counter.Toggled;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

class ViewLawsProperties {

    static final Gen<Event> EVENTS = Generate.oneOf(
            SourceDSL.integers().between(0, 50).map(n -> (Event) new Added(n)),
            SourceDSL.integers().between(0, 50).map(n -> (Event) new AddRejected(n)));

    static final View<Integer, Toggled> TOGGLES = View.of(0, (n, t) -> n + 1);

    @Test
    void folding_in_two_parts_equals_folding_whole() {
        ViewLaws.of(Counter.TOTAL, EVENTS).foldingInTwoPartsEqualsFoldingWhole();
    }

    @Test
    void mapping_with_identity_changes_nothing() {
        ViewLaws.of(Counter.TOTAL, EVENTS).mappingWithIdentityChangesNothing();
    }

    @Test
    void combining_routes_each_event_to_its_side() {
        ViewLaws.combineRoutesEachEventToItsSide(
                Counter.TOTAL.routed(Event.class),
                EVENTS,
                TOGGLES.routed(Toggled.class),
                Generate.booleans().map(Toggled::new));
    }

    @Test
    void an_impure_view_breaks_folding_in_two_parts() {
        AtomicInteger calls = new AtomicInteger();
        View<Integer, Event> impure =
                View.of(0, (total, event) -> Counter.TOTAL.evolve(total, event) + calls.incrementAndGet());
        assertThatThrownBy(() -> ViewLaws.of(impure, EVENTS).foldingInTwoPartsEqualsFoldingWhole())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Property falsified");
    }

    @Test
    void an_impure_view_breaks_mapping_with_identity() {
        AtomicInteger calls = new AtomicInteger();
        View<Integer, Event> impure =
                View.of(0, (total, event) -> Counter.TOTAL.evolve(total, event) + calls.incrementAndGet());
        assertThatThrownBy(() -> ViewLaws.of(impure, EVENTS).mappingWithIdentityChangesNothing())
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void sides_with_overlapping_event_types_break_the_combination_law() {
        View<Integer, Object> greedy = View.of(0, (n, e) -> n + 1);
        assertThatThrownBy(() -> ViewLaws.combineRoutesEachEventToItsSide(
                        Counter.TOTAL.routed(Event.class),
                        EVENTS,
                        greedy.routed(Object.class),
                        Generate.booleans().map(b -> (Object) new Toggled(b))))
                .isInstanceOf(AssertionError.class);
    }
}
