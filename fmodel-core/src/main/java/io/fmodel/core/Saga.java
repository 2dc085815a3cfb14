package io.fmodel.core;

import java.util.List;
import java.util.function.Function;

/**
 * A saga: the pure heart of a process, reacting to an action result (usually an event) with the actions (usually
 * commands) to run next.
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
}
