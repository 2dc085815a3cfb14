package io.fmodel.postgres;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The query side of a view kept by {@link PostgresEventStore#jsonbViewStore}: its states by id and in pages, read without
 * writing SQL against the view's table. Each call is one statement on a connection of the data source; states are
 * those of committed view transactions.
 *
 * {@snippet :
 * ViewStates<Integer> totals = store.viewStates("counter_totals", Integer.class);
 * Optional<Integer> total = totals.find("c-1");
 * List<ViewStates.State<Integer>> first = totals.page(null, 50);
 * List<ViewStates.State<Integer>> next = totals.page(first.getLast().id(), 50);
 * }
 *
 * @param <S> the state type
 */
public interface ViewStates<S> {

    /** The most states one page may hold. */
    int MAX_PAGE = 10_000;

    /**
     * {@return the state of the entity {@code id}, empty when the view has none}
     *
     * @throws EventStoreAccessException if the table does not exist (no processor has installed it yet) or a state
     *     cannot be decoded
     * @throws io.fmodel.core.application.StoreUnavailableException if the database cannot be reached
     */
    Optional<S> find(String id);

    /**
     * {@return at most {@code limit} states in the order of their ids, starting after {@code afterId} ({@code null}:
     * from the first)}: pass the last id of a page to get the next one (keyset paging: a page costs its size, however
     * deep)
     *
     * @throws IllegalArgumentException if {@code limit} is not between 1 and {@link #MAX_PAGE}
     * @throws EventStoreAccessException as {@link #find}
     */
    List<State<S>> page(@Nullable String afterId, int limit);

    /** {@return the number of entities the view has a state for} */
    long count();

    /**
     * One entity's state.
     *
     * @param id the entity's id (what the view store's {@code idOf} gave)
     * @param state its state
     * @param updatedAt when a view transaction last wrote it
     * @param <S> the state type
     */
    record State<S>(String id, S state, OffsetDateTime updatedAt) {}
}
