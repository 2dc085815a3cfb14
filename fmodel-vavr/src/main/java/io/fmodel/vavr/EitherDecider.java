package io.fmodel.vavr;

import io.fmodel.core.Decider;
import io.vavr.control.Either;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A decider that may reject a command with a value instead of an event or an exception: {@code decide} returns
 * {@code Left(rejection)}, or {@code Right(events)} (an immutable list, empty when nothing happens). A rejection is
 * not an event: it is never stored and never evolves the state.
 *
 * <p>Everything is pure, as in {@link Decider}. {@link #asDecider()} gives the core decider with the same
 * {@code initialState} and {@code evolve}, whose {@code decide} returns the events of a {@code Right} and throws a
 * {@link RejectedException} carrying the rejection of a {@code Left}: use it wherever the core takes a
 * {@link Decider} (views, {@code mapCommand}, {@code combine}, the core's aggregates). {@link EitherAggregate} turns
 * that exception back into {@link CommandFailure.Rejected}.
 *
 * {@snippet :
 * EitherDecider<CounterCommand, Integer, CounterEvent, String> counter = EitherDecider.of(
 *         0,
 *         (command, total) -> switch (command) {
 *             case Add a when total + a.amount() > 100 -> Either.left("over 100");
 *             case Add a -> Either.right(List.of(new Added(a.counterId(), a.amount())));
 *         },
 *         (total, event) -> switch (event) {
 *             case Added a -> total + a.amount();
 *         });
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 * @param <R> rejection type
 */
public interface EitherDecider<C, S, E, R> {

    /** {@return the state before any event} */
    S initialState();

    /** {@return {@code Right} of the events {@code command} causes in {@code state}, or {@code Left} of why not} */
    Either<R, List<E>> decide(C command, S state);

    /** {@return the state after {@code event}} */
    S evolve(S state, E event);

    /**
     * {@return this decider as a core {@link Decider}: {@code Right(events)} decides {@code events}, {@code Left(r)}
     * throws {@link RejectedException} with {@code rejection() == r}}
     *
     * <p>Law: the two agree on every command and state, and have the same initial state and {@code evolve}.
     */
    default Decider<C, S, E> asDecider() {
        return new RejectingDecider<>(this);
    }

    /** {@return a decider made of the three functions} */
    static <C, S, E, R> EitherDecider<C, S, E, R> of(
            S initialState,
            BiFunction<? super C, ? super S, Either<R, List<E>>> decide,
            BiFunction<S, ? super E, S> evolve) {
        return new SimpleEitherDecider<>(initialState, decide, evolve);
    }
}
