package io.fmodel.postgres.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.fmodel.postgres.EventStoreAccessException;
import io.fmodel.postgres.ViewStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jspecify.annotations.Nullable;

/**
 * {@link ViewStates} over the table of a {@link JsonbViewStore}. Its three statements are rendered once with jOOQ's
 * DSL from the quoted table name (bind values only) and run as plain JDBC prepared statements, in auto-commit.
 */
public final class JsonbViewStates<S> implements ViewStates<S> {

    private final DataSource dataSource;
    private final String tableName;
    private final ObjectReader reader;
    private final String findSql;
    private final String firstPageSql;
    private final String pageSql;
    private final String countSql;

    public JsonbViewStates(DataSource dataSource, String table, Class<S> stateType, ObjectMapper objectMapper) {
        this.dataSource = dataSource;
        this.tableName = JsonbViewStore.requireTable(table);
        this.reader = objectMapper.readerFor(stateType);
        Table<?> t = DSL.table(DSL.name(table));
        DSLContext render = DSL.using(SQLDialect.POSTGRES, new Settings().withExecuteLogging(false));
        var columns = List.of(JsonbViewStore.ID, JsonbViewStore.STATE, JsonbViewStore.UPDATED_AT);
        this.findSql = render.render(render.select(columns).from(t).where(JsonbViewStore.ID.eq((String) null)));
        this.firstPageSql = render.render(render.select(columns)
                .from(t)
                .orderBy(JsonbViewStore.ID)
                .limit(DSL.param("limit", SQLDataType.INTEGER)));
        this.pageSql = render.render(render.select(columns)
                .from(t)
                .where(JsonbViewStore.ID.gt((String) null))
                .orderBy(JsonbViewStore.ID)
                .limit(DSL.param("limit", SQLDataType.INTEGER)));
        this.countSql = render.render(render.selectCount().from(t));
    }

    @Override
    public Optional<S> find(String id) {
        if (id == null) {
            throw new IllegalArgumentException("id is null");
        }
        List<State<S>> found = query(findSql, id, null);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst().state());
    }

    @Override
    public List<State<S>> page(@Nullable String afterId, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE + ", got " + limit);
        }
        return afterId == null ? query(firstPageSql, null, limit) : query(pageSql, afterId, limit);
    }

    @Override
    public long count() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(countSql);
                ResultSet r = statement.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private List<State<S>> query(String sql, @Nullable String id, @Nullable Integer limit) {
        List<State<S>> states = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            int parameter = 1;
            if (id != null) {
                statement.setString(parameter++, id);
            }
            if (limit != null) {
                statement.setInt(parameter, limit);
            }
            try (ResultSet r = statement.executeQuery()) {
                while (r.next()) {
                    String rowId = r.getString(1);
                    states.add(new State<>(
                            rowId,
                            JsonbViewStore.readState(reader, tableName, rowId, r.getString(2)),
                            r.getObject(3, OffsetDateTime.class)));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        return Collections.unmodifiableList(states);
    }

    private RuntimeException failure(SQLException e) {
        if ("42P01".equals(e.getSQLState())) {
            return new EventStoreAccessException(
                    "view " + tableName,
                    "the view table " + tableName + " does not exist: no processor of this view has started yet, or"
                            + " the table name differs from the one given to TransactionalViewStore.jsonb",
                    e.getSQLState(),
                    e);
        }
        return SqlErrors.forView(e, tableName, "read the states");
    }
}
