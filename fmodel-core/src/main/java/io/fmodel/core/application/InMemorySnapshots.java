package io.fmodel.core.application;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Snapshots by stream id; a save keeps the snapshot of the higher version. */
final class InMemorySnapshots<C, S> implements InMemorySnapshotRepository<C, S> {

    private final Function<? super C, String> streamIdOfCommand;
    private final ConcurrentHashMap<String, Snapshot<S, Long>> snapshots = new ConcurrentHashMap<>();

    InMemorySnapshots(Function<? super C, String> streamIdOfCommand) {
        this.streamIdOfCommand = Objects.requireNonNull(streamIdOfCommand, "streamIdOfCommand");
    }

    @Override
    public Optional<Snapshot<S, Long>> load(C command) {
        return Optional.ofNullable(snapshots.get(streamIdOfCommand.apply(command)));
    }

    @Override
    public void save(C command, Snapshot<S, Long> snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        // merge is atomic per key: of two concurrent saves, the higher version stays whatever the order
        snapshots.merge(
                streamIdOfCommand.apply(command),
                snapshot,
                (stored, offered) -> offered.version() > stored.version() ? offered : stored);
    }

    @Override
    public void delete(String streamId) {
        snapshots.remove(streamId);
    }
}
