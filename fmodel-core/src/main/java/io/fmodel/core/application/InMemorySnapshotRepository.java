package io.fmodel.core.application;

import java.util.function.Function;

/**
 * A {@link SnapshotRepository} in memory, for tests and examples, beside {@link InMemoryEventRepository} (whose
 * versions {@code 1, 2, 3, ...} it compares to keep the newer snapshot). Thread-safe; nothing survives the JVM.
 *
 * {@snippet :
 * InMemorySnapshotRepository<CounterCommand, Integer> snapshots = InMemorySnapshotRepository.of(CounterCommand::counterId);
 * }
 *
 * @param <C> command type
 * @param <S> state type
 */
public interface InMemorySnapshotRepository<C, S> extends SnapshotRepository<C, S, Long> {

    /** Forgets the snapshot of the stream {@code streamId}, as a user may delete a cache entry at any time. */
    void delete(String streamId);

    /** {@return an empty repository naming the stream of a command with {@code streamIdOfCommand}} */
    static <C, S> InMemorySnapshotRepository<C, S> of(Function<? super C, String> streamIdOfCommand) {
        return new InMemorySnapshots<>(streamIdOfCommand);
    }
}
