package io.fmodel.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * View states stored in the event store's own database, read and written in the transaction that acknowledges the
 * events: a {@link ViewProcessor} over it has an exactly-once effect (the state and the position commit together,
 * or neither does).
 *
 * <p>{@link PostgresEventStore#jsonbViewStore} gives one that keeps a JSONB document per entity; implement it for a
 * table of your own. Implementations use the given connection only, never commit or roll it back, and are thread-safe.
 *
 * {@snippet :
 * TransactionalViewStore<Balance, AccountEvent> balances =
 *         store.jsonbViewStore("balances", AccountEvent::accountId, Balance.class);
 * }
 *
 * @param <S> view state type
 * @param <E> event type
 */
public interface TransactionalViewStore<S, E> {

    /** Creates what the store needs (tables), if missing. Called once when a processor starts. */
    default void install(Connection connection) throws SQLException {}

    /** {@return the state of the entity {@code event} belongs to, empty when it has none yet} */
    Optional<S> fetch(Connection transaction, E event) throws SQLException;

    /** Saves {@code state} as the state of the entity {@code event} belongs to. */
    void save(Connection transaction, E event, S state) throws SQLException;

    /**
     * Deletes every state: called by {@link StreamProcessor#rebuild()} in the transaction that resets the view's
     * positions, so a rebuild starts from empty states atomically.
     */
    void clear(Connection transaction) throws SQLException;
}
