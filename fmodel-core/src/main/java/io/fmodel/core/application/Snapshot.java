package io.fmodel.core.application;

import java.util.Objects;

/**
 * A state folded from the start of a stream up to and including the event of {@code version}: what an
 * {@link EventSourcingAggregate} with snapshots starts from instead of the stream's first event.
 *
 * <p>A snapshot is a cache: the events stay the truth. Dropping it changes no decision, only the cost of the next one.
 *
 * {@snippet :
 * snapshots.save(command, new Snapshot<>(balance, lastEvent.version()));
 * }
 *
 * @param state the state after the event of {@code version}
 * @param version the version of the last event folded into {@code state}
 * @param <S> state type
 * @param <V> version type, the one of the stream's {@link EventRepository}
 */
public record Snapshot<S, V>(S state, V version) {

    /** Checks that no component is null. */
    public Snapshot {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(version, "version");
    }
}
