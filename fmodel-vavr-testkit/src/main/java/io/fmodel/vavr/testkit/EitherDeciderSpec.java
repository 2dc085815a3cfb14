package io.fmodel.vavr.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.vavr.EitherDecider;
import io.vavr.control.Either;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A given/when/then specification of an {@link EitherDecider}, as {@code DeciderSpec} is of a core decider: start
 * from a history of events (or a state), decide one command, and check the events it decides, the rejection it
 * returns, the state after it (a rejection leaves it as it was), or the exception it throws.
 *
 * <p>Everything is pure: no repository is involved. Failures are AssertJ assertion errors that show the command, the
 * expected and the actual values. Specs are immutable; each step returns a new one.
 *
 * {@snippet :
 * EitherDeciderSpec.of(counter)
 *         .given(new Added("c", 60))
 *         .when(new Add("c", 50))
 *         .thenRejected("over 100")
 *         .thenState(60);
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 * @param <R> rejection type
 */
public final class EitherDeciderSpec<C, S, E, R> {

    private final EitherDecider<C, S, E, R> decider;
    private final S state;

    private EitherDeciderSpec(EitherDecider<C, S, E, R> decider, S state) {
        this.decider = decider;
        this.state = state;
    }

    /** {@return a spec of {@code decider}, starting from its initial state} */
    public static <C, S, E, R> EitherDeciderSpec<C, S, E, R> of(EitherDecider<C, S, E, R> decider) {
        Objects.requireNonNull(decider, "decider");
        return new EitherDeciderSpec<>(decider, decider.initialState());
    }

    /** {@return this spec after {@code events} happened (they are folded into the state)} */
    @SafeVarargs
    public final EitherDeciderSpec<C, S, E, R> given(E... events) {
        S next = state;
        for (E event : events) {
            next = decider.evolve(next, event);
        }
        return new EitherDeciderSpec<>(decider, next);
    }

    /** {@return this spec starting from {@code state} instead} */
    public EitherDeciderSpec<C, S, E, R> givenState(S state) {
        return new EitherDeciderSpec<>(decider, Objects.requireNonNull(state, "state"));
    }

    /** {@return the outcome of deciding {@code command} in the given state; an exception is kept for the checks} */
    public Then<C, S, E, R> when(C command) {
        try {
            return new Then<>(decider, command, state, decider.decide(command, state), null);
        } catch (RuntimeException thrown) {
            return new Then<>(decider, command, state, null, thrown);
        }
    }

    /**
     * The outcome of one decision, to check with {@code then...} calls, which can be chained.
     *
     * @param <C> command type
     * @param <S> state type
     * @param <E> event type
     * @param <R> rejection type
     */
    public static final class Then<C, S, E, R> {

        private final EitherDecider<C, S, E, R> decider;
        private final C command;
        private final S state;
        private final @Nullable Either<R, List<E>> decided;
        private final @Nullable RuntimeException thrown;

        private Then(
                EitherDecider<C, S, E, R> decider,
                C command,
                S state,
                @Nullable Either<R, List<E>> decided,
                @Nullable RuntimeException thrown) {
            this.decider = decider;
            this.command = command;
            this.state = state;
            this.decided = decided;
            this.thrown = thrown;
        }

        /**
         * Checks that the decision is {@code Right} of exactly {@code expected}, in order.
         *
         * @return this outcome
         */
        @SafeVarargs
        public final Then<C, S, E, R> thenEvents(E... expected) {
            List<E> listed = new ArrayList<>(expected.length);
            for (E one : expected) {
                listed.add(one);
            }
            Either<R, List<E>> outcome = decided();
            if (outcome.isLeft()) {
                throw new AssertionError("expected deciding " + command + " in state " + state + " to decide " + listed
                        + " but it rejected it: " + outcome.getLeft());
            }
            assertThat(outcome.get())
                    .as("events decided for %s in state %s", command, state)
                    .containsExactlyElementsOf(listed);
            return this;
        }

        /**
         * Checks that the decision is {@code Left} of {@code expected}.
         *
         * @return this outcome
         */
        public Then<C, S, E, R> thenRejected(R expected) {
            Either<R, List<E>> outcome = decided();
            if (outcome.isRight()) {
                throw new AssertionError("expected deciding " + command + " in state " + state + " to be rejected with "
                        + expected + " but it decided " + outcome.get());
            }
            assertThat(outcome.getLeft())
                    .as("rejection of %s in state %s", command, state)
                    .isEqualTo(expected);
            return this;
        }

        /**
         * Checks that the state after the decision is {@code expected}: the given state evolved by the decided
         * events, or the given state itself after a rejection.
         *
         * @return this outcome
         */
        public Then<C, S, E, R> thenState(S expected) {
            Either<R, List<E>> outcome = decided();
            List<E> events = outcome.isRight() ? outcome.get() : List.of();
            S next = state;
            for (E event : events) {
                next = decider.evolve(next, event);
            }
            assertThat(next).as("state after %s for %s", outcome, command).isEqualTo(expected);
            return this;
        }

        /**
         * Checks that deciding threw an exception of {@code type}.
         *
         * @return this outcome
         */
        public Then<C, S, E, R> thenThrows(Class<? extends Throwable> type) {
            if (thrown == null) {
                throw new AssertionError(
                        "expected deciding " + command + " to throw " + type.getName() + " but it returned " + decided);
            }
            assertThat(thrown).as("exception thrown deciding %s", command).isInstanceOf(type);
            return this;
        }

        private Either<R, List<E>> decided() {
            if (thrown != null) {
                throw new AssertionError(
                        "expected deciding " + command + " to return an Either but it threw " + thrown, thrown);
            }
            return Objects.requireNonNull(decided, "decide returned null");
        }
    }
}
