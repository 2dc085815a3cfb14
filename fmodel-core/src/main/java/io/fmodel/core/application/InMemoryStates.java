package io.fmodel.core.application;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** States by entity id, saved under optimistic locking; serves both the state and the view-state repository. */
final class InMemoryStates<K, S> implements InMemoryStateRepository<K, S>, InMemoryViewStateRepository<K, S> {

    private final Function<? super K, String> entityId;
    private final ConcurrentHashMap<String, VersionedState<S, Long>> states = new ConcurrentHashMap<>();

    InMemoryStates(Function<? super K, String> entityId) {
        this.entityId = Objects.requireNonNull(entityId, "entityId");
    }

    @Override
    public Optional<VersionedState<S, Long>> fetch(K key) {
        return Optional.ofNullable(states.get(entityId.apply(key)));
    }

    @Override
    public VersionedState<S, Long> save(K key, S state, @Nullable Long expectedVersion) {
        Objects.requireNonNull(state, "state");
        String id = entityId.apply(key);
        // compute is atomic per key and leaves the mapping unchanged when the function throws.
        VersionedState<S, Long> saved = states.compute(id, (ignored, current) -> {
            @Nullable Long version = current == null ? null : current.version();
            if (!Objects.equals(version, expectedVersion)) {
                throw new ConcurrencyConflictException(id, expectedVersion, null);
            }
            return new VersionedState<>(state, version == null ? 1L : version + 1);
        });
        return Objects.requireNonNull(saved);
    }
}
