package io.fmodel.core.application;

import io.fmodel.core.Decider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

record SnapshotFetchDecideAppend<C, S, E, V>(
        Decider<C, S, E> decider,
        EventRepository<C, E, V> repository,
        SnapshotRepository<C, S, V> snapshots,
        SnapshotPolicy snapshotPolicy,
        RetryPolicy policy,
        RetryPolicy recovery)
        implements EventSourcingAggregate<C, S, E> {

    SnapshotFetchDecideAppend {
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(snapshots, "snapshots");
        Objects.requireNonNull(snapshotPolicy, "snapshotPolicy");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(recovery, "recovery");
    }

    @Override
    public List<E> handle(C command, UUID commandId) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(commandId, "commandId");
        return Retry.run(policy, recovery, command, commandId, () -> attempt(command, commandId));
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
            if (version != null) {
                saveIfDue(command, state, version, fetched.size());
            }
            return List.of();
        }
        return switch (repository.append(command, commandId, events, version)) {
            case Appended.Written<E, V> written -> {
                // the events of this decision, written right after the version it expected: folded onto its state
                List<StoredEvent<E, V>> stored = written.stored();
                for (StoredEvent<E, V> event : stored) {
                    state = decider.evolve(state, event.event());
                }
                saveIfDue(command, state, stored.getLast().version(), fetched.size() + stored.size());
                yield written.events();
            }
            // Appended by this command id before, after another version (a concurrent first attempt): folding them
            // onto this state could make a wrong snapshot, so none is saved.
            case Appended.Replayed<E, V> replayed -> replayed.events();
        };
    }

    private void saveIfDue(C command, S state, V version, int eventsSinceSnapshot) {
        if (eventsSinceSnapshot < snapshotPolicy.every()) {
            return;
        }
        try {
            snapshots.save(command, new Snapshot<>(state, version));
        } catch (RuntimeException failure) {
            // the events are committed: the command succeeded whatever happens to its cache
            snapshotPolicy.onSaveFailure().accept(failure);
        }
    }

    @Override
    public EventSourcingAggregate<C, S, E> withRetry(RetryPolicy policy) {
        return new SnapshotFetchDecideAppend<>(decider, repository, snapshots, snapshotPolicy, policy, recovery);
    }

    @Override
    public EventSourcingAggregate<C, S, E> withRecovery(RetryPolicy recovery) {
        return new SnapshotFetchDecideAppend<>(decider, repository, snapshots, snapshotPolicy, policy, recovery);
    }
}
