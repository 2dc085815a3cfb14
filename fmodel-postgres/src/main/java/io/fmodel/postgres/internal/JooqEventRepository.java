package io.fmodel.postgres.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.fmodel.core.application.Appended;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.EventDecodingException;
import io.fmodel.postgres.EventEncodingException;
import io.fmodel.postgres.EventStoreTimeoutException;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.Metadata;
import io.fmodel.postgres.MissingValueException;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.RecordedEvent;
import io.fmodel.postgres.UnregisteredEventTypeException;
import io.fmodel.postgres.internal.jooq.Routines;
import io.fmodel.postgres.internal.jooq.Tables;
import io.fmodel.postgres.internal.jooq.tables.AppendEventsWithMetadata;
import io.fmodel.postgres.internal.jooq.tables.GetEvents;
import io.fmodel.postgres.internal.jooq.tables.GetEventsAfter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jspecify.annotations.Nullable;

/**
 * {@link PostgresEventRepository} on the SQL API of {@code sql/}: its statements are rendered once from the generated
 * jOOQ routines and run as plain JDBC prepared statements. Not an API: use {@link io.fmodel.postgres.PostgresEventStore#repository}.
 */
public final class JooqEventRepository<C, E> implements PostgresEventRepository<C, E> {

    // Rendered once from the generated routines, so that a renamed function or column still breaks the build, and
    // executed as plain JDBC prepared statements: rendering and binding a jOOQ query on every call cost more Java CPU
    // than decoding the history (docs/benchmarks.md, part 1).
    private static final String FETCH_SQL;
    private static final String APPEND_SQL;
    /**
     * Decisions of up to this many events are appended with one bind value per array element ({@code ARRAY[?, ?]}):
     * the driver's array parameters ({@code createArrayOf}, {@code setArray}) cost more client CPU than the rest of
     * an append (a JFR profile of part 1 of the benchmarks).
     */
    private static final int INLINE = 8;
    /** {@code APPEND_INLINE_SQL[n]}: the append of {@code n} events with element binds. */
    private static final String[] APPEND_INLINE_SQL = new String[INLINE + 1];

    private static final String FETCH_AFTER_SQL;

    static {
        DSLContext render = DSL.using(SQLDialect.POSTGRES, new Settings().withRenderSchema(false));
        GetEvents events = Tables.GET_EVENTS.call((String) null, (String) null);
        FETCH_SQL = render.render(render.select(
                        events.EVENT,
                        events.EVENT_ID,
                        events.EVENT_VERSION,
                        events.DATA,
                        events.COMMAND_ID,
                        events.OFFSET,
                        events.METADATA)
                .from(events));
        GetEventsAfter after = Tables.GET_EVENTS_AFTER.call((String) null, (String) null, (UUID) null, (UUID) null);
        FETCH_AFTER_SQL = render.render(render.select(
                        after.EVENT,
                        after.EVENT_ID,
                        after.EVENT_VERSION,
                        after.DATA,
                        after.COMMAND_ID,
                        after.OFFSET,
                        after.METADATA)
                .from(after));
        AppendEventsWithMetadata appended = Tables.APPEND_EVENTS_WITH_METADATA.call(
                (String[]) null,
                (UUID[]) null,
                (String) null,
                (String) null,
                (JSONB[]) null,
                (UUID) null,
                (UUID) null,
                (Long[]) null,
                (JSONB) null,
                (Boolean) null);
        APPEND_SQL = renderAppend(render, appended);
        for (int n = 1; n <= INLINE; n++) {
            APPEND_INLINE_SQL[n] = renderAppend(
                    render,
                    Tables.APPEND_EVENTS_WITH_METADATA.call(
                            DSL.array(Collections.nCopies(n, DSL.val((String) null, SQLDataType.CLOB))),
                            DSL.array(Collections.nCopies(n, DSL.val((UUID) null, SQLDataType.UUID))),
                            DSL.val((String) null, SQLDataType.CLOB),
                            DSL.val((String) null, SQLDataType.CLOB),
                            DSL.array(Collections.nCopies(n, DSL.val((JSONB) null, SQLDataType.JSONB))),
                            DSL.val((UUID) null, SQLDataType.UUID),
                            DSL.val((UUID) null, SQLDataType.UUID),
                            DSL.array(Collections.nCopies(n, DSL.val((Long) null, SQLDataType.BIGINT))),
                            DSL.val((JSONB) null, SQLDataType.JSONB),
                            DSL.val((Boolean) null, SQLDataType.BOOLEAN)));
        }
    }

    private static String renderAppend(DSLContext render, AppendEventsWithMetadata appended) {
        return render.render(render.select(
                        appended.EVENT,
                        appended.EVENT_ID,
                        appended.EVENT_VERSION,
                        appended.DATA,
                        appended.COMMAND_ID,
                        appended.OFFSET,
                        appended.METADATA)
                .from(appended));
    }

    private final DataSource dataSource;
    private final DSLContext dsl;
    private final EventTypes<E> eventTypes;
    private final Function<? super C, String> streamId;
    private final ObjectMapper objectMapper;
    private final Predicate<? super E> closes;
    private final Codecs<E> codecs;
    private final Duration timeout;
    private final Function<? super C, Metadata> metadataOf;

    /** One writer per class, looked up once, not per event; readers are the decoder's. */
    private record Codecs<E>(Map<Class<?>, Encoding> encodings, EventDecoder<E> decoder) {

        static <E> Codecs<E> of(EventTypes<E> eventTypes, ObjectMapper objectMapper) {
            Map<Class<?>, Encoding> encodings = new HashMap<>();
            for (EventTypes.Type type : eventTypes.types()) {
                encodings.put(type.javaClass(), new Encoding(type, objectMapper.writerFor(type.javaClass())));
            }
            return new Codecs<>(Map.copyOf(encodings), new EventDecoder<>(eventTypes, objectMapper));
        }
    }

    private record Encoding(EventTypes.Type type, ObjectWriter writer) {}

    private JooqEventRepository(
            DataSource dataSource,
            DSLContext dsl,
            EventTypes<E> eventTypes,
            Function<? super C, String> streamId,
            ObjectMapper objectMapper,
            Predicate<? super E> closes,
            Codecs<E> codecs,
            Duration timeout,
            Function<? super C, Metadata> metadataOf) {
        this.dataSource = dataSource;
        this.dsl = dsl;
        this.eventTypes = eventTypes;
        this.streamId = streamId;
        this.objectMapper = objectMapper;
        this.closes = closes;
        this.codecs = codecs;
        this.timeout = timeout;
        this.metadataOf = metadataOf;
    }

    @Override
    public PostgresEventRepository<C, E> closingWith(Predicate<? super E> closes) {
        Objects.requireNonNull(closes, "closes");
        return new JooqEventRepository<>(
                dataSource, dsl, eventTypes, streamId, objectMapper, closes, codecs, timeout, metadataOf);
    }

    @Override
    public PostgresEventRepository<C, E> withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        return new JooqEventRepository<>(
                dataSource, dsl, eventTypes, streamId, objectMapper, closes, codecs, timeout, metadataOf);
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public PostgresEventRepository<C, E> withMetadata(Function<? super C, Metadata> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        return new JooqEventRepository<>(
                dataSource, dsl, eventTypes, streamId, objectMapper, closes, codecs, timeout, metadata);
    }

    /**
     * {@return what a failed call stands for: a statement cancelled once the bound had passed is a timeout (rolled
     * back), anything else is {@link SqlErrors#map}'s}
     */
    private RuntimeException failure(
            SQLException e,
            String id,
            @Nullable UUID expectedVersion,
            StatementTimer.@Nullable Armed timer,
            boolean sent,
            @Nullable UUID commandId) {
        if ("57014".equals(e.getSQLState()) && timer != null && timer.fired()) {
            return new EventStoreTimeoutException(
                    stream(id),
                    "the database did not answer within " + timeout + "; the statement was cancelled and rolled back,"
                            + " nothing was written",
                    e.getSQLState(),
                    timeout,
                    false,
                    commandId,
                    e);
        }
        return SqlErrors.map(e, stream(id), expectedVersion, sent);
    }

    /**
     * The append returned, but the driver cancelled it once the bound had passed: the server had committed and was
     * waiting for a synchronous standby, and ended the wait with a warning (the only cancellation that does not fail
     * the statement).
     */
    private void requireConfirmed(PreparedStatement statement, String id, StatementTimer.Armed timer, UUID commandId)
            throws SQLException {
        SQLWarning warning = statement.getWarnings();
        if (warning != null && timer.fired()) {
            throw new EventStoreTimeoutException(
                    stream(id),
                    "the events of command " + commandId + " are stored, but the wait for a synchronous standby to"
                            + " confirm them was cut short after " + timeout + " (" + warning.getMessage()
                            + "): a failover before the standby catches up loses them",
                    warning.getSQLState(),
                    timeout,
                    true,
                    commandId,
                    warning);
        }
    }

    /**
     * {@return a repository; registers the event types (I/O)}
     *
     * @see io.fmodel.postgres.PostgresEventStore#repository
     */
    public static <C, E> JooqEventRepository<C, E> create(
            DataSource dataSource,
            EventTypes<E> eventTypes,
            Function<? super C, String> streamId,
            ObjectMapper objectMapper) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(eventTypes, "eventTypes");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(objectMapper, "objectMapper");
        DSLContext dsl = DSL.using(
                dataSource,
                SQLDialect.POSTGRES,
                new Settings().withExecuteLogging(false).withRenderSchema(false));
        var repository = new JooqEventRepository<C, E>(
                dataSource,
                dsl,
                eventTypes,
                streamId,
                objectMapper,
                event -> false,
                Codecs.of(eventTypes, objectMapper),
                PostgresEventRepository.DEFAULT_TIMEOUT,
                command -> Metadata.EMPTY);
        repository.registerEventTypes();
        return repository;
    }

    private void registerEventTypes() {
        try {
            dsl.transaction(tx -> {
                for (EventTypes.Type type : eventTypes.types()) {
                    Routines.registerDeciderEvent(
                            tx,
                            eventTypes.decider(),
                            type.name(),
                            type.javaClass().getName(),
                            type.version());
                }
                // older versions and old names stay valid in deciders: their stored events keep their registration
                for (EventTypes.Upcasting upcasting : eventTypes.upcasters()) {
                    Routines.registerDeciderEvent(
                            tx,
                            eventTypes.decider(),
                            upcasting.name(),
                            "read through an upcaster",
                            upcasting.version());
                }
            });
        } catch (DataAccessException e) {
            throw SqlErrors.map(e, eventTypes.decider(), null);
        }
    }

    @Override
    public EventTypes<E> eventTypes() {
        return eventTypes;
    }

    @Override
    public String streamId(C command) {
        return streamIdOf(command);
    }

    @Override
    public List<StoredEvent<E, UUID>> fetch(C command) {
        return events(streamIdOf(command));
    }

    @Override
    public List<StoredEvent<E, UUID>> read(String streamId) {
        if (streamId == null) {
            throw new MissingValueException(eventTypes.decider(), "the stream id is null", null, null);
        }
        return events(Identifiers.requireStreamId(eventTypes.decider(), streamId));
    }

    @Override
    public List<RecordedEvent<E>> readRecorded(String streamId) {
        if (streamId == null) {
            throw new MissingValueException(eventTypes.decider(), "the stream id is null", null, null);
        }
        String id = Identifiers.requireStreamId(eventTypes.decider(), streamId);
        Partition partition = new Partition(eventTypes.decider(), id);
        List<RecordedEvent<E>> recorded = new ArrayList<>();
        for (Row row : rows(id)) {
            Metadata metadata = MetadataJson.decode(row.metadata());
            for (E event : codecs.decoder().decode(id, row.offset(), row.event(), row.version(), row.data())) {
                recorded.add(
                        new RecordedEvent<>(event, partition, row.eventId(), row.commandId(), row.offset(), metadata));
            }
        }
        return List.copyOf(recorded);
    }

    /** One call of {@code get_events} for the stream {@code id}, already checked. */
    private List<StoredEvent<E, UUID>> events(String id) {
        return decode(id, rows(id));
    }

    /** The rows of one call of {@code get_events} for the stream {@code id}, already checked. */
    private List<Row> rows(String id) {
        List<Row> rows = new ArrayList<>();
        StatementTimer.@Nullable Armed timer = null;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(FETCH_SQL)) {
            statement.setString(1, id);
            statement.setString(2, eventTypes.decider());
            timer = StatementTimer.arm(statement, timeout);
            try (StatementTimer.Armed armed = timer;
                    ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                }
            }
        } catch (SQLException e) {
            throw failure(e, id, null, timer, false, null);
        }
        return rows;
    }

    /**
     * One call of {@code get_events_after}: the event {@code after} itself (absent: not an event of this stream), then
     * in log order the command's earlier events and the events after it.
     */
    @Override
    public Optional<List<StoredEvent<E, UUID>>> fetchAfter(C command, UUID after, UUID commandId) {
        String id = streamIdOf(command);
        if (after == null || commandId == null) {
            throw new MissingValueException(stream(id), "after and command id are required", null, null);
        }
        List<Row> rows = new ArrayList<>();
        StatementTimer.@Nullable Armed timer = null;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(FETCH_AFTER_SQL)) {
            statement.setString(1, id);
            statement.setString(2, eventTypes.decider());
            statement.setObject(3, after);
            statement.setObject(4, commandId);
            timer = StatementTimer.arm(statement, timeout);
            try (StatementTimer.Armed armed = timer;
                    ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                }
            }
        } catch (SQLException e) {
            throw failure(e, id, null, timer, false, null);
        }
        List<Row> events = new ArrayList<>(rows.size());
        boolean found = false;
        for (Row row : rows) {
            if (row.eventId().equals(after)) {
                found = true;
                // the snapshot's own event is folded already: returned only as one of the command's events
                if (!row.commandId().equals(commandId)) {
                    continue;
                }
            }
            events.add(row);
        }
        return found ? Optional.of(decode(id, events)) : Optional.empty();
    }

    @Override
    public Appended<E, UUID> append(C command, UUID commandId, List<E> events, @Nullable UUID expectedVersion) {
        String id = streamIdOf(command);
        if (commandId == null) {
            throw new MissingValueException(stream(id), "command id is null", null, null);
        }
        if (events.isEmpty()) {
            return new Appended.Written<>(List.of());
        }
        int n = events.size();
        String[] names = new String[n];
        UUID[] ids = new UUID[n];
        String[] data = new String[n];
        Long[] versions = new Long[n];
        for (int i = 0; i < n; i++) {
            E event = events.get(i);
            if (event == null) {
                throw new MissingValueException(stream(id), "event " + i + " of " + n + " is null", null, null);
            }
            Encoding encoding = codecs.encodings().get(event.getClass());
            if (encoding == null) {
                throw new UnregisteredEventTypeException(
                        stream(id),
                        event.getClass().getName() + " is not registered in the EventTypes of decider "
                                + eventTypes.decider(),
                        null,
                        null);
            }
            if (i < n - 1 && closes.test(event)) {
                throw new IllegalArgumentException("event " + i + " of " + n + " closes stream " + stream(id)
                        + " but is not the last event of the decision: " + event);
            }
            names[i] = encoding.type().name();
            ids[i] = Uuids.v7();
            data[i] = encode(id, encoding, event);
            versions[i] = encoding.type().version();
        }
        String metadata = MetadataJson.encode(metadataOf(command, commandId));
        List<Row> rows = new ArrayList<>(n);
        boolean inline = n <= INLINE;
        StatementTimer.@Nullable Armed timer = null;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(inline ? APPEND_INLINE_SQL[n] : APPEND_SQL)) {
            if (inline) {
                // names, ids, decider, stream, data, command, expected version, versions, metadata, final
                for (int i = 0; i < n; i++) {
                    statement.setString(1 + i, names[i]);
                    statement.setObject(1 + n + i, ids[i]);
                    statement.setString(3 + 2 * n + i, data[i]);
                    statement.setLong(5 + 3 * n + i, versions[i]);
                }
                statement.setString(1 + 2 * n, eventTypes.decider());
                statement.setString(2 + 2 * n, id);
                statement.setObject(3 + 3 * n, commandId);
                statement.setObject(4 + 3 * n, expectedVersion);
                statement.setString(5 + 4 * n, metadata);
                statement.setBoolean(6 + 4 * n, closes.test(events.getLast()));
            } else {
                statement.setArray(1, connection.createArrayOf("text", names));
                statement.setArray(2, connection.createArrayOf("uuid", ids));
                statement.setString(3, eventTypes.decider());
                statement.setString(4, id);
                // text[], cast to jsonb[] by the statement: no array literal to escape on this side
                statement.setArray(5, connection.createArrayOf("text", data));
                statement.setObject(6, commandId);
                statement.setObject(7, expectedVersion);
                statement.setArray(8, connection.createArrayOf("int8", versions));
                statement.setString(9, metadata);
                statement.setBoolean(10, closes.test(events.getLast()));
            }
            timer = StatementTimer.arm(statement, timeout);
            try (StatementTimer.Armed armed = timer) {
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        rows.add(row(result));
                    }
                }
                requireConfirmed(statement, id, armed, commandId);
            }
        } catch (SQLException e) {
            throw failure(e, id, expectedVersion, timer, timer != null, commandId);
        }
        if (writtenNow(rows, ids)) {
            // the events given, not decoded again: they are what was just encoded
            List<StoredEvent<E, UUID>> stored = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                stored.add(new StoredEvent<>(events.get(i), ids[i], commandId));
            }
            return new Appended.Written<>(stored);
        }
        // The command was applied before: append_events wrote nothing and returned the events it produced then.
        List<StoredEvent<E, UUID>> replayed = decode(id, rows);
        if (replayed.isEmpty()) {
            Row first = rows.getFirst();
            throw new EventDecodingException(
                    stream(id),
                    first.offset(),
                    first.event(),
                    first.version(),
                    "command " + commandId + " was applied before, and upcasting drops every event it appended: there"
                            + " is nothing to replay (docs/event-evolution.md)",
                    null);
        }
        return new Appended.Replayed<>(replayed);
    }

    /**
     * {@return the metadata of a decision: the thread's, completed by the repository's for the command, completed by
     * the command id as causation and correlation}
     */
    private Metadata metadataOf(C command, UUID commandId) {
        Metadata own = Objects.requireNonNull(metadataOf.apply(command), "the metadata of a command");
        String id = commandId.toString();
        return Metadata.current().orElse(own).orElse(new Metadata(id, id, Map.of(), Map.of()));
    }

    /** The columns of an {@code events} row that a stored event needs. */
    private record Row(
            String event,
            UUID eventId,
            long version,
            String data,
            UUID commandId,
            long offset,
            @Nullable String metadata) {}

    /** Reads the row at the cursor of a result of {@link #FETCH_SQL}, {@link #FETCH_AFTER_SQL} or {@link #APPEND_SQL}. */
    private static Row row(ResultSet result) throws SQLException {
        return new Row(
                result.getString(1),
                result.getObject(2, UUID.class),
                result.getLong(3),
                result.getString(4),
                result.getObject(5, UUID.class),
                result.getLong(6),
                result.getString(7));
    }

    /**
     * {@return whether {@code append_events} wrote the events of this call}: it returns either the rows it inserted,
     * which carry the event ids generated for this call, or, for a command id that appended before, that command's
     * rows, which cannot (their ids were generated for an earlier call, and event ids are unique). So the answer
     * itself tells a write from a replay: no second query, no extra column.
     */
    private static boolean writtenNow(List<Row> rows, UUID[] ids) {
        if (rows.size() != ids.length) {
            return false;
        }
        for (int i = 0; i < ids.length; i++) {
            if (!ids[i].equals(rows.get(i).eventId())) {
                return false;
            }
        }
        return true;
    }

    private String streamIdOf(C command) {
        if (command == null) {
            throw new MissingValueException(eventTypes.decider(), "command is null", null, null);
        }
        String id = streamId.apply(command);
        if (id == null) {
            throw new MissingValueException(
                    eventTypes.decider(), "the stream id of " + command + " is null", null, null);
        }
        return Identifiers.requireStreamId(eventTypes.decider(), id);
    }

    private String stream(String id) {
        return eventTypes.decider() + "/" + id;
    }

    private String encode(String id, Encoding encoding, E event) {
        try {
            return encoding.writer().writeValueAsString(event);
        } catch (JacksonException e) {
            throw new EventEncodingException(
                    stream(id),
                    "cannot serialize " + event.getClass().getName() + ": " + e.getOriginalMessage(),
                    null,
                    e);
        }
    }

    /**
     * {@return the events of {@code rows} at their current versions}: a row the upcasters split gives several events
     * with the row's id as version; a dropped row gives none, and the event before it takes its id as version, so
     * that the last event's version stays the stream's (the version the next append expects)
     */
    private List<StoredEvent<E, UUID>> decode(String id, List<Row> rows) {
        List<StoredEvent<E, UUID>> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            List<E> decoded = codecs.decoder().decode(id, row.offset(), row.event(), row.version(), row.data());
            if (decoded.isEmpty() && !events.isEmpty()) {
                StoredEvent<E, UUID> last = events.removeLast();
                events.add(new StoredEvent<>(last.event(), row.eventId(), last.commandId()));
            }
            for (E event : decoded) {
                events.add(new StoredEvent<>(event, row.eventId(), row.commandId()));
            }
        }
        return Collections.unmodifiableList(events);
    }
}
