package io.fmodel.core.application;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The port of a state-stored aggregate: reads the state of the entity a command addresses, and saves it under
 * optimistic locking.
 *
 * <p>Contract: {@link #save} succeeds only if the entity's current version is still {@code expectedVersion}
 * ({@code null}: the entity must not exist yet); otherwise it throws {@link ConcurrencyConflictException} and writes
 * nothing.
 *
 * {@snippet :
 * Optional<VersionedState<Integer, Long>> current = repository.fetch(command);
 * repository.save(command, 42, current.map(VersionedState::version).orElse(null));
 * }
 *
 * @param <C> command type; the command says which entity it addresses
 * @param <S> state type
 * @param <V> version type, opaque to callers
 */
public interface StateRepository<C, S, V> {

    /** {@return the state of the entity {@code command} addresses, empty when it has none yet} */
    Optional<VersionedState<S, V>> fetch(C command);

    /**
     * Saves {@code state} as the state of the entity {@code command} addresses.
     *
     * @return the saved state with its new version
     * @throws ConcurrencyConflictException when the entity's version is no longer {@code expectedVersion}
     */
    VersionedState<S, V> save(C command, S state, @Nullable V expectedVersion);
}
