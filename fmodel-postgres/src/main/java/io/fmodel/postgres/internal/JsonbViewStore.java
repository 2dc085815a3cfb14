package io.fmodel.postgres.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.postgres.TransactionalViewStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/** {@link TransactionalViewStore} as one JSONB document per entity in a table of its own. */
public final class JsonbViewStore<S, E> implements TransactionalViewStore<S, E> {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String table;
    private final Function<? super E, String> idOf;
    private final Class<S> stateType;
    private final ObjectMapper objectMapper;

    public JsonbViewStore(
            String table, Function<? super E, String> idOf, Class<S> stateType, ObjectMapper objectMapper) {
        if (!IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException(
                    "table must be a lower-case SQL identifier (letters, digits, underscores), got " + table);
        }
        this.table = table;
        this.idOf = idOf;
        this.stateType = stateType;
        this.objectMapper = objectMapper;
    }

    @Override
    public void install(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + table
                    + " (id TEXT PRIMARY KEY, state JSONB NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        }
    }

    @Override
    public Optional<S> fetch(Connection transaction, E event) throws SQLException {
        try (PreparedStatement statement =
                transaction.prepareStatement("SELECT state::text FROM " + table + " WHERE id = ?")) {
            statement.setString(1, idOf.apply(event));
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(objectMapper.readValue(rows.getString(1), stateType));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read the state of " + idOf.apply(event) + " in " + table, e);
        }
    }

    @Override
    public void clear(Connection transaction) throws SQLException {
        try (Statement statement = transaction.createStatement()) {
            statement.execute("DELETE FROM " + table);
        }
    }

    @Override
    public void save(Connection transaction, E event, S state) throws SQLException {
        try (PreparedStatement statement = transaction.prepareStatement("INSERT INTO " + table
                + " (id, state) VALUES (?, ?::jsonb) ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state,"
                + " updated_at = now()")) {
            statement.setString(1, idOf.apply(event));
            statement.setString(2, objectMapper.writeValueAsString(state));
            statement.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the state of " + idOf.apply(event) + " in " + table, e);
        }
    }
}
