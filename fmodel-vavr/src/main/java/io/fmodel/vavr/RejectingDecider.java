package io.fmodel.vavr;

import io.fmodel.core.Decider;
import io.vavr.control.Either;
import java.util.List;
import java.util.Objects;

/** {@link EitherDecider#asDecider()}: a {@code Left} becomes a {@link RejectedException} that names its decider. */
record RejectingDecider<C, S, E, R>(EitherDecider<C, S, E, R> decider) implements Decider<C, S, E> {

    RejectingDecider {
        Objects.requireNonNull(decider, "decider");
    }

    @Override
    public S initialState() {
        return decider.initialState();
    }

    @Override
    public List<E> decide(C command, S state) {
        Either<R, List<E>> decided = Objects.requireNonNull(decider.decide(command, state), "decide returned null");
        if (decided.isLeft()) {
            throw new RejectedException(decided.getLeft(), decider);
        }
        return decided.get();
    }

    @Override
    public S evolve(S state, E event) {
        return decider.evolve(state, event);
    }
}
