package io.fmodel.core;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A decider: the pure heart of a command-side model.
 *
 * <p>{@code decide} turns a command and the current state into the events that happened (an immutable list, empty
 * when nothing happens); {@code evolve} folds one event into the state; {@code initialState} is the state before any
 * event. The state of an entity is {@code events.fold(initialState, evolve)}, so the same decider serves an
 * event-sourced aggregate (store the events) and a state-stored one (store the state).
 *
 * <p>A command that makes no sense in the current state is rejected either with an event that says so (the decision
 * is recorded) or by throwing an exception from {@code decide} (nothing is recorded and the caller gets the
 * exception); see the package documentation of {@code io.fmodel.core.application} for how each reaches the caller.
 *
 * <p>The combinators ({@link #mapCommand}, {@link #mapEvent}, {@link #mapState}, {@link #routed} and
 * {@link #combine}) return new deciders and are pure; each states its law.
 *
 * {@snippet :
 * Decider<Increment, Integer, Incremented> counter = Decider.of(
 *         0,
 *         (command, count) -> List.of(new Incremented(command.by())),
 *         (count, event) -> count + event.by());
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 */
public interface Decider<C, S, E> {

    /** {@return the state before any event} */
    S initialState();

    /** {@return the events that {@code command} causes in {@code state}; an immutable list, empty when none} */
    List<E> decide(C command, S state);

    /** {@return the state after {@code event}} */
    S evolve(S state, E event);

    /** {@return a decider made of the three functions} */
    static <C, S, E> Decider<C, S, E> of(
            S initialState, BiFunction<? super C, ? super S, List<E>> decide, BiFunction<S, ? super E, S> evolve) {
        return new SimpleDecider<>(initialState, decide, evolve);
    }

    /**
     * {@return this decider taking commands of another type, translated by {@code f} before deciding}
     *
     * <p>Law: {@code d.mapCommand(f).decide(c, s) == d.decide(f.apply(c), s)}; so {@code mapCommand(identity)}
     * changes nothing and {@code mapCommand(f).mapCommand(g) == mapCommand(g.andThen(f))}.
     */
    default <C2> Decider<C2, S, E> mapCommand(Function<? super C2, ? extends C> f) {
        return new CommandMappedDecider<>(this, f);
    }

    /**
     * {@return this decider speaking events of another type: {@code to} maps decided events out, {@code from} maps
     * events in before evolving}
     *
     * <p>Law: with {@code from} the inverse of {@code to}, the mapped decider decides {@code to} of the events this
     * one decides and reaches the same states; {@code mapEvent(identity, identity)} changes nothing.
     */
    default <E2> Decider<C, S, E2> mapEvent(
            Function<? super E, ? extends E2> to, Function<? super E2, ? extends E> from) {
        return new EventMappedDecider<>(this, to, from);
    }

    /**
     * {@return this decider over another state type: {@code to} maps this decider's state out, {@code from} maps it
     * back in before deciding and evolving}
     *
     * <p>Law: with {@code from} the inverse of {@code to}, the mapped decider decides the same events and its
     * states are {@code to} of this one's; {@code mapState(identity, identity)} changes nothing.
     */
    default <S2> Decider<C, S2, E> mapState(
            Function<? super S, ? extends S2> to, Function<? super S2, ? extends S> from) {
        return new StateMappedDecider<>(this, to, from);
    }

    /**
     * {@return this decider, knowing which command and event types it handles, ready to be {@linkplain #combine
     * combined}}
     *
     * <p>Law: the routed decider decides and evolves exactly like this one.
     */
    default RoutedDecider<C, S, E> routed(Class<C> commandType, Class<E> eventType) {
        return new TypedDecider<>(this, commandType, eventType);
    }

    /**
     * Combines two routed deciders into one over a common command and event supertype, with both states side by
     * side.
     *
     * <p>Laws: a command is decided by the side(s) whose command type it is an instance of (left first; one that no
     * side decides is an {@link IllegalArgumentException}); an event evolves the side(s) whose event type it is an
     * instance of and leaves the other state untouched (an event of neither is ignored). The result is routed again,
     * by the union of both sides' types, so combinations chain: {@code combine(combine(a, b), c)}.
     *
     * {@snippet :
     * RoutedDecider<Command, Both<Order, Payment>, Event> shop = Decider.combine(
     *         orders.routed(OrderCommand.class, OrderEvent.class),
     *         payments.routed(PaymentCommand.class, PaymentEvent.class));
     * }
     *
     * @return the combined decider
     */
    static <C, S1, S2, E> RoutedDecider<C, Both<S1, S2>, E> combine(
            RoutedDecider<? extends C, S1, ? extends E> left, RoutedDecider<? extends C, S2, ? extends E> right) {
        return new CombinedDecider<>(left, right);
    }
}
