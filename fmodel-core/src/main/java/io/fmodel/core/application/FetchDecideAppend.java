package io.fmodel.core.application;

import io.fmodel.core.Decider;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

record FetchDecideAppend<C, S, E, V>(
        Decider<C, S, E> decider, EventRepository<C, E, V> repository, RetryPolicy policy, RetryPolicy recovery)
        implements EventSourcingAggregate<C, S, E> {

    FetchDecideAppend {
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(repository, "repository");
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
        List<StoredEvent<E, V>> history = repository.fetch(command);
        List<E> earlier = Histories.eventsOf(history, commandId);
        if (!earlier.isEmpty()) {
            return earlier;
        }
        S state = decider.initialState();
        for (StoredEvent<E, V> stored : history) {
            state = decider.evolve(state, stored.event());
        }
        List<E> events = decider.decide(command, state);
        if (events.isEmpty()) {
            return List.of();
        }
        @Nullable V expected = history.isEmpty() ? null : history.getLast().version();
        return repository.append(command, commandId, events, expected).events();
    }

    @Override
    public EventSourcingAggregate<C, S, E> withRetry(RetryPolicy policy) {
        return withPolicy(policy);
    }

    FetchDecideAppend<C, S, E, V> withPolicy(RetryPolicy policy) {
        return new FetchDecideAppend<>(decider, repository, policy, recovery);
    }

    @Override
    public EventSourcingAggregate<C, S, E> withRecovery(RetryPolicy recovery) {
        return withRecoveryPolicy(recovery);
    }

    FetchDecideAppend<C, S, E, V> withRecoveryPolicy(RetryPolicy recovery) {
        return new FetchDecideAppend<>(decider, repository, policy, recovery);
    }
}
