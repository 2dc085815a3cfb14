package io.fmodel.core.application;

import java.util.function.Function;

/**
 * A {@link StateRepository} in memory, for tests and examples: thread-safe, with optimistic locking on versions
 * {@code 1, 2, 3, ...} per entity, exactly like the PostgreSQL one.
 *
 * {@snippet :
 * InMemoryStateRepository<CounterCommand, Integer> states = InMemoryStateRepository.of(CounterCommand::counterId);
 * }
 *
 * @param <C> command type
 * @param <S> state type
 */
public interface InMemoryStateRepository<C, S> extends StateRepository<C, S, Long> {

    /** {@return an empty repository naming the entity of a command with {@code entityIdOfCommand}} */
    static <C, S> InMemoryStateRepository<C, S> of(Function<? super C, String> entityIdOfCommand) {
        return new InMemoryStates<>(entityIdOfCommand);
    }
}
