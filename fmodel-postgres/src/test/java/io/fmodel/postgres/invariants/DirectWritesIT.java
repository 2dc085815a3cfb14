package io.fmodel.postgres.invariants;

import static io.fmodel.postgres.invariants.StoreSql.DECIDER;
import static io.fmodel.postgres.invariants.StoreSql.EVENT;
import static io.fmodel.postgres.invariants.StoreSql.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fmodel.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rows written straight into the tables, as a psql user may (the seed's README closes streams that way): every row
 * that reaches {@code events} obeys the rules of {@code append_event}, or is refused with an error that names the
 * rule, and the store's bookkeeping cannot be changed behind the API's back.
 */
class DirectWritesIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private Connection c;

    @BeforeAll
    static void types() throws SQLException {
        try (Connection c = db.connection()) {
            StoreSql.registerTypes(c);
        }
    }

    @BeforeEach
    void connect() throws SQLException {
        c = db.connection();
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @Test
    void a_second_first_event_in_an_existing_stream_is_refused() throws SQLException {
        append(c, "dw-root");
        String refused = sqlState(() -> insert("dw-root", UUID.randomUUID(), null, false, UUID.randomUUID()));
        assertThat(refused).as("a second root").isNotNull();
        assertThat(events("dw-root")).hasSize(1);
    }

    @Test
    void a_previous_id_of_another_stream_is_refused_and_that_stream_goes_on() throws SQLException {
        append(c, "dw-other");
        append(c, "dw-other");
        append(c, "dw-mine");
        UUID othersLast = lastEventId("dw-other");
        String refused = sqlState(() -> insert("dw-mine", UUID.randomUUID(), othersLast, false, UUID.randomUUID()));
        assertThat(refused).isNotNull();
        assertThat(refused).isEqualTo("ES003");
        append(c, "dw-other");
        assertThat(events("dw-other")).hasSize(3);
    }

    @Test
    void a_valid_direct_insert_moves_the_stream_on_for_the_api() throws SQLException {
        append(c, "dw-valid");
        UUID direct = UUID.randomUUID();
        insert("dw-valid", direct, lastEventId("dw-valid"), false, UUID.randomUUID());
        assertThat(lastEventId("dw-valid")).isEqualTo(direct);
        append(c, "dw-valid");
        List<Map<String, Object>> events = events("dw-valid");
        assertThat(events).hasSize(3);
        assertThat(events.get(2).get("previous_id")).isEqualTo(direct);
    }

    @Test
    void a_direct_insert_of_a_final_event_closes_the_stream() throws SQLException {
        append(c, "dw-final");
        insert("dw-final", UUID.randomUUID(), lastEventId("dw-final"), true, UUID.randomUUID());
        String refused = sqlState(() -> append(c, "dw-final"));
        assertThat(refused).isNotNull();
        assertThat(refused).isEqualTo("ES004");
        assertThat(events("dw-final")).hasSize(2);
    }

    @Test
    void a_direct_insert_cannot_reuse_a_command_id_of_an_earlier_batch() throws SQLException {
        UUID command = UUID.randomUUID();
        appendEvents("dw-command", command, null);
        append(c, "dw-command");
        String refused =
                sqlState(() -> insert("dw-command", UUID.randomUUID(), lastEventId("dw-command"), false, command));
        assertThat(refused).isNotNull();
        assertThat(refused).isEqualTo("ES007");
        assertThat(events("dw-command")).hasSize(2);
    }

    @Test
    void a_direct_insert_cannot_choose_its_offset() throws SQLException {
        String refused = sqlState(() -> Session.rows(
                c,
                "INSERT INTO events (event, event_id, decider, decider_id, data, command_id, previous_id, \"offset\")"
                        + " VALUES (?, gen_random_uuid(), ?, 'dw-offset', '{}', gen_random_uuid(), NULL, 1000000000)",
                EVENT,
                DECIDER));
        assertThat(refused)
                .as("an offset chosen by the writer could lie below a view's cursor")
                .isNotNull();
        assertThat(events("dw-offset")).isEmpty();
    }

    @Test
    void deleting_stream_heads_does_not_let_a_stream_fork() throws SQLException {
        append(c, "dw-heads");
        tryTo("DELETE FROM streams WHERE decider_id = 'dw-heads'");
        String refused = sqlState(() -> appendEvents("dw-heads", UUID.randomUUID(), null));
        assertThat(refused).as("a first event on an existing stream").isNotNull();
        assertThat(events("dw-heads")).hasSize(1);
    }

    @Test
    void reopening_a_stream_behind_the_api_does_not_reopen_it() throws SQLException {
        append(c, "dw-reopen");
        Session.rows(
                c,
                "SELECT * FROM append_event(?, gen_random_uuid(), ?, 'dw-reopen', '{}', gen_random_uuid(), ?, 1, true)",
                EVENT,
                DECIDER,
                lastEventId("dw-reopen"));
        tryTo("UPDATE streams SET final = false WHERE decider_id = 'dw-reopen'");
        String refused = sqlState(() -> append(c, "dw-reopen"));
        assertThat(refused).isNotNull();
        assertThat(refused).isEqualTo("ES004");
    }

    @Test
    void forgetting_a_command_behind_the_api_does_not_let_it_append_twice() throws SQLException {
        UUID command = UUID.randomUUID();
        List<UUID> first = appendEvents("dw-retry", command, null);
        tryTo("DELETE FROM stream_commands WHERE command_id = '" + command + "'");
        tryTo("TRUNCATE stream_commands");
        List<UUID> retried = appendEvents("dw-retry", command, lastEventId("dw-retry"));
        assertThat(retried)
                .as("the retry returns what the command appended then")
                .isEqualTo(first);
        assertThat(events("dw-retry")).hasSize(1);
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private void insert(String stream, UUID eventId, @Nullable UUID previous, boolean fin, UUID command)
            throws SQLException {
        Session.rows(
                c,
                "INSERT INTO events (event, event_id, decider, decider_id, data, command_id, previous_id, final)"
                        + " VALUES (?, ?, ?, ?, '{}', ?, ?, ?)",
                EVENT,
                eventId,
                DECIDER,
                stream,
                command,
                previous,
                fin);
    }

    private List<UUID> appendEvents(String stream, UUID command, @Nullable UUID previous) throws SQLException {
        return Session.rows(
                        c,
                        "SELECT event_id FROM append_events(ARRAY[?], ARRAY[?::uuid], ?, ?, ARRAY['{}'::jsonb], ?, ?,"
                                + " ARRAY[1::bigint])",
                        EVENT,
                        UUID.randomUUID(),
                        DECIDER,
                        stream,
                        command,
                        previous)
                .stream()
                .map(r -> (UUID) r.get("event_id"))
                .toList();
    }

    private List<Map<String, Object>> events(String stream) throws SQLException {
        return Session.rows(c, "SELECT * FROM get_events(?, ?)", stream, DECIDER);
    }

    private @Nullable UUID lastEventId(String stream) throws SQLException {
        List<Map<String, Object>> last = Session.rows(c, "SELECT event_id FROM get_last_event(?, ?)", stream, DECIDER);
        return last.isEmpty() ? null : (UUID) last.getFirst().get("event_id");
    }

    /** Runs a tampering statement; whether the store refuses it or has no such table, what follows must hold. */
    private void tryTo(String sql) {
        sqlState(() -> Session.rows(c, sql));
    }

    @FunctionalInterface
    private interface Sql {
        void run() throws SQLException;
    }

    /** {@return the SQLSTATE of the refusal, or null if the statement was accepted} */
    private static @Nullable String sqlState(Sql sql) {
        SQLException e = catchThrowableOfType(SQLException.class, sql::run);
        return e == null ? null : e.getSQLState();
    }
}
