package io.fmodel.core.application;

import java.util.Optional;

/**
 * The port of the snapshots of an {@link EventSourcingAggregate}: at most one {@link Snapshot} per stream, the newest
 * saved.
 *
 * <p>Contract every implementation honours:
 * <ul>
 *   <li>{@link #save} never moves a snapshot backwards: when the stored one is of a later event of the stream, it
 *       is kept and {@code snapshot} is dropped. Saving is not optimistically locked and never conflicts.
 *   <li>A snapshot is a cache: an implementation may lose or delete one at any time, and {@link #load} then returns
 *       empty. It must never return a snapshot whose state is not the fold of its stream up to its version (an
 *       implementation that cannot decode a stored state returns empty).
 * </ul>
 *
 * {@snippet :
 * Optional<Snapshot<Integer, Long>> snapshot = snapshots.load(command);
 * snapshots.save(command, new Snapshot<>(42, 17L));
 * }
 *
 * @param <C> command type; the command says which stream it addresses
 * @param <S> state type
 * @param <V> version type, the one of the stream's {@link EventRepository}
 */
public interface SnapshotRepository<C, S, V> {

    /** {@return the snapshot of the stream {@code command} addresses, empty when there is none} */
    Optional<Snapshot<S, V>> load(C command);

    /** Stores {@code snapshot} for the stream {@code command} addresses, unless a newer one is stored already. */
    void save(C command, Snapshot<S, V> snapshot);

    /**
     * {@return a repository that keeps nothing: {@link #load} is always empty and {@link #save} drops the snapshot}
     *
     * <p>Pure, no I/O. It is what {@link EventSourcingAggregate#of(io.fmodel.core.Decider, EventRepository)} runs on:
     * an aggregate over it folds the whole history of the stream for every command, which is what an aggregate
     * without snapshots does. It honours the contract above trivially (a cache that lost everything).
     *
     * {@snippet :
     * var counters = EventSourcingAggregate.of(counter, repository, SnapshotRepository.none(), SnapshotPolicy.every(100));
     * // decides, appends and returns exactly what EventSourcingAggregate.of(counter, repository) does
     * }
     */
    static <C, S, V> SnapshotRepository<C, S, V> none() {
        return new NoSnapshots<>();
    }
}
