package io.fmodel.core.application;

import io.fmodel.core.View;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

record FetchEvolveSave<S, E, V>(View<S, E> view, ViewStateRepository<E, S, V> repository, RetryPolicy policy)
        implements MaterializedView<S, E> {

    FetchEvolveSave {
        Objects.requireNonNull(view, "view");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(policy, "policy");
    }

    @Override
    public S handle(E event) {
        Objects.requireNonNull(event, "event");
        return Retry.run(policy, event, () -> {
            Optional<VersionedState<S, V>> current = repository.fetch(event);
            S state = current.isPresent() ? current.get().state() : view.initialState();
            @Nullable V expected = current.isPresent() ? current.get().version() : null;
            return repository.save(event, view.evolve(state, event), expected).state();
        });
    }

    @Override
    public MaterializedView<S, E> withRetry(RetryPolicy policy) {
        return new FetchEvolveSave<>(view, repository, policy);
    }
}
