package io.fmodel.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.postgres.internal.JsonbViewStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;

/**
 * View states stored in the event store's own database, read and written in the transaction that acknowledges the
 * events: a {@link ViewProcessor} over it has an exactly-once effect (the state and the position commit together,
 * or neither does).
 *
 * <p>Implementations use the given connection only, never commit or roll it back, and are thread-safe.
 *
 * {@snippet :
 * TransactionalViewStore<Balance, AccountEvent> balances =
 *         TransactionalViewStore.jsonb("balances", AccountEvent::accountId, Balance.class, new ObjectMapper());
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

    /**
     * {@return a store keeping one JSONB document per entity in {@code table} (columns {@code id TEXT PRIMARY KEY,
     * state JSONB, updated_at}), created when missing}
     *
     * @param table an unquoted SQL identifier: letters, digits and underscores
     * @param idOf the entity an event belongs to
     */
    static <S, E> TransactionalViewStore<S, E> jsonb(
            String table, Function<? super E, String> idOf, Class<S> stateType, ObjectMapper objectMapper) {
        return new JsonbViewStore<>(table, idOf, stateType, objectMapper);
    }
}
