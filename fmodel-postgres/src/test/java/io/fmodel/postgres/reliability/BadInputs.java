package io.fmodel.postgres.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.core.application.ConcurrencyConflictException;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.postgres.AppendOnlyViolationException;
import io.fmodel.postgres.DuplicateEventException;
import io.fmodel.postgres.EventStoreAccessException;
import io.fmodel.postgres.EventTypes;
import io.fmodel.postgres.FinalStreamException;
import io.fmodel.postgres.MissingValueException;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.UnknownPreviousEventException;
import io.fmodel.postgres.UnregisteredEventTypeException;
import io.fmodel.postgres.internal.SqlErrors;
import io.fmodel.postgres.reliability.Tally.Add;
import io.fmodel.postgres.reliability.Tally.Added;
import io.fmodel.postgres.reliability.Tally.Close;
import io.fmodel.postgres.reliability.Tally.Closed;
import io.fmodel.postgres.reliability.Tally.TallyCommand;
import io.fmodel.postgres.reliability.Tally.TallyEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The bad-input catalogue of the fault suite: each input must fail with its typed error (a typed exception from the
 * Java API, or the store's own SQLSTATE, which {@link SqlErrors} maps to one) and leave every table as it was.
 */
final class BadInputs {

    /** An unregistered event class: its repository registers {@code Object} only. */
    record Stray(String stream) {}

    private final DataSource dataSource;
    private final List<String> tried = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private long largePayloadBytes;

    BadInputs(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    List<String> tried() {
        return List.copyOf(tried);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    long largePayloadBytes() {
        return largePayloadBytes;
    }

    void tryAll() throws Exception {
        PostgresEventRepository<TallyCommand, TallyEvent> tallies =
                PostgresEventStore.of(dataSource).repository(Tally.types(), Tally::streamOf);
        PostgresEventRepository<TallyCommand, TallyEvent> closing =
                tallies.closingWith(event -> event instanceof Closed);
        EventSourcingAggregate<TallyCommand, Long, TallyEvent> aggregate =
                EventSourcingAggregate.of(Tally.TALLY, closing);
        PostgresEventRepository<String, Object> loose =
                PostgresEventStore.of(dataSource).repository(EventTypes.of("loose", Object.class), id -> id);

        // views from now on: they see the streams below, not the whole log
        call("SELECT * FROM register_view('bad_view')");
        call("SELECT * FROM register_view('held_view')");
        aggregate.handle(new Add("bad-chain", 1));
        aggregate.handle(new Add("bad-chain", 2));
        aggregate.handle(new Add("bad-other", 3));
        aggregate.handle(new Add("bad-final", 4));
        aggregate.handle(new Close("bad-final"));
        UUID first = eventId("bad-chain", 0);
        UUID last = eventId("bad-chain", 1);
        UUID otherStreams = eventId("bad-other", 0);
        UUID finalEvent = eventId("bad-final", 1);
        long chainOffset = offset("bad-chain", 1);
        call("SELECT discover_events('bad_view')");
        long lease = lease("held_view", "bad-chain");

        // event types
        rejects(
                "unregistered event class (Java)",
                UnregisteredEventTypeException.class,
                () -> loose.append("bad-loose", UUID.randomUUID(), List.of(new Stray("bad-loose")), null));
        rejectsSql(
                "unregistered event type (SQL)",
                "ES002",
                UnregisteredEventTypeException.class,
                "SELECT * FROM append_event('Nope', gen_random_uuid(), 'tally', 'bad-new', '{}', gen_random_uuid(),"
                        + " NULL)");
        rejectsSql(
                "unregistered event version",
                "ES002",
                UnregisteredEventTypeException.class,
                "SELECT * FROM append_event('Added', gen_random_uuid(), 'tally', 'bad-new', '{}', gen_random_uuid(),"
                        + " NULL, 7)");
        rejectsSql(
                "event of another decider",
                "ES002",
                UnregisteredEventTypeException.class,
                "SELECT * FROM append_event('Added', gen_random_uuid(), 'loose', 'bad-new', '{}', gen_random_uuid(),"
                        + " NULL)");

        // optimistic locking and the chain
        rejects(
                "wrong previous_id (no such event)",
                UnknownPreviousEventException.class,
                () -> tallies.append(
                        new Add("bad-chain", 0),
                        UUID.randomUUID(),
                        List.of(new Added("bad-chain", 3, 0)),
                        UUID.randomUUID()));
        rejects(
                "previous_id of another stream",
                UnknownPreviousEventException.class,
                () -> tallies.append(
                        new Add("bad-chain", 0),
                        UUID.randomUUID(),
                        List.of(new Added("bad-chain", 3, 0)),
                        otherStreams));
        rejects(
                "stale previous_id",
                ConcurrencyConflictException.class,
                () -> tallies.append(
                        new Add("bad-chain", 0), UUID.randomUUID(), List.of(new Added("bad-chain", 2, 0)), first));
        rejects(
                "null previous_id on a stream with events",
                ConcurrencyConflictException.class,
                () -> tallies.append(
                        new Add("bad-chain", 0), UUID.randomUUID(), List.of(new Added("bad-chain", 1, 0)), null));
        rejects(
                "append to a final stream (Java)",
                FinalStreamException.class,
                () -> tallies.append(
                        new Add("bad-final", 0), UUID.randomUUID(), List.of(new Added("bad-final", 2, 0)), finalEvent));
        rejectsSql(
                "append to a final stream (SQL)",
                "ES004",
                FinalStreamException.class,
                "SELECT * FROM append_event('Added', gen_random_uuid(), 'tally', 'bad-final', '{}', gen_random_uuid(),"
                        + " ?)",
                finalEvent);
        rejectsSql(
                "duplicate event_id",
                "ES009",
                DuplicateEventException.class,
                "SELECT * FROM append_event('Added', ?, 'tally', 'bad-new', '{}', gen_random_uuid(), NULL)",
                first);

        // payloads
        rejectsSql(
                "malformed JSON",
                "22P02",
                EventStoreAccessException.class,
                "SELECT * FROM append_event('Added', gen_random_uuid(), 'tally', 'bad-new', ?::jsonb,"
                        + " gen_random_uuid(), NULL)",
                "{\"n\": 1,");
        rejectsSql(
                "JSON with a NUL character",
                "22P05",
                EventStoreAccessException.class,
                "SELECT * FROM append_event('Added', gen_random_uuid(), 'tally', 'bad-new', ?::jsonb,"
                        + " gen_random_uuid(), NULL)",
                "{\"n\": \"\\u0000\"}");

        // nulls
        rejectsSql(
                "null data",
                "ES005",
                MissingValueException.class,
                "SELECT * FROM append_event('Added', gen_random_uuid(), 'tally', 'bad-new', NULL, gen_random_uuid(),"
                        + " NULL)");
        rejectsSql(
                "null decider_id",
                "ES005",
                MissingValueException.class,
                "SELECT * FROM append_event('Added', gen_random_uuid(), 'tally', NULL, '{}', gen_random_uuid(), NULL)");
        rejectsSql(
                "null command_id",
                "ES005",
                MissingValueException.class,
                "SELECT * FROM append_event('Added', gen_random_uuid(), 'tally', 'bad-new', '{}', NULL, NULL)");
        rejects(
                "null command id (Java)",
                MissingValueException.class,
                () -> tallies.append(new Add("bad-new", 0), nullUuid(), List.of(new Added("bad-new", 1, 0)), null));
        rejects(
                "null event in a decision (Java)",
                MissingValueException.class,
                () -> tallies.append(
                        new Add("bad-new", 0),
                        UUID.randomUUID(),
                        Arrays.asList(new Added("bad-new", 1, 0), null),
                        null));
        rejects("null command (Java)", MissingValueException.class, () -> tallies.fetch(nullCommand()));
        rejectsSql("null view name", "VS005", EventStoreAccessException.class, "SELECT * FROM register_view(NULL)");

        // streaming
        rejectsSql(
                "unknown view (fetch)",
                "VS001",
                EventStoreAccessException.class,
                "SELECT * FROM stream_event_batches('no_such_view', 1, 1)");
        rejectsSql(
                "unknown view (ack)",
                "VS001",
                EventStoreAccessException.class,
                "SELECT * FROM ack_event('no_such_view', 'bad-chain', ?, 'tally')",
                chainOffset);
        rejectsSql(
                "ack for a partition not held",
                "VS002",
                EventStoreAccessException.class,
                "SELECT * FROM ack_event('bad_view', 'bad-chain', ?, 'tally')",
                chainOffset);
        rejectsSql(
                "ack with a lease that is not the partition's",
                "VS002",
                EventStoreAccessException.class,
                "SELECT * FROM ack_event('held_view', 'bad-chain', ?, 'tally', ?)",
                chainOffset,
                lease + 1);
        rejectsSql(
                "ack of an offset outside the delivered range",
                "VS003",
                EventStoreAccessException.class,
                "SELECT * FROM ack_event('held_view', 'bad-chain', ?, 'tally', ?)",
                chainOffset + 1_000_000,
                lease);
        rejectsSql(
                "ack for a partition the view does not have",
                "VS004",
                EventStoreAccessException.class,
                "SELECT * FROM ack_event('bad_view', 'no-such-stream', ?, 'tally', 1)",
                chainOffset);

        // append-only
        rejectsSql(
                "UPDATE of events",
                "ES006",
                AppendOnlyViolationException.class,
                "UPDATE events SET data = '{}' WHERE event_id = ?",
                last);
        rejectsSql(
                "DELETE of events",
                "ES006",
                AppendOnlyViolationException.class,
                "DELETE FROM events WHERE event_id = ?",
                last);
        rejectsSql("TRUNCATE of events", "ES006", AppendOnlyViolationException.class, "TRUNCATE events");

        largePayloadRoundTrips();
    }

    /** PostgreSQL's own limit for a jsonb value is 255 MB (docs/adr/0032); well below it, a payload round-trips. */
    private void largePayloadRoundTrips() throws SQLException {
        String blob = "x".repeat(8 * 1024 * 1024);
        String data = new ObjectMapper().createObjectNode().put("blob", blob).toString();
        call("SELECT * FROM register_decider_event('blob', 'Blob')");
        call(
                "SELECT * FROM append_event('Blob', gen_random_uuid(), 'blob', 'big', ?::jsonb, gen_random_uuid(),"
                        + " NULL)",
                data);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT data ->> 'blob' FROM get_events('big', 'blob')");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            if (!blob.equals(rows.getString(1))) {
                failures.add("an 8 MB payload did not round-trip");
            }
        }
        largePayloadBytes = data.length();
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private void rejects(String name, Class<? extends Exception> type, Action action) throws SQLException {
        String before = snapshot();
        @Nullable Throwable thrown = null;
        try {
            action.run();
        } catch (Exception e) {
            thrown = e;
        }
        check(name, before, thrown, type, null);
    }

    private void rejectsSql(String name, String sqlState, Class<? extends Exception> type, String sql, Object... values)
            throws SQLException {
        String before = snapshot();
        @Nullable Throwable thrown = null;
        try {
            call(sql, values);
        } catch (SQLException e) {
            thrown = SqlErrors.map(e, "bad-input", null);
            if (!sqlState.equals(e.getSQLState())) {
                failures.add(name + ": SQLSTATE " + e.getSQLState() + " instead of " + sqlState + " (" + e.getMessage()
                        + ")");
            }
        }
        check(name, before, thrown, type, sqlState);
    }

    private void check(
            String name,
            String before,
            @Nullable Throwable thrown,
            Class<? extends Exception> type,
            @Nullable String sqlState)
            throws SQLException {
        if (thrown == null) {
            failures.add(name + ": accepted");
        } else if (!type.isInstance(thrown)) {
            failures.add(name + ": " + thrown + " instead of " + type.getSimpleName());
        }
        if (!before.equals(snapshot())) {
            failures.add(name + ": something was written");
        }
        tried.add(name + ": " + type.getSimpleName() + (sqlState == null ? "" : " (SQLSTATE " + sqlState + ")"));
    }

    /** Everything a bad input could have changed. */
    private String snapshot() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        SELECT (SELECT count(*) FROM events) || '/' || (SELECT COALESCE(max("offset"), 0) FROM events)
                               || '/' || (SELECT count(*) FROM deciders)
                               || '/' || (SELECT count(*) FROM view_markers) || '/' || (SELECT count(*) FROM view_cursors)
                               || '/' || (SELECT md5(COALESCE(string_agg(v::text, '|' ORDER BY view), '')) FROM views v)
                               || '/' || (SELECT md5(COALESCE(string_agg(p::text, '|' ORDER BY view, decider, decider_id), ''))
                                          FROM view_positions p)""");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getString(1);
        }
    }

    private void call(String sql, Object... values) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.execute();
        }
    }

    private UUID eventId(String stream, int index) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT event_id FROM get_events(?, 'tally') OFFSET ? LIMIT 1")) {
            statement.setString(1, stream);
            statement.setInt(2, index);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getObject(1, UUID.class);
            }
        }
    }

    /** Leases every pending partition of {@code view} for a minute; returns the lease on {@code stream}. */
    private long lease(String view, String stream) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT DISTINCT lease FROM stream_event_batches(?, 1000, 100, 60) WHERE decider_id = ?")) {
            statement.setString(1, view);
            statement.setString(2, stream);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private long offset(String stream, int index) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT \"offset\" FROM get_events(?, 'tally') OFFSET ? LIMIT 1")) {
            statement.setString(1, stream);
            statement.setInt(2, index);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @SuppressWarnings("NullAway") // deliberately null: the input under test
    private static UUID nullUuid() {
        return null;
    }

    @SuppressWarnings("NullAway") // deliberately null: the input under test
    private static TallyCommand nullCommand() {
        return null;
    }
}
