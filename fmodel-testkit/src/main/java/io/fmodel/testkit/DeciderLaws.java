package io.fmodel.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fmodel.core.Both;
import io.fmodel.core.Decider;
import io.fmodel.core.RoutedDecider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The laws every decider should obey, checked with QuickTheories over sequences of commands drawn from a generator
 * you provide. A failing law throws an {@link AssertionError} with the smallest counterexample QuickTheories could
 * shrink to.
 *
 * <p>Histories are produced by deciding the generated commands one after the other; a command whose {@code decide}
 * throws is treated as rejected (no event), as an aggregate would. The laws fail for deciders that are not pure
 * functions of their arguments: hidden mutable state, state mutated in place, clocks or randomness in
 * {@code decide}/{@code evolve}.
 *
 * {@snippet :
 * Gen<CounterCommand> commands = integers().between(0, 50).map(Add::new);
 * DeciderLaws<CounterCommand, Integer, CounterEvent> laws = DeciderLaws.of(counter, commands);
 * laws.eventSourcedEqualsStateStored();
 * laws.foldingInTwoPartsEqualsFoldingWhole();
 * laws.mappingWithIdentityChangesNothing();
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 */
public final class DeciderLaws<C, S, E> {

    private static final int MAX_COMMANDS = 20;

    private final Decider<C, S, E> decider;
    private final Gen<C> commands;
    private final int examples;

    private DeciderLaws(Decider<C, S, E> decider, Gen<C> commands, int examples) {
        this.decider = decider;
        this.commands = commands;
        this.examples = examples;
    }

    /** {@return the laws of {@code decider}, over sequences of up to 20 commands from {@code commands}} */
    public static <C, S, E> DeciderLaws<C, S, E> of(Decider<C, S, E> decider, Gen<C> commands) {
        return new DeciderLaws<>(Objects.requireNonNull(decider), Objects.requireNonNull(commands), 500);
    }

    /** {@return these laws checked on {@code examples} generated examples each (default 500)} */
    public DeciderLaws<C, S, E> withExamples(int examples) {
        return new DeciderLaws<>(decider, commands, examples);
    }

    /** Checks every law of this class. */
    public void all() {
        eventSourcedEqualsStateStored();
        foldingInTwoPartsEqualsFoldingWhole();
        mappingWithIdentityChangesNothing();
    }

    /**
     * Law: deciding a sequence of commands event-sourced (refold the whole history before each command) and
     * state-stored (keep only the state) decides the same events and reaches the same state.
     */
    public void eventSourcedEqualsStateStored() {
        theory().forAll(lists().of(commands).ofSizeBetween(0, MAX_COMMANDS)).checkAssert(sequence -> {
            List<E> history = new ArrayList<>();
            for (C command : sequence) {
                history.addAll(decideOrReject(decider, command, fold(decider, decider.initialState(), history)));
            }
            Run<S, E> stateStored = runStateStored(decider, sequence);
            assertThat(history)
                    .as("event-sourced events vs state-stored events")
                    .isEqualTo(stateStored.events());
            assertThat(fold(decider, decider.initialState(), history))
                    .as("event-sourced state vs state-stored state")
                    .isEqualTo(stateStored.state());
        });
    }

    /** Law: folding a history in two parts (the second from the state the first reached) equals folding it whole. */
    public void foldingInTwoPartsEqualsFoldingWhole() {
        theory().forAll(
                        lists().of(commands).ofSizeBetween(0, MAX_COMMANDS),
                        integers().between(0, 10 * MAX_COMMANDS))
                .checkAssert((sequence, cut) -> {
                    List<E> history = runStateStored(decider, sequence).events();
                    int k = Math.min(cut, history.size());
                    S firstPart = fold(decider, decider.initialState(), history.subList(0, k));
                    assertThat(fold(decider, firstPart, history.subList(k, history.size())))
                            .as("state folded in two parts at %d vs folded whole, history %s", k, history)
                            .isEqualTo(fold(decider, decider.initialState(), history));
                });
    }

    /**
     * Law: mapping commands, events and state with the identity ({@code mapCommand}, {@code mapEvent},
     * {@code mapState}) decides the same events and reaches the same states.
     */
    public void mappingWithIdentityChangesNothing() {
        Decider<C, S, E> mapped = decider.<C>mapCommand(Function.identity())
                .<E>mapEvent(Function.identity(), Function.identity())
                .<S>mapState(Function.identity(), Function.identity());
        theory().forAll(lists().of(commands).ofSizeBetween(0, MAX_COMMANDS))
                .checkAssert(sequence -> assertThat(runStateStored(mapped, sequence))
                        .as("identity-mapped decider vs decider")
                        .isEqualTo(runStateStored(decider, sequence)));
    }

    /**
     * Law: in {@code Decider.combine(left, right)}, every command goes to its own side: the combined decider decides
     * the events that side decides, and its state is the pair of the states each side reaches on its own commands
     * only (the other side's state is untouched). Holds when the sides' command and event types are disjoint.
     *
     * {@snippet :
     * DeciderLaws.combineRoutesEachCommandToItsSide(
     *         orders.routed(OrderCommand.class, OrderEvent.class), orderCommands,
     *         payments.routed(PaymentCommand.class, PaymentEvent.class), paymentCommands);
     * }
     */
    public static <C1, S1, E1, C2, S2, E2> void combineRoutesEachCommandToItsSide(
            RoutedDecider<C1, S1, E1> left,
            Gen<C1> leftCommands,
            RoutedDecider<C2, S2, E2> right,
            Gen<C2> rightCommands) {
        RoutedDecider<Object, Both<S1, S2>, Object> combined = Decider.combine(left, right);
        Gen<Side<C1, C2>> sides = Generate.oneOf(
                leftCommands.map(c -> Side.<C1, C2>left(c)), rightCommands.map(c -> Side.<C1, C2>right(c)));
        qt().forAll(lists().of(sides).ofSizeBetween(0, MAX_COMMANDS)).checkAssert(sequence -> {
            Both<S1, S2> state = combined.initialState();
            S1 leftState = left.initialState();
            S2 rightState = right.initialState();
            for (Side<C1, C2> side : sequence) {
                List<Object> events = decideOrReject(combined, side.command(), state);
                state = fold(combined, state, events);
                C1 leftCommand = side.left();
                if (leftCommand != null) {
                    List<E1> own = decideOrReject(left, leftCommand, leftState);
                    assertThat(events)
                            .as("events of left command %s", side.command())
                            .isEqualTo(own);
                    leftState = fold(left, leftState, own);
                } else {
                    C2 command = Objects.requireNonNull(side.right());
                    List<E2> own = decideOrReject(right, command, rightState);
                    assertThat(events)
                            .as("events of right command %s", side.command())
                            .isEqualTo(own);
                    rightState = fold(right, rightState, own);
                }
                assertThat(state)
                        .as("combined state after %s", side.command())
                        .isEqualTo(Both.of(leftState, rightState));
            }
        });
    }

    private record Side<C1, C2>(@Nullable C1 left, @Nullable C2 right) {
        static <C1, C2> Side<C1, C2> left(C1 command) {
            return new Side<>(command, null);
        }

        static <C1, C2> Side<C1, C2> right(C2 command) {
            return new Side<>(null, command);
        }

        Object command() {
            return left != null ? left : Objects.requireNonNull(right);
        }
    }

    private record Run<S, E>(List<E> events, S state) {}

    private QuickTheory theory() {
        return qt().withExamples(examples);
    }

    private static <C, S, E> Run<S, E> runStateStored(Decider<C, S, E> decider, List<C> sequence) {
        S state = decider.initialState();
        List<E> all = new ArrayList<>();
        for (C command : sequence) {
            List<E> events = decideOrReject(decider, command, state);
            state = fold(decider, state, events);
            all.addAll(events);
        }
        return new Run<>(List.copyOf(all), state);
    }

    private static <C, S, E> List<E> decideOrReject(Decider<C, S, E> decider, C command, S state) {
        try {
            return decider.decide(command, state);
        } catch (RuntimeException rejected) {
            return List.of();
        }
    }

    private static <C, S, E> S fold(Decider<C, S, E> decider, S from, List<? extends E> events) {
        S state = from;
        for (E event : events) {
            state = decider.evolve(state, event);
        }
        return state;
    }
}
