package io.fmodel.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.Decider;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A given/when/then specification of a {@link Decider}: start from a history of events (or a state), decide one
 * command, and check the events it decides, the state they lead to, or the exception it throws.
 *
 * <p>Everything is pure: no repository is involved. Failures are AssertJ assertion errors that show the command, the
 * expected and the actual values. Specs are immutable; each step returns a new one. (A final class rather than an
 * interface, so that its varargs methods can be {@code @SafeVarargs}.)
 *
 * {@snippet :
 * DeciderSpec.of(counter)
 *         .given(new Added(60))
 *         .when(new Add(50))
 *         .thenEvents(new AddRejected(50))
 *         .thenState(60);
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 */
public final class DeciderSpec<C, S, E> {

    private final Decider<C, S, E> decider;
    private final S state;

    private DeciderSpec(Decider<C, S, E> decider, S state) {
        this.decider = decider;
        this.state = state;
    }

    /** {@return a spec of {@code decider}, starting from its initial state} */
    public static <C, S, E> DeciderSpec<C, S, E> of(Decider<C, S, E> decider) {
        Objects.requireNonNull(decider, "decider");
        return new DeciderSpec<>(decider, decider.initialState());
    }

    /** {@return this spec after {@code events} happened (they are folded into the state)} */
    @SafeVarargs
    public final DeciderSpec<C, S, E> given(E... events) {
        S next = state;
        for (E event : events) {
            next = decider.evolve(next, event);
        }
        return new DeciderSpec<>(decider, next);
    }

    /** {@return this spec starting from {@code state} instead} */
    public DeciderSpec<C, S, E> givenState(S state) {
        return new DeciderSpec<>(decider, Objects.requireNonNull(state, "state"));
    }

    /** {@return the outcome of deciding {@code command} in the given state; an exception is kept for the checks} */
    public Then<C, S, E> when(C command) {
        try {
            return new Then<>(decider, command, state, decider.decide(command, state), null);
        } catch (RuntimeException thrown) {
            return new Then<>(decider, command, state, List.of(), thrown);
        }
    }

    /**
     * The outcome of one decision, to check with {@code then...} calls, which can be chained.
     *
     * {@snippet :
     * DeciderSpec.of(counter).when(new Add(-1)).thenThrows(IllegalArgumentException.class);
     * }
     *
     * @param <C> command type
     * @param <S> state type
     * @param <E> event type
     */
    public static final class Then<C, S, E> {

        private final Decider<C, S, E> decider;
        private final C command;
        private final S state;
        private final List<E> events;
        private final @Nullable RuntimeException thrown;

        private Then(Decider<C, S, E> decider, C command, S state, List<E> events, @Nullable RuntimeException thrown) {
            this.decider = decider;
            this.command = command;
            this.state = state;
            this.events = events;
            this.thrown = thrown;
        }

        /**
         * Checks that the decision produced exactly {@code expected}, in order.
         *
         * @return this outcome
         */
        @SafeVarargs
        public final Then<C, S, E> thenEvents(E... expected) {
            List<E> listed = new java.util.ArrayList<>(expected.length);
            for (E one : expected) {
                listed.add(one);
            }
            decided();
            assertThat(events)
                    .as("events decided for %s in state %s", command, state)
                    .containsExactlyElementsOf(listed);
            return this;
        }

        /**
         * Checks that the state after the decided events is {@code expected}.
         *
         * @return this outcome
         */
        public Then<C, S, E> thenState(S expected) {
            decided();
            S next = state;
            for (E event : events) {
                next = decider.evolve(next, event);
            }
            assertThat(next)
                    .as("state after %s decided for %s", events, command)
                    .isEqualTo(expected);
            return this;
        }

        /**
         * Checks that deciding threw an exception of {@code type}.
         *
         * @return this outcome
         */
        public Then<C, S, E> thenThrows(Class<? extends Throwable> type) {
            if (thrown == null) {
                throw new AssertionError(
                        "expected deciding " + command + " to throw " + type.getName() + " but it decided " + events);
            }
            assertThat(thrown).as("exception thrown deciding %s", command).isInstanceOf(type);
            return this;
        }

        private void decided() {
            if (thrown != null) {
                throw new AssertionError(
                        "expected deciding " + command + " to decide events but it threw " + thrown, thrown);
            }
        }
    }
}
