package io.fmodel.core;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A view: the pure heart of a query-side model, a left fold of events into a state.
 *
 * <p>Law: folding a history in two parts equals folding it whole, since the state after {@code events} is
 * {@code events.fold(initialState, evolve)}. The combinators ({@link #mapEvent}, {@link #mapState}, {@link #routed}
 * and {@link #combine}) are pure and state their laws.
 *
 * {@snippet :
 * View<Integer, Incremented> total = View.of(0, (sum, event) -> sum + event.by());
 * }
 *
 * @param <S> view state type
 * @param <E> event type
 */
public interface View<S, E> {

    /** {@return the state before any event} */
    S initialState();

    /** {@return the state after {@code event}} */
    S evolve(S state, E event);

    /** {@return a view made of the two functions} */
    static <S, E> View<S, E> of(S initialState, BiFunction<S, ? super E, S> evolve) {
        return new SimpleView<>(initialState, evolve);
    }

    /**
     * {@return this view evolving on events of another type, translated by {@code f}}
     *
     * <p>Law: {@code v.mapEvent(f).evolve(s, e) == v.evolve(s, f.apply(e))}; {@code mapEvent(identity)} changes
     * nothing.
     */
    default <E2> View<S, E2> mapEvent(Function<? super E2, ? extends E> f) {
        return new EventMappedView<>(this, f);
    }

    /**
     * {@return this view over another state type: {@code to} maps this view's state out, {@code from} maps it back
     * in before evolving}
     *
     * <p>Law: with {@code from} the inverse of {@code to}, the mapped view's states are {@code to} of this one's;
     * {@code mapState(identity, identity)} changes nothing.
     */
    default <S2> View<S2, E> mapState(Function<? super S, ? extends S2> to, Function<? super S2, ? extends S> from) {
        return new StateMappedView<>(this, to, from);
    }

    /** {@return this view, knowing which event type it evolves, ready to be {@linkplain #combine combined}} */
    default RoutedView<S, E> routed(Class<E> eventType) {
        return new TypedView<>(this, eventType);
    }

    /**
     * Combines two routed views into one over a common event supertype, with both states side by side.
     *
     * <p>Law: an event evolves the side(s) whose event type it is an instance of and leaves the other state
     * untouched; an event of neither is ignored. The result is routed again, so combinations chain.
     *
     * {@snippet :
     * RoutedView<Both<Integer, Integer>, Event> both =
     *         View.combine(orderCount.routed(OrderEvent.class), paymentCount.routed(PaymentEvent.class));
     * }
     *
     * @return the combined view
     */
    static <S1, S2, E> RoutedView<Both<S1, S2>, E> combine(
            RoutedView<S1, ? extends E> left, RoutedView<S2, ? extends E> right) {
        return new CombinedView<>(left, right);
    }
}
