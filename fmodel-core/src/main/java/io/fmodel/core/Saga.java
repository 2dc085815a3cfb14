package io.fmodel.core;

import java.util.List;
import java.util.function.Function;

/**
 * A saga: the pure heart of a process, reacting to an action result (usually an event) with the actions (usually
 * commands) to run next.
 *
 * <p>{@code react} is pure; running the actions is the job of {@code io.fmodel.core.application.SagaManager}. The
 * combinators ({@link #mapActionResult}, {@link #mapAction}, {@link #routed} and {@link #combine}) are pure and
 * state their laws.
 *
 * {@snippet :
 * Saga<TrainingCompleted, IssueCertificate> certify =
 *         Saga.of(completed -> List.of(new IssueCertificate(completed.trainingId())));
 * }
 *
 * @param <AR> action result type
 * @param <A> action type
 */
public interface Saga<AR, A> {

    /** {@return the actions to run after {@code actionResult}; an immutable list, empty when none} */
    List<A> react(AR actionResult);

    /** {@return a saga made of the function} */
    static <AR, A> Saga<AR, A> of(Function<? super AR, List<A>> react) {
        return new SimpleSaga<>(react);
    }

    /**
     * {@return this saga reacting to action results of another type, translated by {@code f}}
     *
     * <p>Law: {@code s.mapActionResult(f).react(ar) == s.react(f.apply(ar))}; {@code mapActionResult(identity)}
     * changes nothing.
     */
    default <AR2> Saga<AR2, A> mapActionResult(Function<? super AR2, ? extends AR> f) {
        return new ActionResultMappedSaga<>(this, f);
    }

    /**
     * {@return this saga with every action mapped by {@code f}}
     *
     * <p>Law: {@code s.mapAction(f).react(ar) == s.react(ar).map(f)}; {@code mapAction(identity)} changes nothing.
     */
    default <A2> Saga<AR, A2> mapAction(Function<? super A, ? extends A2> f) {
        return new ActionMappedSaga<>(this, f);
    }

    /** {@return this saga, knowing which action-result type it reacts to, ready to be {@linkplain #combine combined}} */
    default RoutedSaga<AR, A> routed(Class<AR> actionResultType) {
        return new TypedSaga<>(this, actionResultType);
    }

    /**
     * Combines two routed sagas into one over a common action-result supertype.
     *
     * <p>Law: the combined saga's reaction is the left side's reaction (if the action result is of its type)
     * followed by the right side's (likewise); an action result of neither type causes no action. The result is
     * routed again, so combinations chain.
     *
     * {@snippet :
     * RoutedSaga<Event, Command> both = Saga.combine(
     *         shipping.routed(OrderPlaced.class), billing.routed(OrderPlaced.class));
     * }
     *
     * @return the combined saga
     */
    static <AR, A> RoutedSaga<AR, A> combine(
            RoutedSaga<? extends AR, ? extends A> left, RoutedSaga<? extends AR, ? extends A> right) {
        return new CombinedSaga<>(left, right);
    }
}
