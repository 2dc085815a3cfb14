package io.fmodel.core.application;

import io.fmodel.core.Decider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The one event-sourced aggregate: snapshots are its plain path, and an aggregate without them uses
 * {@link SnapshotRepository#none()}, which loads nothing (so the whole history is fetched, as ever) and keeps nothing.
 */
record FetchDecideAppend<C, S, E, V>(
        Decider<C, S, E> decider,
        EventRepository<C, E, V> repository,
        SnapshotRepository<C, S, V> snapshots,
        SnapshotPolicy snapshotPolicy,
        RetryPolicy policy,
        RetryPolicy recovery,
        CommandListener listener)
        implements EventSourcingAggregate<C, S, E> {

    /**
     * The policy of an aggregate without snapshots: never due, so that no command folds its new events into a state
     * only to hand it to a repository that keeps nothing (a list cannot hold more than {@code Integer.MAX_VALUE}
     * events, so {@code fetched + appended} never reaches it).
     */
    private static final SnapshotPolicy NEVER = SnapshotPolicy.every(Integer.MAX_VALUE);

    FetchDecideAppend {
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(snapshots, "snapshots");
        Objects.requireNonNull(snapshotPolicy, "snapshotPolicy");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(recovery, "recovery");
        Objects.requireNonNull(listener, "listener");
    }

    /** {@return an aggregate without snapshots, with the default retry and recovery policies} */
    static <C, S, E, V> FetchDecideAppend<C, S, E, V> withoutSnapshots(
            Decider<C, S, E> decider, EventRepository<C, E, V> repository) {
        return new FetchDecideAppend<>(
                decider,
                repository,
                SnapshotRepository.none(),
                NEVER,
                RetryPolicy.defaults(),
                RetryPolicy.recoveryDefaults(),
                CommandListener.none());
    }

    @Override
    public List<E> handle(C command, UUID commandId) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(commandId, "commandId");
        return Retry.run(policy, recovery, listener, command, commandId, () -> attempt(command, commandId));
    }

    private List<E> attempt(C command, UUID commandId) {
        // Loaded again on every attempt: after a conflict, a newer snapshot may have been saved by the winner.
        Optional<Snapshot<S, V>> snapshot = snapshots.load(command);
        Optional<List<StoredEvent<E, V>>> after =
                snapshot.flatMap(s -> repository.fetchAfter(command, s.version(), commandId));
        S state;
        @Nullable V version;
        List<StoredEvent<E, V>> fetched;
        if (snapshot.isPresent() && after.isPresent()) {
            state = snapshot.get().state();
            version = snapshot.get().version();
            fetched = after.get();
        } else {
            // no snapshot, or one of a version this stream does not have: the whole history
            state = decider.initialState();
            version = null;
            fetched = repository.fetch(command);
        }
        List<E> earlier = Histories.eventsOf(fetched, commandId);
        if (!earlier.isEmpty()) {
            return earlier;
        }
        for (StoredEvent<E, V> stored : fetched) {
            state = decider.evolve(state, stored.event());
        }
        if (!fetched.isEmpty()) {
            version = fetched.getLast().version();
        }
        List<E> events = decider.decide(command, state);
        if (events.isEmpty()) {
            if (version != null && due(fetched.size())) {
                save(command, state, version);
            }
            return List.of();
        }
        return switch (repository.append(command, commandId, events, version)) {
            case Appended.Written<E, V> written -> {
                List<StoredEvent<E, V>> stored = written.stored();
                if (due(fetched.size() + stored.size())) {
                    // the events of this decision, written right after the version it expected: folded onto its state
                    for (StoredEvent<E, V> event : stored) {
                        state = decider.evolve(state, event.event());
                    }
                    save(command, state, stored.getLast().version());
                }
                yield written.events();
            }
            // Appended by this command id before, after another version (a concurrent first attempt): folding them
            // onto this state could make a wrong snapshot, so none is saved.
            case Appended.Replayed<E, V> replayed -> replayed.events();
        };
    }

    /** {@return whether {@code eventsSinceSnapshot} events since the snapshot started from make a new one due} */
    private boolean due(int eventsSinceSnapshot) {
        return eventsSinceSnapshot >= snapshotPolicy.every();
    }

    private void save(C command, S state, V version) {
        try {
            snapshots.save(command, new Snapshot<>(state, version));
        } catch (RuntimeException failure) {
            // the events are committed: the command succeeded whatever happens to its cache
            snapshotPolicy.onSaveFailure().accept(failure);
        }
    }

    @Override
    public FetchDecideAppend<C, S, E, V> withRetry(RetryPolicy policy) {
        return new FetchDecideAppend<>(decider, repository, snapshots, snapshotPolicy, policy, recovery, listener);
    }

    @Override
    public FetchDecideAppend<C, S, E, V> withRecovery(RetryPolicy recovery) {
        return new FetchDecideAppend<>(decider, repository, snapshots, snapshotPolicy, policy, recovery, listener);
    }

    @Override
    public FetchDecideAppend<C, S, E, V> withListener(CommandListener listener) {
        return new FetchDecideAppend<>(decider, repository, snapshots, snapshotPolicy, policy, recovery, listener);
    }
}
