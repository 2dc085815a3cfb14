package io.fmodel.postgres.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.fmodel.core.application.Snapshot;
import io.fmodel.postgres.EventEncodingException;
import io.fmodel.postgres.MissingValueException;
import io.fmodel.postgres.PostgresSnapshotRepository;
import io.fmodel.postgres.internal.jooq.Routines;
import io.fmodel.postgres.internal.jooq.Tables;
import io.fmodel.postgres.internal.jooq.tables.GetSnapshot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PostgresSnapshotRepository} on {@code get_snapshot} and {@code save_snapshot}, rendered once from the
 * generated routines and run as plain JDBC, like {@link JooqEventRepository}. Not an API: use
 * {@link io.fmodel.postgres.PostgresEventStore#snapshots}.
 */
public final class JooqSnapshotRepository<C, S> implements PostgresSnapshotRepository<C, S> {

    private static final Logger LOG = LoggerFactory.getLogger(JooqSnapshotRepository.class);

    private static final String LOAD_SQL;
    private static final String SAVE_SQL;

    static {
        DSLContext render = DSL.using(SQLDialect.POSTGRES, new Settings().withRenderSchema(false));
        GetSnapshot snapshot = Tables.GET_SNAPSHOT.call((String) null, (String) null, (String) null);
        LOAD_SQL = render.render(render.select(snapshot.STATE, snapshot.EVENT_ID, snapshot.OFFSET)
                .from(snapshot));
        SAVE_SQL = render.render(render.select(
                Routines.saveSnapshot((String) null, (String) null, (String) null, (JSONB) null, (UUID) null)));
    }

    private final DataSource dataSource;
    private final String decider;
    private final Function<? super C, String> streamId;
    private final Class<S> stateType;
    private final String revision;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    private JooqSnapshotRepository(
            DataSource dataSource,
            String decider,
            Function<? super C, String> streamId,
            Class<S> stateType,
            String revision,
            ObjectMapper objectMapper) {
        this.dataSource = dataSource;
        this.decider = decider;
        this.streamId = streamId;
        this.stateType = stateType;
        this.revision = revision;
        this.reader = objectMapper.readerFor(stateType);
        this.writer = objectMapper.writerFor(stateType);
    }

    /**
     * {@return a repository; does no I/O}
     *
     * @see io.fmodel.postgres.PostgresEventStore#snapshots
     */
    public static <C, S> JooqSnapshotRepository<C, S> create(
            DataSource dataSource,
            String decider,
            Function<? super C, String> streamId,
            Class<S> stateType,
            String revision,
            ObjectMapper objectMapper) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(stateType, "stateType");
        Objects.requireNonNull(revision, "revision");
        Identifiers.requireName("decider name", decider);
        Identifiers.requireName("snapshot revision", revision);
        Objects.requireNonNull(objectMapper, "objectMapper");
        return new JooqSnapshotRepository<>(dataSource, decider, streamId, stateType, revision, objectMapper);
    }

    @Override
    public String revision() {
        return revision;
    }

    @Override
    public Optional<Snapshot<S, UUID>> load(C command) {
        String id = streamIdOf(command);
        String json;
        UUID version;
        long offset;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(LOAD_SQL)) {
            statement.setString(1, id);
            statement.setString(2, decider);
            statement.setString(3, revision);
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
                json = result.getString(1);
                version = result.getObject(2, UUID.class);
                offset = result.getLong(3);
            }
        } catch (SQLException e) {
            throw SqlErrors.map(e, stream(id), null);
        }
        Object state;
        try {
            state = reader.readValue(json);
        } catch (JacksonException e) {
            LOG.warn(
                    "ignoring the snapshot of stream {} at offset {} (revision {}): its JSON does not fit {}: {}."
                            + " The whole history is folded instead; bump the revision when the state class changes",
                    stream(id),
                    offset,
                    revision,
                    stateType.getName(),
                    e.getOriginalMessage());
            return Optional.empty();
        }
        if (state == null) {
            LOG.warn(
                    "ignoring the snapshot of stream {} at offset {} (revision {}): its JSON is null",
                    stream(id),
                    offset,
                    revision);
            return Optional.empty();
        }
        return Optional.of(new Snapshot<>(stateType.cast(state), version));
    }

    @Override
    public void save(C command, Snapshot<S, UUID> snapshot) {
        String id = streamIdOf(command);
        if (snapshot == null) {
            throw new MissingValueException(stream(id), "snapshot is null", null, null);
        }
        String json;
        try {
            json = writer.writeValueAsString(snapshot.state());
        } catch (JacksonException e) {
            throw new EventEncodingException(
                    stream(id),
                    "cannot serialize the snapshot state " + stateType.getName() + ": " + e.getOriginalMessage(),
                    null,
                    e);
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(SAVE_SQL)) {
            statement.setString(1, id);
            statement.setString(2, decider);
            statement.setString(3, revision);
            statement.setString(4, json);
            statement.setObject(5, snapshot.version());
            statement.executeQuery().close();
        } catch (SQLException e) {
            throw SqlErrors.map(e, stream(id), null);
        }
    }

    private String streamIdOf(C command) {
        if (command == null) {
            throw new MissingValueException(decider, "command is null", null, null);
        }
        String id = streamId.apply(command);
        if (id == null) {
            throw new MissingValueException(decider, "the stream id of " + command + " is null", null, null);
        }
        return Identifiers.requireStreamId(decider, id);
    }

    private String stream(String id) {
        return decider + "/" + id;
    }
}
