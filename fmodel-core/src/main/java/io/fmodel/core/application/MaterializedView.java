package io.fmodel.core.application;

import io.fmodel.core.View;

/**
 * Runs a {@link View} against a {@link ViewStateRepository}: for each event, fetch the view state of the entity the
 * event belongs to (or the initial state), evolve it, save it conditioned on the version fetched.
 *
 * <p>Concurrency conflicts are retried under the {@link RetryPolicy}. Delivery of events is the caller's business:
 * an event handled twice is evolved twice, so feed a view at-least-once only if its {@code evolve} is idempotent.
 *
 * {@snippet :
 * MaterializedView<Integer, CounterEvent> totals =
 *         MaterializedView.of(total, InMemoryViewStateRepository.of(CounterEvent::counterId));
 * Integer total = totals.handle(new Added("c-1", 5)); // 5
 * }
 *
 * @param <S> view state type
 * @param <E> event type
 */
public interface MaterializedView<S, E> {

    /**
     * {@return the view state of the entity {@code event} belongs to, after {@code event}}
     *
     * @throws RetriesExhaustedException when every attempt lost an optimistic-locking race
     */
    S handle(E event);

    /** {@return this view retrying concurrency conflicts under {@code policy}} */
    MaterializedView<S, E> withRetry(RetryPolicy policy);

    /** {@return a materialized view of {@code view} over {@code repository}, with the default retry policy} */
    static <S, E, V> MaterializedView<S, E> of(View<S, E> view, ViewStateRepository<E, S, V> repository) {
        return new FetchEvolveSave<>(view, repository, RetryPolicy.defaults());
    }
}
