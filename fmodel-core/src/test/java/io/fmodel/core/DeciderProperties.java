package io.fmodel.core;

import static io.fmodel.core.Counters.COUNTER;
import static io.fmodel.core.Counters.SWITCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fmodel.core.Counters.Add;
import io.fmodel.core.Counters.Added;
import io.fmodel.core.Counters.Command;
import io.fmodel.core.Counters.CounterCommand;
import io.fmodel.core.Counters.CounterEvent;
import io.fmodel.core.Counters.Event;
import io.fmodel.core.Counters.SwitchCommand;
import io.fmodel.core.Counters.SwitchEvent;
import io.fmodel.core.Counters.Toggle;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class DeciderProperties {

    static final Gen<CounterCommand> ADDS = integers().between(0, 40).map(n -> (CounterCommand) new Add(n));
    static final Gen<Command> COMMANDS =
            Generate.oneOf(ADDS.map(c -> (Command) c), Generate.constant((Command) new Toggle()));

    @Test
    void mapping_the_command_with_identity_changes_nothing() {
        Decider<CounterCommand, Integer, CounterEvent> mapped = COUNTER.mapCommand(Function.identity());
        qt().forAll(lists().of(ADDS).ofSizeBetween(0, 30))
                .checkAssert(commands ->
                        assertThat(Counters.run(mapped, commands)).isEqualTo(Counters.run(COUNTER, commands)));
    }

    @Test
    void mapping_the_command_composes() {
        Function<Integer, Add> f = Add::new;
        Function<String, Integer> g = Integer::parseInt;
        Decider<String, Integer, CounterEvent> twice = COUNTER.mapCommand(f).mapCommand(g);
        Decider<String, Integer, CounterEvent> once = COUNTER.mapCommand(g.andThen(f));
        qt().forAll(integers().between(0, 50), integers().between(0, 100))
                .checkAssert((n, state) -> assertThat(twice.decide(String.valueOf(n), state))
                        .isEqualTo(once.decide(String.valueOf(n), state)));
    }

    @Test
    void mapping_events_with_identity_changes_nothing() {
        Decider<CounterCommand, Integer, CounterEvent> mapped =
                COUNTER.mapEvent(Function.identity(), Function.identity());
        qt().forAll(lists().of(ADDS).ofSizeBetween(0, 30))
                .checkAssert(commands ->
                        assertThat(Counters.run(mapped, commands)).isEqualTo(Counters.run(COUNTER, commands)));
    }

    @Test
    void mapping_events_with_an_isomorphism_reaches_the_same_states() {
        record Wrapped(CounterEvent event) {}
        Decider<CounterCommand, Integer, Wrapped> mapped = COUNTER.mapEvent(Wrapped::new, Wrapped::event);
        qt().forAll(lists().of(ADDS).ofSizeBetween(0, 30)).checkAssert(commands -> {
            List<Wrapped> events = Counters.run(mapped, commands);
            assertThat(events.stream().map(Wrapped::event).toList()).isEqualTo(Counters.run(COUNTER, commands));
            assertThat(Counters.fold(mapped, events))
                    .isEqualTo(Counters.fold(COUNTER, Counters.run(COUNTER, commands)));
        });
    }

    @Test
    void mapping_the_state_with_identity_changes_nothing() {
        Decider<CounterCommand, Integer, CounterEvent> mapped =
                COUNTER.mapState(Function.identity(), Function.identity());
        qt().forAll(lists().of(ADDS).ofSizeBetween(0, 30)).checkAssert(commands -> {
            List<CounterEvent> events = Counters.run(mapped, commands);
            assertThat(events).isEqualTo(Counters.run(COUNTER, commands));
            assertThat(Counters.fold(mapped, events)).isEqualTo(Counters.fold(COUNTER, events));
        });
    }

    @Test
    void mapping_the_state_with_an_isomorphism_maps_every_state() {
        Decider<CounterCommand, String, CounterEvent> mapped = COUNTER.mapState(String::valueOf, Integer::parseInt);
        qt().forAll(lists().of(ADDS).ofSizeBetween(0, 30)).checkAssert(commands -> {
            List<CounterEvent> events = Counters.run(mapped, commands);
            assertThat(events).isEqualTo(Counters.run(COUNTER, commands));
            assertThat(Counters.fold(mapped, events)).isEqualTo(String.valueOf(Counters.fold(COUNTER, events)));
        });
    }

    @Test
    void routing_a_decider_changes_nothing() {
        Decider<CounterCommand, Integer, CounterEvent> routed =
                COUNTER.routed(CounterCommand.class, CounterEvent.class);
        qt().forAll(lists().of(ADDS).ofSizeBetween(0, 30))
                .checkAssert(commands ->
                        assertThat(Counters.run(routed, commands)).isEqualTo(Counters.run(COUNTER, commands)));
    }

    @Test
    void combining_routes_each_command_to_its_side_and_leaves_the_other_state_untouched() {
        RoutedDecider<Command, Both<Integer, Boolean>, Event> both = Decider.combine(
                COUNTER.routed(CounterCommand.class, CounterEvent.class),
                SWITCH.routed(SwitchCommand.class, SwitchEvent.class));
        qt().forAll(lists().of(COMMANDS).ofSizeBetween(0, 30)).checkAssert(commands -> {
            List<CounterCommand> counterCommands = commands.stream()
                    .filter(CounterCommand.class::isInstance)
                    .map(CounterCommand.class::cast)
                    .toList();
            List<SwitchCommand> switchCommands = commands.stream()
                    .filter(SwitchCommand.class::isInstance)
                    .map(SwitchCommand.class::cast)
                    .toList();
            Both<Integer, Boolean> combined = Counters.fold(both, Counters.run(both, commands));
            assertThat(combined)
                    .isEqualTo(Both.of(
                            Counters.fold(COUNTER, Counters.run(COUNTER, counterCommands)),
                            Counters.fold(SWITCH, Counters.run(SWITCH, switchCommands))));
        });
    }

    @Test
    void combining_is_associative_up_to_nesting() {
        record Note(String text) {}
        Decider<Note, List<String>, String> notes =
                Decider.of(List.of(), (n, s) -> List.of(n.text()), (s, e) -> java.util.stream.Stream.concat(
                                s.stream(), java.util.stream.Stream.of(e))
                        .toList());
        var counter = COUNTER.routed(CounterCommand.class, CounterEvent.class);
        var light = SWITCH.routed(SwitchCommand.class, SwitchEvent.class);
        var note = notes.routed(Note.class, String.class);
        RoutedDecider<Object, Both<Both<Integer, Boolean>, List<String>>, Object> leftNested =
                Decider.combine(Decider.combine(counter, light), note);
        RoutedDecider<Object, Both<Integer, Both<Boolean, List<String>>>, Object> rightNested =
                Decider.combine(counter, Decider.combine(light, note));
        Gen<Object> commands = Generate.oneOf(
                COMMANDS.map(c -> (Object) c), integers().between(0, 9).map(n -> (Object) new Note("n" + n)));
        qt().forAll(lists().of(commands).ofSizeBetween(0, 30)).checkAssert(cs -> {
            var l = Counters.fold(leftNested, Counters.run(leftNested, cs));
            var r = Counters.fold(rightNested, Counters.run(rightNested, cs));
            assertThat(Counters.run(leftNested, cs)).isEqualTo(Counters.run(rightNested, cs));
            assertThat(Both.of(Both.of(r.left(), r.right().left()), r.right().right()))
                    .isEqualTo(l);
        });
    }

    @Test
    void an_added_event_evolves_only_the_counter_side() {
        RoutedDecider<Command, Both<Integer, Boolean>, Event> both = Decider.combine(
                COUNTER.routed(CounterCommand.class, CounterEvent.class),
                SWITCH.routed(SwitchCommand.class, SwitchEvent.class));
        qt().forAll(integers().between(0, 100), integers().between(0, 100))
                .checkAssert((count, amount) -> assertThat(both.evolve(Both.of(count, true), new Added(amount)))
                        .isEqualTo(Both.of(count + amount, true)));
    }
}
