package io.fmodel.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.core.Decider;
import io.fmodel.core.RoutedDecider;
import io.fmodel.testkit.Counter.Command;
import io.fmodel.testkit.Counter.Event;
import io.fmodel.testkit.Counter.Toggle;
import io.fmodel.testkit.Counter.Toggled;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

class DeciderLawsProperties {

    private final DeciderLaws<Command, Integer, Event> counter = DeciderLaws.of(Counter.DECIDER, Counter.COMMANDS);
    private final DeciderLaws<Command, Integer, Event> impure = DeciderLaws.of(Counter.impure(), Counter.COMMANDS);

    @Test
    void event_sourced_equals_state_stored() {
        counter.eventSourcedEqualsStateStored();
    }

    @Test
    void folding_in_two_parts_equals_folding_whole() {
        counter.foldingInTwoPartsEqualsFoldingWhole();
    }

    @Test
    void mapping_with_identity_changes_nothing() {
        counter.mappingWithIdentityChangesNothing();
    }

    @Test
    void all_laws_hold_for_a_pure_decider() {
        counter.withExamples(50).all();
    }

    @Test
    void combining_routes_each_command_to_its_side() {
        DeciderLaws.combineRoutesEachCommandToItsSide(
                Counter.DECIDER.routed(Command.class, Event.class),
                Counter.COMMANDS,
                Counter.SWITCH.routed(Toggle.class, Toggled.class),
                Generate.constant(new Toggle()));
    }

    @Test
    void an_impure_decider_breaks_event_sourced_equals_state_stored_with_a_shrunk_counterexample() {
        assertThatThrownBy(impure::eventSourcedEqualsStateStored)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Property falsified")
                .hasMessageContaining("event-sourced state vs state-stored state")
                // shrunk to a single command, the smallest history that shows the impurity
                .hasMessageMatching(
                        "(?s).*Smallest found falsifying value\\(s\\) :-\\s*\\[Add\\[amount=-?\\d+\\]\\].*");
    }

    @Test
    void an_impure_decider_breaks_folding_in_two_parts() {
        assertThatThrownBy(impure::foldingInTwoPartsEqualsFoldingWhole).isInstanceOf(AssertionError.class);
    }

    @Test
    void an_impure_decider_breaks_mapping_with_identity() {
        assertThatThrownBy(impure::mappingWithIdentityChangesNothing).isInstanceOf(AssertionError.class);
    }

    @Test
    void routing_a_side_on_a_type_too_wide_breaks_the_combination_law() {
        RoutedDecider<Command, Integer, Event> tooWide = Counter.DECIDER.routed(Command.class, Event.class);
        Decider<Object, Boolean, Object> greedy =
                Counter.SWITCH.mapCommand(o -> new Toggle()).mapEvent(t -> t, o -> (Toggled) o);
        assertThatThrownBy(() -> DeciderLaws.combineRoutesEachCommandToItsSide(
                        tooWide,
                        Counter.COMMANDS,
                        greedy.routed(Object.class, Object.class),
                        Generate.constant(new Toggle())))
                .isInstanceOf(AssertionError.class);
    }
}
