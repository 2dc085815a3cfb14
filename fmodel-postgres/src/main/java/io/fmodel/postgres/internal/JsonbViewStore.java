package io.fmodel.postgres.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.fmodel.postgres.EventStoreAccessException;
import io.fmodel.postgres.TransactionalViewStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * {@link TransactionalViewStore} as one JSONB document per entity in a table of its own. The table is not part of
 * {@code sql/} (each view names its own), so its statements are built with jOOQ's DSL from a quoted name and bind
 * values: no SQL text is concatenated. The read and the upsert, run for every event, are rendered once and run as
 * plain JDBC prepared statements (rendering a jOOQ query per event cost more client CPU than the rest of the view
 * update: docs/benchmarks.md, part 4). Statements run on the given connection as it is (no commit, no auto-commit
 * change).
 */
public final class JsonbViewStore<S, E> implements TransactionalViewStore<S, E> {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Settings SETTINGS = new Settings().withExecuteLogging(false);
    static final Field<String> ID = DSL.field(DSL.name("id"), SQLDataType.CLOB);
    static final Field<JSONB> STATE = DSL.field(DSL.name("state"), SQLDataType.JSONB);
    static final Field<OffsetDateTime> UPDATED_AT =
            DSL.field(DSL.name("updated_at"), SQLDataType.TIMESTAMPWITHTIMEZONE);

    private final String tableName;
    private final Table<?> table;
    private final Function<? super E, String> idOf;
    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final String fetchSql;
    private final String saveSql;

    public JsonbViewStore(
            String table, Function<? super E, String> idOf, Class<S> stateType, ObjectMapper objectMapper) {
        this.tableName = requireTable(table);
        this.table = DSL.table(DSL.name(table));
        this.idOf = idOf;
        this.reader = objectMapper.readerFor(stateType);
        this.writer = objectMapper.writerFor(stateType);
        DSLContext render = DSL.using(SQLDialect.POSTGRES, SETTINGS);
        this.fetchSql = render.render(render.select(STATE).from(this.table).where(ID.eq((String) null)));
        this.saveSql = render.render(render.insertInto(this.table, ID, STATE)
                .values((String) null, (JSONB) null)
                .onConflict(ID)
                .doUpdate()
                .set(STATE, DSL.excluded(STATE))
                .set(UPDATED_AT, DSL.currentOffsetDateTime()));
    }

    /** {@return {@code table}, checked: still an unquoted identifier, the same table whether users quote it or not} */
    static String requireTable(String table) {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException(
                    "table must be a lower-case SQL identifier (letters, digits, underscores), got " + table);
        }
        return table;
    }

    @Override
    public void install(Connection connection) throws SQLException {
        try {
            dsl(connection)
                    .createTableIfNotExists(table)
                    .column(ID, SQLDataType.CLOB.nullable(false))
                    .column(STATE, SQLDataType.JSONB.nullable(false))
                    .column(
                            UPDATED_AT,
                            SQLDataType.TIMESTAMPWITHTIMEZONE.nullable(false).defaultValue(DSL.currentOffsetDateTime()))
                    .primaryKey(ID)
                    .execute();
        } catch (DataAccessException e) {
            throw sqlException(e);
        }
    }

    @Override
    public Optional<S> fetch(Connection transaction, E event) throws SQLException {
        String id = idOf.apply(event);
        String state;
        try (PreparedStatement statement = transaction.prepareStatement(fetchSql)) {
            statement.setString(1, id);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                state = row.getString(1);
            }
        }
        return Optional.of(readState(reader, tableName, id, state));
    }

    /** {@return the state {@code json} of entity {@code id} in {@code table}}: a document that does not decode is typed */
    static <S> S readState(ObjectReader reader, String table, String id, String json) {
        try {
            return reader.readValue(json);
        } catch (JsonProcessingException e) {
            throw new EventStoreAccessException(
                    "view " + table + "/" + id,
                    "cannot read the state of " + id + " in " + table + ": " + e.getOriginalMessage(),
                    null,
                    e);
        }
    }

    @Override
    public void clear(Connection transaction) throws SQLException {
        try {
            dsl(transaction).deleteFrom(table).execute();
        } catch (DataAccessException e) {
            throw sqlException(e);
        }
    }

    @Override
    public void save(Connection transaction, E event, S state) throws SQLException {
        String id = idOf.apply(event);
        String json;
        try {
            json = writer.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new EventStoreAccessException(
                    "view " + tableName + "/" + id,
                    "cannot write the state of " + id + " in " + tableName + ": " + e.getOriginalMessage(),
                    null,
                    e);
        }
        try (PreparedStatement statement = transaction.prepareStatement(saveSql)) {
            statement.setString(1, id);
            statement.setString(2, json);
            statement.executeUpdate();
        }
    }

    private static DSLContext dsl(Connection connection) {
        return DSL.using(connection, SQLDialect.POSTGRES, SETTINGS);
    }

    /** The store's contract is JDBC's: callers see the driver's exception (SQLSTATE included), not jOOQ's. */
    private static SQLException sqlException(DataAccessException e) {
        return e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e.sqlState(), e);
    }
}
