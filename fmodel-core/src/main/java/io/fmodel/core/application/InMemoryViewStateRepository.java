package io.fmodel.core.application;

import java.util.function.Function;

/**
 * A {@link ViewStateRepository} in memory, for tests and examples: thread-safe, with optimistic locking on versions
 * {@code 1, 2, 3, ...} per entity, exactly like the PostgreSQL one.
 *
 * {@snippet :
 * InMemoryViewStateRepository<CounterEvent, Integer> totals = InMemoryViewStateRepository.of(CounterEvent::counterId);
 * }
 *
 * @param <E> event type
 * @param <S> view state type
 */
public interface InMemoryViewStateRepository<E, S> extends ViewStateRepository<E, S, Long> {

    /** {@return an empty repository naming the entity an event belongs to with {@code entityIdOfEvent}} */
    static <E, S> InMemoryViewStateRepository<E, S> of(Function<? super E, String> entityIdOfEvent) {
        return new InMemoryStates<>(entityIdOfEvent);
    }
}
