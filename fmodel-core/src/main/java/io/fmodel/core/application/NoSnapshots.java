package io.fmodel.core.application;

import java.util.Objects;
import java.util.Optional;

/** Keeps nothing: {@link SnapshotRepository#none()}. A record with no state, so every instance is equal to another. */
record NoSnapshots<C, S, V>() implements SnapshotRepository<C, S, V> {

    @Override
    public Optional<Snapshot<S, V>> load(C command) {
        return Optional.empty();
    }

    @Override
    public void save(C command, Snapshot<S, V> snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
    }
}
