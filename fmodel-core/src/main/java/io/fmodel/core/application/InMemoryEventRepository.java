package io.fmodel.core.application;

import java.util.List;
import java.util.function.Function;

/**
 * An {@link EventRepository} in memory, for tests and examples: thread-safe, and honouring exactly the contract the
 * PostgreSQL one does (optimistic locking on the expected version, all-or-nothing appends, idempotent command ids
 * returning the first result).
 *
 * <p>A stream is named by {@code streamIdOfCommand}; its versions are {@code 1, 2, 3, ...} with no gap. Nothing
 * survives the JVM.
 *
 * {@snippet :
 * InMemoryEventRepository<CounterCommand, CounterEvent> repository = InMemoryEventRepository.of(CounterCommand::counterId);
 * List<StoredEvent<CounterEvent, Long>> stream = repository.stream("c-1");
 * }
 *
 * @param <C> command type
 * @param <E> event type
 */
public interface InMemoryEventRepository<C, E> extends EventRepository<C, E, Long> {

    /** {@return the events of the stream {@code streamId}, oldest first; empty when it has none} */
    List<StoredEvent<E, Long>> stream(String streamId);

    /** {@return an empty repository naming the stream of a command with {@code streamIdOfCommand}} */
    static <C, E> InMemoryEventRepository<C, E> of(Function<? super C, String> streamIdOfCommand) {
        return new InMemoryEventStreams<>(streamIdOfCommand);
    }
}
