package io.fmodel.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.Saga;
import java.util.List;
import java.util.Objects;

/**
 * A when/then specification of a {@link Saga}: react to one action result and check the actions.
 *
 * <p>Pure; failures are AssertJ assertion errors showing the action result, the expected and the actual actions.
 *
 * {@snippet :
 * SagaSpec.of(billing).when(new OrderPlaced("o-1")).thenActions(new Bill("o-1"));
 * }
 *
 * @param <AR> action result type
 * @param <A> action type
 */
public final class SagaSpec<AR, A> {

    private final Saga<AR, A> saga;

    private SagaSpec(Saga<AR, A> saga) {
        this.saga = saga;
    }

    /** {@return a spec of {@code saga}} */
    public static <AR, A> SagaSpec<AR, A> of(Saga<AR, A> saga) {
        return new SagaSpec<>(Objects.requireNonNull(saga, "saga"));
    }

    /** {@return the reaction to {@code actionResult}, to check} */
    public Then<AR, A> when(AR actionResult) {
        return new Then<>(actionResult, saga.react(actionResult));
    }

    /**
     * The reaction of a saga to one action result.
     *
     * {@snippet :
     * SagaSpec.of(billing).when(new OrderCancelled("o-1")).thenActions(); // no action
     * }
     *
     * @param <AR> action result type
     * @param <A> action type
     */
    public static final class Then<AR, A> {

        private final AR actionResult;
        private final List<A> actions;

        private Then(AR actionResult, List<A> actions) {
            this.actionResult = actionResult;
            this.actions = actions;
        }

        /**
         * Checks that the reaction is exactly {@code expected}, in order.
         *
         * @return this reaction
         */
        @SafeVarargs
        public final Then<AR, A> thenActions(A... expected) {
            List<A> listed = new java.util.ArrayList<>(expected.length);
            for (A one : expected) {
                listed.add(one);
            }
            assertThat(actions).as("actions in reaction to %s", actionResult).containsExactlyElementsOf(listed);
            return this;
        }
    }
}
