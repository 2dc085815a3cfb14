package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.application.ConcurrencyConflictException;
import io.fmodel.postgres.internal.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SQL API on its own, as psql users see it: the seed's bugs are fixed, every failure has its SQLSTATE. */
class EventStoreSqlIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @BeforeAll
    static void registerTypes() throws SQLException {
        query("SELECT * FROM register_decider_event('d', 'e1', 'first', 1)");
        query("SELECT * FROM register_decider_event('d', 'e2')");
        query("SELECT * FROM register_decider_event('other', 'o1')");
    }

    @Test
    void two_concurrent_first_appends_to_one_stream_commit_exactly_once() throws Exception {
        try (Connection first = db.connection()) {
            first.setAutoCommit(false);
            append(first, "race", UUID.randomUUID(), null);
            // The second writer waits for the first one's head row, then fails as a conflict.
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
                try (Connection c = db.connection()) {
                    append(c, "race", UUID.randomUUID(), null);
                    return "committed";
                } catch (SQLException e) {
                    return e.getSQLState();
                }
            });
            Thread.sleep(300);
            assertThat(second).isNotDone();
            first.commit();
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("ES001");
        }
        assertThat(count("race")).isEqualTo(1);
    }

    @Test
    void a_stale_previous_id_is_a_conflict_and_a_null_one_on_an_existing_stream_too() throws SQLException {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        try (Connection c = db.connection()) {
            append(c, "stale", first, null);
            append(c, "stale", second, first);
            assertThat(sqlState(() -> append(c, "stale", UUID.randomUUID(), first)))
                    .isEqualTo("ES001");
            assertThat(sqlState(() -> append(c, "stale", UUID.randomUUID(), null)))
                    .isEqualTo("ES001");
        }
        assertThat(count("stale")).isEqualTo(2);
    }

    @Test
    void a_previous_id_of_another_stream_or_unknown_is_not_a_conflict() throws SQLException {
        UUID elsewhere = UUID.randomUUID();
        try (Connection c = db.connection()) {
            append(c, "elsewhere", elsewhere, null);
            append(c, "mine", UUID.randomUUID(), null);
            assertThat(sqlState(() -> append(c, "mine", UUID.randomUUID(), elsewhere)))
                    .isEqualTo("ES003");
            assertThat(sqlState(() -> append(c, "mine", UUID.randomUUID(), UUID.randomUUID())))
                    .isEqualTo("ES003");
            assertThat(sqlState(() -> append(c, "empty", UUID.randomUUID(), elsewhere)))
                    .isEqualTo("ES003");
        }
    }

    @Test
    void get_last_event_honours_its_decider_argument() throws SQLException {
        query("SELECT * FROM append_event('e1', gen_random_uuid(), 'd', 'shared', '{}', gen_random_uuid(), null)");
        query("SELECT * FROM append_event('o1', gen_random_uuid(), 'other', 'shared', '{}', gen_random_uuid(), null)");

        assertThat(query("SELECT decider FROM get_last_event('shared', 'd')")).containsExactly("d");
        assertThat(query("SELECT decider FROM get_last_event('shared', 'other')"))
                .containsExactly("other");
    }

    @Test
    void an_event_of_another_decider_or_unregistered_is_rejected_with_its_own_sqlstate() throws SQLException {
        try (Connection c = db.connection()) {
            assertThat(
                            sqlState(
                                    () -> execute(
                                            c,
                                            "SELECT * FROM append_event('o1', gen_random_uuid(), 'd', 'foreign', '{}', gen_random_uuid(), null)")))
                    .isEqualTo("ES002");
            assertThat(
                            sqlState(
                                    () -> execute(
                                            c,
                                            "SELECT * FROM append_event('e1', gen_random_uuid(), 'd', 'foreign', '{}', gen_random_uuid(), null, 2)")))
                    .isEqualTo("ES002");
        }
        assertThat(count("foreign")).isZero();
    }

    @Test
    void a_batch_that_fails_half_way_writes_nothing() throws SQLException {
        try (Connection c = db.connection()) {
            String state = sqlState(
                    () -> execute(
                            c,
                            "SELECT * FROM append_events(ARRAY['e1', 'nope'], ARRAY[gen_random_uuid(), gen_random_uuid()],"
                                    + " 'd', 'half', ARRAY['{}'::jsonb, '{}'::jsonb], gen_random_uuid(), null, ARRAY[1, 1]::bigint[])"));
            assertThat(state).isEqualTo("ES002");
        }
        assertThat(count("half")).isZero();
    }

    @Test
    void nothing_can_be_appended_to_a_final_stream() throws SQLException {
        UUID last = UUID.randomUUID();
        query("SELECT * FROM append_event('e1', '" + last
                + "', 'd', 'closed', '{}', gen_random_uuid(), null, 1, true)");
        try (Connection c = db.connection()) {
            assertThat(sqlState(() -> append(c, "closed", UUID.randomUUID(), last)))
                    .isEqualTo("ES004");
            assertThat(sqlState(() -> append(c, "closed", UUID.randomUUID(), null)))
                    .isEqualTo("ES004");
        }
        assertThat(count("closed")).isEqualTo(1);
    }

    @Test
    void nulls_where_values_are_required_are_rejected_before_anything_is_written() throws SQLException {
        try (Connection c = db.connection()) {
            for (String call : List.of(
                    "append_event(null, gen_random_uuid(), 'd', 'nulls', '{}', gen_random_uuid(), null)",
                    "append_event('e1', null, 'd', 'nulls', '{}', gen_random_uuid(), null)",
                    "append_event('e1', gen_random_uuid(), null, 'nulls', '{}', gen_random_uuid(), null)",
                    "append_event('e1', gen_random_uuid(), 'd', null, '{}', gen_random_uuid(), null)",
                    "append_event('e1', gen_random_uuid(), 'd', 'nulls', null, gen_random_uuid(), null)",
                    "append_event('e1', gen_random_uuid(), 'd', 'nulls', '{}', null, null)",
                    "register_decider_event('d', null)")) {
                assertThat(sqlState(() -> execute(c, "SELECT * FROM " + call)))
                        .as(call)
                        .isEqualTo("ES005");
            }
        }
        assertThat(count("nulls")).isZero();
    }

    @Test
    void a_duplicate_event_id_raises_the_stores_own_sqlstate_mapped_to_its_own_exception() throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.connection()) {
            append(c, "dup1", id, null);
            SQLException failure = failure(() -> append(c, "dup2", id, null));
            assertThat(failure.getSQLState()).isEqualTo("ES009");
            assertThat(SqlErrors.map(failure, "d/dup2", null)).isInstanceOf(DuplicateEventException.class);
            // in the middle of a batch, and in the same stream after its head
            SQLException inBatch = failure(() -> execute(
                    c,
                    "SELECT * FROM append_events(ARRAY['e1', 'e1'], ARRAY[gen_random_uuid(), '" + id + "'::uuid],"
                            + " 'd', 'dup3', ARRAY['{}'::jsonb, '{}'::jsonb], gen_random_uuid(), null,"
                            + " ARRAY[1, 1]::bigint[])"));
            assertThat(inBatch.getSQLState()).isEqualTo("ES009");
            assertThat(failure(() -> append(c, "dup1", id, id)).getSQLState()).isEqualTo("ES009");
        }
        assertThat(count("dup2")).isZero();
        assertThat(count("dup3")).isZero();
        assertThat(count("dup1")).isEqualTo(1);
    }

    @Test
    void a_direct_insert_of_a_duplicate_event_id_is_a_unique_violation_mapped_by_constraint_name() throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.connection()) {
            append(c, "dup4", id, null);
            SQLException failure = failure(() -> execute(
                    c,
                    "INSERT INTO events (event, event_id, decider, decider_id, data, command_id)" + " VALUES ('e1', '"
                            + id + "', 'd', 'dup5', '{}', gen_random_uuid())"));
            assertThat(failure.getSQLState()).isEqualTo("23505");
            assertThat(SqlErrors.map(failure, "d/dup5", null)).isInstanceOf(DuplicateEventException.class);
        }
        assertThat(count("dup5")).isZero();
    }

    @Test
    void events_and_deciders_are_append_only_and_say_so() throws SQLException {
        query("SELECT * FROM append_event('e1', gen_random_uuid(), 'd', 'immutable', '{}', gen_random_uuid(), null)");
        try (Connection c = db.connection()) {
            for (String change : List.of(
                    "UPDATE events SET data = '{\"x\":1}'",
                    "DELETE FROM events",
                    "TRUNCATE events CASCADE",
                    "UPDATE deciders SET description = 'x'",
                    "DELETE FROM deciders")) {
                assertThat(sqlState(() -> execute(c, change))).as(change).isEqualTo("ES006");
            }
        }
        assertThat(count("immutable")).isEqualTo(1);
    }

    @Test
    void a_command_appended_again_returns_its_first_events_and_appends_nothing() throws SQLException {
        UUID command = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        try (Connection c = db.connection()) {
            append(c, "replay", first, null, command);
            append(c, "replay", second, first, command);
            // the retry of the whole decision, with fresh event ids and a stale (or null) previous_id
            List<String> replayed = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT event_id FROM append_events(ARRAY['e1', 'e2'], ARRAY[gen_random_uuid(), gen_random_uuid()],"
                            + " 'd', 'replay', ARRAY['{}'::jsonb, '{}'::jsonb], ?, null, ARRAY[1, 1]::bigint[])")) {
                s.setObject(1, command);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        replayed.add(rs.getString(1));
                    }
                }
            }
            assertThat(replayed).containsExactly(first.toString(), second.toString());
        }
        assertThat(count("replay")).isEqualTo(2);
    }

    @Test
    void the_sqlstates_map_to_the_typed_exceptions() throws SQLException {
        try (Connection c = db.connection()) {
            append(c, "map", UUID.randomUUID(), null);
            assertThat(SqlErrors.map(failure(() -> append(c, "map", UUID.randomUUID(), null)), "d/map", null))
                    .isInstanceOf(ConcurrencyConflictException.class);
            assertThat(SqlErrors.map(
                            failure(() -> append(c, "map", UUID.randomUUID(), UUID.randomUUID())), "d/map", null))
                    .isInstanceOf(UnknownPreviousEventException.class);
            assertThat(SqlErrors.map(
                            failure(
                                    () -> execute(
                                            c,
                                            "SELECT * FROM append_event('o1', gen_random_uuid(), 'd', 'map', '{}', gen_random_uuid(), null)")),
                            "d/map",
                            null))
                    .isInstanceOf(UnregisteredEventTypeException.class);
            assertThat(SqlErrors.map(failure(() -> execute(c, "DELETE FROM events")), "d/map", null))
                    .isInstanceOf(AppendOnlyViolationException.class);
            assertThat(SqlErrors.map(
                            failure(() -> execute(c, "SELECT * FROM register_decider_event(null, 'x')")), "d", null))
                    .isInstanceOf(MissingValueException.class);
        }
    }

    // ---- helpers

    interface SqlAction {
        void run() throws SQLException;
    }

    private static SQLException failure(SqlAction action) {
        try {
            action.run();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("expected an SQLException");
    }

    private static String sqlState(SqlAction action) {
        return failure(action).getSQLState();
    }

    private static void append(Connection c, String stream, UUID eventId, UUID previousId) throws SQLException {
        append(c, stream, eventId, previousId, UUID.randomUUID());
    }

    private static void append(Connection c, String stream, UUID eventId, UUID previousId, UUID commandId)
            throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("SELECT * FROM append_event('e1', ?, 'd', ?, '{}', ?, ?::uuid)")) {
            s.setObject(1, eventId);
            s.setString(2, stream);
            s.setObject(3, commandId);
            s.setObject(4, previousId);
            s.executeQuery().close();
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> query(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    private static long count(String stream) throws SQLException {
        return Long.parseLong(query("SELECT count(*) FROM events WHERE decider_id = '" + stream + "'")
                .getFirst());
    }
}
