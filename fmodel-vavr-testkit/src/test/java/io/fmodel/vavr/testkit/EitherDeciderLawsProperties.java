package io.fmodel.vavr.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmodel.vavr.testkit.Counter.Command;
import io.fmodel.vavr.testkit.Counter.Event;
import org.junit.jupiter.api.Test;

class EitherDeciderLawsProperties {

    private final EitherDeciderLaws<Command, Integer, Event, String> counter =
            EitherDeciderLaws.of(Counter.DECIDER, Counter.COMMANDS);
    private final EitherDeciderLaws<Command, Integer, Event, String> impure =
            EitherDeciderLaws.of(Counter.impure(), Counter.COMMANDS);

    @Test
    void the_core_conversion_agrees_with_the_decider() {
        counter.asDeciderAgrees();
    }

    @Test
    void rejected_commands_change_nothing() {
        counter.rejectedCommandsChangeNothing();
    }

    @Test
    void the_aggregate_appends_exactly_what_is_decided() {
        counter.aggregateAppendsExactlyWhatIsDecided();
    }

    @Test
    void all_laws_hold_for_a_pure_decider_the_core_ones_included() {
        counter.withExamples(50).all();
    }

    @Test
    void a_decider_whose_rejections_depend_on_hidden_state_breaks_the_conversion_law() {
        assertThatThrownBy(impure::asDeciderAgrees)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Property falsified");
    }

    @Test
    void a_decider_whose_rejections_depend_on_hidden_state_breaks_rejected_commands_change_nothing() {
        assertThatThrownBy(impure::rejectedCommandsChangeNothing).isInstanceOf(AssertionError.class);
    }

    @Test
    void a_decider_whose_rejections_depend_on_hidden_state_breaks_the_aggregate_law() {
        assertThatThrownBy(impure::aggregateAppendsExactlyWhatIsDecided).isInstanceOf(AssertionError.class);
    }
}
