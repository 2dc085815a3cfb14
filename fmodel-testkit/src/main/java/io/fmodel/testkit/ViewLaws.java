package io.fmodel.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fmodel.core.Both;
import io.fmodel.core.RoutedView;
import io.fmodel.core.View;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The laws every view should obey, checked with QuickTheories over histories of up to 20 events drawn from a
 * generator you provide. A failing law throws an {@link AssertionError} with the smallest counterexample found.
 *
 * <p>The laws fail for views that are not pure functions of their arguments (hidden mutable state, state mutated in
 * place, clocks).
 *
 * {@snippet :
 * ViewLaws.of(total, integers().between(0, 50).map(Added::new)).all();
 * }
 *
 * @param <S> view state type
 * @param <E> event type
 */
public final class ViewLaws<S, E> {

    private static final int MAX_EVENTS = 20;

    private final View<S, E> view;
    private final Gen<E> events;
    private final int examples;

    private ViewLaws(View<S, E> view, Gen<E> events, int examples) {
        this.view = view;
        this.events = events;
        this.examples = examples;
    }

    /** {@return the laws of {@code view}, over histories from {@code events}} */
    public static <S, E> ViewLaws<S, E> of(View<S, E> view, Gen<E> events) {
        return new ViewLaws<>(Objects.requireNonNull(view), Objects.requireNonNull(events), 500);
    }

    /** {@return these laws checked on {@code examples} generated examples each (default 500)} */
    public ViewLaws<S, E> withExamples(int examples) {
        return new ViewLaws<>(view, events, examples);
    }

    /** Checks every law of this class. */
    public void all() {
        foldingInTwoPartsEqualsFoldingWhole();
        mappingWithIdentityChangesNothing();
    }

    /** Law: folding a history in two parts (the second from the state the first reached) equals folding it whole. */
    public void foldingInTwoPartsEqualsFoldingWhole() {
        qt().withExamples(examples)
                .forAll(
                        lists().of(events).ofSizeBetween(0, MAX_EVENTS),
                        integers().between(0, MAX_EVENTS))
                .checkAssert((history, cut) -> {
                    int k = Math.min(cut, history.size());
                    S firstPart = fold(view, view.initialState(), history.subList(0, k));
                    assertThat(fold(view, firstPart, history.subList(k, history.size())))
                            .as("view state folded in two parts at %d vs folded whole", k)
                            .isEqualTo(fold(view, view.initialState(), history));
                });
    }

    /** Law: mapping events and state with the identity ({@code mapEvent}, {@code mapState}) reaches the same states. */
    public void mappingWithIdentityChangesNothing() {
        View<S, E> mapped = view.<E>mapEvent(Function.identity()).<S>mapState(Function.identity(), Function.identity());
        qt().withExamples(examples)
                .forAll(lists().of(events).ofSizeBetween(0, MAX_EVENTS))
                .checkAssert(history -> assertThat(fold(mapped, mapped.initialState(), history))
                        .as("identity-mapped view vs view")
                        .isEqualTo(fold(view, view.initialState(), history)));
    }

    /**
     * Law: in {@code View.combine(left, right)}, every event evolves its own side only: the combined state is the
     * pair of the states each side reaches on its own events. Holds when the sides' event types are disjoint.
     *
     * {@snippet :
     * ViewLaws.combineRoutesEachEventToItsSide(
     *         orderCount.routed(OrderEvent.class), orderEvents, paymentTotal.routed(PaymentEvent.class), paymentEvents);
     * }
     */
    public static <S1, E1, S2, E2> void combineRoutesEachEventToItsSide(
            RoutedView<S1, E1> left, Gen<E1> leftEvents, RoutedView<S2, E2> right, Gen<E2> rightEvents) {
        RoutedView<Both<S1, S2>, Object> combined = View.combine(left, right);
        // Each event remembers the generator it came from: that, not the routing under test, says its side.
        Gen<Tagged> mixed =
                Generate.oneOf(leftEvents.map(e -> new Tagged(e, true)), rightEvents.map(e -> new Tagged(e, false)));
        qt().forAll(lists().of(mixed).ofSizeBetween(0, MAX_EVENTS)).checkAssert(history -> {
            S1 leftState = left.initialState();
            S2 rightState = right.initialState();
            Both<S1, S2> state = combined.initialState();
            for (Tagged tagged : history) {
                state = combined.evolve(state, tagged.event());
                if (tagged.left()) {
                    leftState = evolveUnchecked(left, leftState, tagged.event());
                } else {
                    rightState = evolveUnchecked(right, rightState, tagged.event());
                }
                assertThat(state)
                        .as("combined view state after %s", tagged.event())
                        .isEqualTo(Both.of(leftState, rightState));
            }
        });
    }

    private record Tagged(Object event, boolean left) {}

    @SuppressWarnings("unchecked") // the event came from this side's own generator
    private static <S, E> S evolveUnchecked(RoutedView<S, E> view, S state, Object event) {
        return view.evolve(state, (E) event);
    }

    private static <S, E> S fold(View<S, E> view, S from, List<? extends E> events) {
        S state = from;
        for (E event : events) {
            state = view.evolve(state, event);
        }
        return state;
    }
}
