package io.fmodel.core.application;

import io.fmodel.core.Decider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

record FetchDecideSave<C, S, E, V>(Decider<C, S, E> decider, StateRepository<C, S, V> repository, RetryPolicy policy)
        implements StateStoredAggregate<C, S, E> {

    FetchDecideSave {
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(policy, "policy");
    }

    @Override
    public S handle(C command) {
        Objects.requireNonNull(command, "command");
        return Retry.run(policy, command, () -> attempt(command));
    }

    private S attempt(C command) {
        Optional<VersionedState<S, V>> current = repository.fetch(command);
        S state = current.isPresent() ? current.get().state() : decider.initialState();
        @Nullable V expected = current.isPresent() ? current.get().version() : null;
        List<E> events = decider.decide(command, state);
        if (events.isEmpty()) {
            return state;
        }
        for (E event : events) {
            state = decider.evolve(state, event);
        }
        return repository.save(command, state, expected).state();
    }

    @Override
    public StateStoredAggregate<C, S, E> withRetry(RetryPolicy policy) {
        return new FetchDecideSave<>(decider, repository, policy);
    }
}
