package io.fmodel.core.application;

import java.util.Objects;

/**
 * A state as a state or view-state repository stores it, with the version it was saved under.
 *
 * <p>The version is opaque: it is handed back to {@code save} as the expected version and compared with
 * {@code equals} only.
 *
 * {@snippet :
 * Optional<VersionedState<Integer, Long>> current = repository.fetch(command);
 * }
 *
 * @param state the state
 * @param version the version it was saved under
 * @param <S> state type
 * @param <V> version type
 */
public record VersionedState<S, V>(S state, V version) {

    /** Checks that no component is null. */
    public VersionedState {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(version, "version");
    }
}
