package io.fmodel.core;

import java.util.List;
import java.util.function.BiFunction;

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
}
