package io.fmodel.vavr.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.vavr.CommandFailure;
import io.fmodel.vavr.EitherAggregate;
import io.vavr.control.Either;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A given/when/then specification of an {@link EitherAggregate}: handle some commands first (each must succeed),
 * handle one more, and check its {@code Right} events or its {@code Left} {@link CommandFailure}.
 *
 * <p>Unlike {@code EitherDeciderSpec} this does I/O: it runs the aggregate on whatever repository it was built with
 * (in memory, a stub that fails on purpose, PostgreSQL), and {@code given} leaves its commands' events there.
 * Failures are AssertJ assertion errors that show the command and the actual outcome.
 *
 * {@snippet :
 * var counters = EitherAggregate.of(counter, InMemoryEventRepository.of(CounterCommand::counterId));
 * EitherAggregateSpec.of(counters)
 *         .given(new Add("c", 60))
 *         .when(new Add("c", 50))
 *         .thenRejected("over 100");
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 * @param <R> rejection type
 */
public final class EitherAggregateSpec<C, S, E, R> {

    private final EitherAggregate<C, S, E, R> aggregate;

    private EitherAggregateSpec(EitherAggregate<C, S, E, R> aggregate) {
        this.aggregate = aggregate;
    }

    /** {@return a spec of {@code aggregate}} */
    public static <C, S, E, R> EitherAggregateSpec<C, S, E, R> of(EitherAggregate<C, S, E, R> aggregate) {
        return new EitherAggregateSpec<>(Objects.requireNonNull(aggregate, "aggregate"));
    }

    /**
     * Handles {@code commands} in order, each under a fresh id; fails if one of them is not a {@code Right}.
     *
     * @return this spec
     */
    @SafeVarargs
    public final EitherAggregateSpec<C, S, E, R> given(C... commands) {
        for (C command : commands) {
            Either<CommandFailure<C, R>, List<E>> outcome = aggregate.handle(command);
            if (outcome.isLeft()) {
                throw new AssertionError("given command " + command + " failed: " + outcome.getLeft());
            }
        }
        return this;
    }

    /** {@return the outcome of handling {@code command} under a fresh id} */
    public Then<C, E, R> when(C command) {
        return when(command, UUID.randomUUID());
    }

    /** {@return the outcome of handling {@code command} under {@code commandId}} */
    public Then<C, E, R> when(C command, UUID commandId) {
        return new Then<>(command, aggregate.handle(command, commandId));
    }

    /**
     * The outcome of one command, to check with {@code then...} calls, which can be chained.
     *
     * @param <C> command type
     * @param <E> event type
     * @param <R> rejection type
     */
    public static final class Then<C, E, R> {

        private final C command;
        private final Either<CommandFailure<C, R>, List<E>> outcome;

        private Then(C command, Either<CommandFailure<C, R>, List<E>> outcome) {
            this.command = command;
            this.outcome = outcome;
        }

        /** {@return the outcome itself, for checks of your own} */
        public Either<CommandFailure<C, R>, List<E>> outcome() {
            return outcome;
        }

        /**
         * Checks that the outcome is {@code Right} of exactly {@code expected}, in order.
         *
         * @return this outcome
         */
        @SafeVarargs
        public final Then<C, E, R> thenEvents(E... expected) {
            List<E> listed = new ArrayList<>(expected.length);
            for (E one : expected) {
                listed.add(one);
            }
            if (outcome.isLeft()) {
                throw new AssertionError(
                        "expected handling " + command + " to return events but it failed: " + outcome.getLeft(),
                        outcome.getLeft().cause());
            }
            assertThat(outcome.get()).as("events of %s", command).containsExactlyElementsOf(listed);
            return this;
        }

        /**
         * Checks that the outcome is {@link CommandFailure.Rejected} with {@code expected}.
         *
         * @return this outcome
         */
        public Then<C, E, R> thenRejected(R expected) {
            CommandFailure<C, R> failure = failure(CommandFailure.Rejected.class);
            if (failure instanceof CommandFailure.Rejected<C, R> rejected) {
                assertThat(rejected.rejection()).as("rejection of %s", command).isEqualTo(expected);
            }
            return this;
        }

        /**
         * Checks that the outcome is a {@code Left} of the case {@code failureCase}, for example
         * {@code CommandFailure.StoreUnavailable.class}, for {@code command}.
         *
         * @return this outcome
         */
        public Then<C, E, R> thenFails(Class<?> failureCase) {
            failure(failureCase);
            return this;
        }

        private CommandFailure<C, R> failure(Class<?> failureCase) {
            if (outcome.isRight()) {
                throw new AssertionError("expected handling " + command + " to fail with " + failureCase.getSimpleName()
                        + " but it returned " + outcome.get());
            }
            CommandFailure<C, R> failure = outcome.getLeft();
            assertThat(failure).as("failure of %s", command).isInstanceOf(failureCase);
            assertThat(failure.command()).as("the failure's command").isEqualTo(command);
            return failure;
        }
    }
}
