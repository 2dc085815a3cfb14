package io.fmodel.core.application;

import io.fmodel.core.Decider;

/**
 * Runs a {@link Decider} against a {@link StateRepository}: fetch the entity's state (or the initial state), decide,
 * evolve the state by the new events, save it conditioned on the version fetched.
 *
 * <p>The same decider gives the same states as an {@link EventSourcingAggregate}. Concurrency conflicts are retried
 * under the {@link RetryPolicy} (re-fetch and re-decide) and end in {@link RetriesExhaustedException}; an exception
 * from {@code decide} reaches the caller unchanged and nothing is saved. A decision with no events saves nothing.
 *
 * {@snippet :
 * StateStoredAggregate<CounterCommand, Integer, CounterEvent> counters =
 *         StateStoredAggregate.of(counter, InMemoryStateRepository.of(CounterCommand::counterId));
 * Integer count = counters.handle(new Add("c-1", 5)); // 5
 * }
 *
 * @param <C> command type
 * @param <S> state type
 * @param <E> event type
 */
public interface StateStoredAggregate<C, S, E> {

    /**
     * {@return the entity's state after {@code command}}
     *
     * @throws RetriesExhaustedException when every attempt lost an optimistic-locking race
     */
    S handle(C command);

    /** {@return this aggregate retrying concurrency conflicts under {@code policy}} */
    StateStoredAggregate<C, S, E> withRetry(RetryPolicy policy);

    /** {@return an aggregate of {@code decider} over {@code repository}, with the default retry policy} */
    static <C, S, E, V> StateStoredAggregate<C, S, E> of(
            Decider<C, S, E> decider, StateRepository<C, S, V> repository) {
        return new FetchDecideSave<>(decider, repository, RetryPolicy.defaults());
    }
}
