package io.fmodel.postgres.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.EventDecodingException;
import io.fmodel.postgres.EventEncodingException;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.MissingValueException;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.UnregisteredEventTypeException;
import io.fmodel.postgres.internal.jooq.Routines;
import io.fmodel.postgres.internal.jooq.Tables;
import io.fmodel.postgres.internal.jooq.tables.AppendEvents;
import io.fmodel.postgres.internal.jooq.tables.GetEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jspecify.annotations.Nullable;

/**
 * {@link PostgresEventRepository} through the generated jOOQ routines of {@code sql/}. Not an API: use
 * {@link PostgresEventRepository#of}.
 */
public final class JooqEventRepository<C, E> implements PostgresEventRepository<C, E> {

    private final DSLContext dsl;
    private final EventTypes<E> eventTypes;
    private final Function<? super C, String> streamId;
    private final ObjectMapper objectMapper;
    private final Predicate<? super E> closes;
    // one reader per stored type, one writer: looked up once, not per event
    private final Map<EventTypes.Type, ObjectReader> readers = new ConcurrentHashMap<>();
    private final ObjectWriter writer;

    private JooqEventRepository(
            DSLContext dsl,
            EventTypes<E> eventTypes,
            Function<? super C, String> streamId,
            ObjectMapper objectMapper,
            Predicate<? super E> closes) {
        this.dsl = dsl;
        this.eventTypes = eventTypes;
        this.streamId = streamId;
        this.objectMapper = objectMapper;
        this.closes = closes;
        this.writer = objectMapper.writer();
    }

    @Override
    public PostgresEventRepository<C, E> closingWith(Predicate<? super E> closes) {
        Objects.requireNonNull(closes, "closes");
        return new JooqEventRepository<>(dsl, eventTypes, streamId, objectMapper, closes);
    }

    /**
     * {@return a repository; registers the event types (I/O)}
     *
     * @see PostgresEventRepository#of(DataSource, EventTypes, Function, ObjectMapper)
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
        var repository = new JooqEventRepository<C, E>(dsl, eventTypes, streamId, objectMapper, event -> false);
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
    public List<StoredEvent<E, UUID>> fetch(C command) {
        String id = streamIdOf(command);
        List<Row> rows;
        try {
            GetEvents events = Tables.GET_EVENTS.call(id, eventTypes.decider());
            // only the columns a stored event needs: parsing the others costs more than reading them
            rows = dsl.select(
                            events.EVENT,
                            events.EVENT_ID,
                            events.EVENT_VERSION,
                            events.DATA,
                            events.COMMAND_ID,
                            events.OFFSET)
                    .from(events)
                    .fetch(r -> new Row(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6()));
        } catch (DataAccessException e) {
            throw SqlErrors.map(e, stream(id), null);
        }
        return decode(id, rows);
    }

    @Override
    public List<StoredEvent<E, UUID>> append(
            C command, UUID commandId, List<E> events, @Nullable UUID expectedVersion) {
        String id = streamIdOf(command);
        if (commandId == null) {
            throw new MissingValueException(stream(id), "command id is null", null, null);
        }
        if (events.isEmpty()) {
            return List.of();
        }
        int n = events.size();
        String[] names = new String[n];
        UUID[] ids = new UUID[n];
        JSONB[] data = new JSONB[n];
        Long[] versions = new Long[n];
        for (int i = 0; i < n; i++) {
            E event = events.get(i);
            if (event == null) {
                throw new MissingValueException(stream(id), "event " + i + " of " + n + " is null", null, null);
            }
            EventTypes.Type type = eventTypes
                    .typeOf(event.getClass())
                    .orElseThrow(() -> new UnregisteredEventTypeException(
                            stream(id),
                            event.getClass().getName() + " is not registered in the EventTypes of decider "
                                    + eventTypes.decider(),
                            null,
                            null));
            if (i < n - 1 && closes.test(event)) {
                throw new IllegalArgumentException("event " + i + " of " + n + " closes stream " + stream(id)
                        + " but is not the last event of the decision: " + event);
            }
            names[i] = type.name();
            ids[i] = Uuids.v7();
            data[i] = encode(id, event);
            versions[i] = type.version();
        }
        List<Row> rows;
        try {
            AppendEvents appended = Tables.APPEND_EVENTS.call(
                    names,
                    ids,
                    eventTypes.decider(),
                    id,
                    data,
                    commandId,
                    expectedVersion,
                    versions,
                    closes.test(events.getLast()));
            rows = dsl.select(
                            appended.EVENT,
                            appended.EVENT_ID,
                            appended.EVENT_VERSION,
                            appended.DATA,
                            appended.COMMAND_ID,
                            appended.OFFSET)
                    .from(appended)
                    .fetch(r -> new Row(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(), r.value6()));
        } catch (DataAccessException e) {
            throw SqlErrors.map(e, stream(id), expectedVersion);
        }
        if (appendedAsSent(rows, ids)) {
            List<StoredEvent<E, UUID>> stored = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                stored.add(new StoredEvent<>(events.get(i), ids[i], commandId));
            }
            return List.copyOf(stored);
        }
        // The command was applied before: these are the events it produced then.
        return decode(id, rows);
    }

    /** The columns of an {@code events} row that a stored event needs. */
    private record Row(String event, UUID eventId, long version, JSONB data, UUID commandId, long offset) {}

    private static boolean appendedAsSent(List<Row> rows, UUID[] ids) {
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
        return id;
    }

    private String stream(String id) {
        return eventTypes.decider() + "/" + id;
    }

    private JSONB encode(String id, E event) {
        try {
            return JSONB.valueOf(writer.writeValueAsString(event));
        } catch (JacksonException e) {
            throw new EventEncodingException(
                    stream(id),
                    "cannot serialize " + event.getClass().getName() + ": " + e.getOriginalMessage(),
                    null,
                    e);
        }
    }

    private List<StoredEvent<E, UUID>> decode(String id, List<Row> rows) {
        List<StoredEvent<E, UUID>> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            events.add(decode(id, row));
        }
        return List.copyOf(events);
    }

    private StoredEvent<E, UUID> decode(String id, Row row) {
        String stream = stream(id);
        EventTypes.Type type = eventTypes
                .typeOf(row.event(), row.version())
                .orElseThrow(() -> new EventDecodingException(
                        stream,
                        row.offset(),
                        row.event(),
                        row.version(),
                        "no class is registered for it in EventTypes",
                        null));
        Object event;
        try {
            event = readers.computeIfAbsent(type, t -> objectMapper.readerFor(t.javaClass()))
                    .readValue(row.data().data());
        } catch (JacksonException e) {
            throw new EventDecodingException(
                    stream,
                    row.offset(),
                    row.event(),
                    row.version(),
                    "its JSON does not fit " + type.javaClass().getName() + ": " + e.getOriginalMessage(),
                    e);
        }
        if (event == null) {
            throw new EventDecodingException(
                    stream, row.offset(), row.event(), row.version(), "its JSON is null", null);
        }
        return new StoredEvent<>(eventTypes.eventType().cast(event), row.eventId(), row.commandId());
    }
}
