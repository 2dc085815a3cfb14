package io.fmodel.core.application;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The port of a materialized view: reads the view state of the entity an event belongs to (the port decides the key
 * from the event), and saves it under optimistic locking.
 *
 * <p>Contract: {@link #save} succeeds only if the entity's current version is still {@code expectedVersion}
 * ({@code null}: no state yet); otherwise it throws {@link ConcurrencyConflictException} and writes nothing.
 *
 * {@snippet :
 * ViewStateRepository<CounterEvent, Integer, Long> totals = InMemoryViewStateRepository.of(CounterEvent::counterId);
 * }
 *
 * @param <E> event type; the event says which entity's view it updates
 * @param <S> view state type
 * @param <V> version type, opaque to callers
 */
public interface ViewStateRepository<E, S, V> {

    /** {@return the view state of the entity {@code event} belongs to, empty when it has none yet} */
    Optional<VersionedState<S, V>> fetch(E event);

    /**
     * Saves {@code state} as the view state of the entity {@code event} belongs to.
     *
     * @return the saved state with its new version
     * @throws ConcurrencyConflictException when the version is no longer {@code expectedVersion}
     */
    VersionedState<S, V> save(E event, S state, @Nullable V expectedVersion);
}
