package io.fmodel.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A given/then specification of a {@link View}: fold events into the state and check it.
 *
 * <p>Pure; failures are AssertJ assertion errors showing the events, the expected and the actual state. Specs are
 * immutable.
 *
 * {@snippet :
 * ViewSpec.of(total).given(new Added(2), new Added(3)).thenState(5);
 * }
 *
 * @param <S> view state type
 * @param <E> event type
 */
public final class ViewSpec<S, E> {

    private final View<S, E> view;
    private final S state;
    private final List<E> events;

    private ViewSpec(View<S, E> view, S state, List<E> events) {
        this.view = view;
        this.state = state;
        this.events = events;
    }

    /** {@return a spec of {@code view}, starting from its initial state} */
    public static <S, E> ViewSpec<S, E> of(View<S, E> view) {
        Objects.requireNonNull(view, "view");
        return new ViewSpec<>(view, view.initialState(), List.of());
    }

    /** {@return this spec starting from {@code state} instead} */
    public ViewSpec<S, E> givenState(S state) {
        return new ViewSpec<>(view, Objects.requireNonNull(state, "state"), List.of());
    }

    /** {@return this spec after {@code more} events (they are folded into the state)} */
    @SafeVarargs
    public final ViewSpec<S, E> given(E... more) {
        S next = state;
        List<E> all = new ArrayList<>(events);
        for (E event : more) {
            next = view.evolve(next, event);
            all.add(event);
        }
        return new ViewSpec<>(view, next, List.copyOf(all));
    }

    /**
     * Checks that the state is {@code expected}.
     *
     * @return this spec
     */
    public ViewSpec<S, E> thenState(S expected) {
        assertThat(state).as("view state after %s", events).isEqualTo(expected);
        return this;
    }
}
