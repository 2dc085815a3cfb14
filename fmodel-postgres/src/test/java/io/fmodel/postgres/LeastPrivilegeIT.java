package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fmodel.postgres.Counter.CounterEvent;
import io.fmodel.postgres.Counter.Increment;
import io.fmodel.postgres.Counter.Incremented;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * sql/optional/least_privilege.sql: a login user in the fmodel_app role uses the whole API but cannot change the
 * store's tables, call its internals, or hijack its functions through the search_path.
 */
class LeastPrivilegeIT {

    private static final Path SCRIPT = Path.of("..", "sql", "optional", "least_privilege.sql");
    private static final String PASSWORD = "app-password";

    @RegisterExtension
    static final TestDatabase database = new TestDatabase();

    private static String login;
    private static String url;

    @BeforeAll
    static void applyTheScriptAndCreateALoginUser() throws Exception {
        login = "fmodel_it_app_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
        try (Connection owner = database.connection();
                Statement statement = owner.createStatement()) {
            statement.execute(Files.readString(SCRIPT));
            statement.execute(Files.readString(SCRIPT)); // idempotent
            statement.execute("CREATE ROLE " + login + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE fmodel_app");
            url = owner.getMetaData().getURL();
        }
    }

    @AfterAll
    static void dropTheLoginUser() throws SQLException {
        try (Connection owner = database.connection();
                Statement statement = owner.createStatement()) {
            statement.execute("DROP ROLE IF EXISTS " + login);
        }
    }

    private static Connection app() throws SQLException {
        return DriverManager.getConnection(url, login, PASSWORD);
    }

    private static PGSimpleDataSource appDataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        dataSource.setUser(login);
        dataSource.setPassword(PASSWORD);
        return dataSource;
    }

    @Test
    void the_script_is_not_installed_by_default() {
        assertThat(SchemaInstaller.FILES).noneMatch(file -> file.contains("optional"));
    }

    @Test
    void the_application_role_appends_reads_streams_and_acknowledges_through_the_api() throws Exception {
        var repository = PostgresEventStore.of(appDataSource()).repository(Counter.types(), Increment::counterId);
        UUID command = UUID.randomUUID();
        var appended = repository.append(new Increment("api", 1), command, List.of(new Incremented("api", 1)), null);
        repository.append(
                new Increment("api", 2),
                UUID.randomUUID(),
                List.of(new Incremented("api", 2)),
                appended.stored().getLast().version());
        assertThat(repository.fetch(new Increment("api", 0)))
                .extracting(stored -> stored.event())
                .containsExactly(new Incremented("api", 1), new Incremented("api", 2));

        try (Connection app = app();
                Statement statement = app.createStatement()) {
            statement.execute("SELECT * FROM register_view('app_view', '-infinity'::timestamptz)");
            long lease;
            long offset;
            try (ResultSet rows = statement.executeQuery(
                    "SELECT lease, max(\"offset\") FROM stream_event_batches('app_view', 10, 10) GROUP BY lease")) {
                assertThat(rows.next()).isTrue();
                lease = rows.getLong(1);
                offset = rows.getLong(2);
            }
            try (PreparedStatement ack =
                    app.prepareStatement("SELECT position FROM ack_event('app_view', 'api', ?, 'counter', ?)")) {
                ack.setLong(1, offset);
                ack.setLong(2, lease);
                try (ResultSet rows = ack.executeQuery()) {
                    rows.next();
                    assertThat(rows.getLong(1)).isEqualTo(offset);
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT view_lag('app_view')")) {
                rows.next();
                assertThat(rows.getLong(1)).isZero();
            }
        }

        // the Java runner too (at least once: its view state lives outside the store's schema)
        List<CounterEvent> seen = Collections.synchronizedList(new ArrayList<>());
        try (ViewProcessor processor = PostgresEventStore.of(appDataSource())
                .startAtLeastOnce(
                        "app_runner",
                        Counter.types(),
                        seen::add,
                        StreamingOptions.defaults().withStartAt(StreamingOptions.FROM_THE_BEGINNING))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (processor.lag() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(processor.lag()).isZero();
        }
        assertThat(seen).containsSubsequence(new Incremented("api", 1), new Incremented("api", 2));
    }

    @Test
    void tampering_through_the_application_role_fails_and_changes_nothing() throws Exception {
        var repository = PostgresEventStore.of(appDataSource()).repository(Counter.types(), Increment::counterId);
        repository.append(new Increment("victim", 1), UUID.randomUUID(), List.of(new Incremented("victim", 1)), null);
        String before = counts();
        List<String> tampering = List.of(
                "INSERT INTO events (event, event_id, decider, decider_id, data, command_id)"
                        + " VALUES ('Incremented', gen_random_uuid(), 'counter', 'victim', '{}', gen_random_uuid())",
                "UPDATE events SET data = '{\"amount\": 1000000}' WHERE decider_id = 'victim'",
                "DELETE FROM events WHERE decider_id = 'victim'",
                "TRUNCATE events",
                "INSERT INTO deciders (decider, event) VALUES ('counter', 'Forged')",
                "DELETE FROM deciders",
                "UPDATE views SET start_offset = 1000000",
                "INSERT INTO view_cursors (view, generation, discovered_to) VALUES ('app_view', 1, 1000000)",
                "DELETE FROM view_markers",
                "DELETE FROM views",
                "INSERT INTO view_positions (view, decider, decider_id, position, acked_position, head, head_position,"
                        + " delivered_to, delivered_position, generation) VALUES ('app_view', 'counter', 'victim', 0, 0,"
                        + " 0, 0, 0, 0, 1)",
                "UPDATE view_positions SET position = 0",
                "DELETE FROM view_positions",
                "TRUNCATE view_positions",
                "TRUNCATE schema_version",
                "SELECT nextval(pg_get_serial_sequence('events', 'offset'))",
                "SELECT setval(pg_get_serial_sequence('events', 'offset'), 1)",
                "SELECT nextval('view_leases_seq')",
                "SELECT fresh_xid_bound()",
                "SELECT raise_conflict('counter', 'victim', NULL)",
                "SELECT * FROM held_position('app_view', 'victim', 'counter', NULL, NULL, 'x')",
                "SELECT view_start_offset(now())",
                "CREATE TABLE " + database.schema() + ".planted (id int)",
                "CREATE FUNCTION " + database.schema() + ".nextval(text) RETURNS bigint LANGUAGE sql AS 'SELECT 1'");
        for (String sql : tampering) {
            try (Connection app = app();
                    Statement statement = app.createStatement()) {
                SQLException denied = catchThrowableOfType(SQLException.class, () -> statement.execute(sql));
                // insufficient_privilege (null: it was allowed)
                assertThat(denied == null ? null : denied.getSQLState()).as(sql).isEqualTo("42501");
            }
        }
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void the_application_role_saves_and_loads_snapshots_and_fetches_after_them_through_the_api() {
        var repository = PostgresEventStore.of(appDataSource()).repository(Counter.types(), Increment::counterId);
        var snapshots = PostgresEventStore.of(appDataSource()).snapshots(repository, Integer.class, "v1");
        Increment command = new Increment("snapshotted", 1);
        UUID first = UUID.randomUUID();
        var appended = repository.append(command, first, List.of(new Incremented("snapshotted", 1)), null);
        var next = repository.append(
                command,
                UUID.randomUUID(),
                List.of(new Incremented("snapshotted", 2)),
                appended.stored().getLast().version());
        snapshots.save(
                command,
                new io.fmodel.core.application.Snapshot<>(
                        1, appended.stored().getLast().version()));
        assertThat(snapshots.load(command))
                .contains(new io.fmodel.core.application.Snapshot<>(
                        1, appended.stored().getLast().version()));
        assertThat(repository.fetchAfter(command, appended.stored().getLast().version(), first))
                .contains(List.of(appended.stored().getFirst(), next.stored().getFirst()));
    }

    @Test
    void the_api_runs_as_its_owner_with_a_fixed_search_path_that_temporary_objects_cannot_hijack() throws Exception {
        try (Connection owner = database.connection();
                Statement statement = owner.createStatement();
                ResultSet rows = statement.executeQuery("SELECT proname, prosecdef, array_to_string(proconfig, ';')"
                        + " FROM pg_proc WHERE pronamespace = current_schema()::regnamespace")) {
            while (rows.next()) {
                assertThat(rows.getString(3))
                        .as(rows.getString(1))
                        .contains("search_path=" + database.schema() + ", pg_temp");
                boolean internal = List.of(
                                "command_appended",
                                "command_events",
                                "raise_conflict",
                                "raise_if_duplicate_event",
                                "held_position",
                                "view_start_offset",
                                "reject_change",
                                "require_identifier",
                                "events_check",
                                "require_view_name",
                                "require_range",
                                "registered_view",
                                "fresh_xid_bound",
                                "views_deleted")
                        .contains(rows.getString(1));
                assertThat(rows.getBoolean(2)).as(rows.getString(1)).isEqualTo(!internal);
            }
        }
        var repository = PostgresEventStore.of(appDataSource()).repository(Counter.types(), Increment::counterId);
        repository.append(new Increment("real", 1), UUID.randomUUID(), List.of(new Incremented("real", 1)), null);
        try (Connection app = app();
                Statement statement = app.createStatement()) {
            // temporary tables shadow the store's tables for the caller's own unqualified queries ...
            statement.execute("CREATE TEMP TABLE events (LIKE " + database.schema() + ".events)");
            statement.execute("INSERT INTO events (event, event_id, event_version, decider, decider_id, data,"
                    + " command_id, final, created_at, \"offset\", stream_position) VALUES ('Incremented',"
                    + " gen_random_uuid(), 1, 'counter', 'real', '{\"forged\": true}', gen_random_uuid(), false, now(), 1,"
                    + " 1)");
            try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM events WHERE decider_id = 'real'")) {
                rows.next();
                assertThat(rows.getLong(1))
                        .as("the caller's own query sees its temporary table")
                        .isEqualTo(1);
            }
            // ... but not for the store's functions: pg_temp is last in their search_path
            try (ResultSet rows = statement.executeQuery(
                    "SELECT data::text FROM get_events('real', 'counter') ORDER BY \"offset\"")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).doesNotContain("forged");
                assertThat(rows.next()).isFalse();
            }
            try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM append_event('Incremented',"
                    + " gen_random_uuid(), 'counter', 'temp-proof', '{\"counterId\": \"temp-proof\", \"amount\": 1}',"
                    + " gen_random_uuid(), NULL)")) {
                rows.next();
                assertThat(rows.getLong(1)).isEqualTo(1);
            }
        }
        try (Connection owner = database.connection();
                Statement statement = owner.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT count(*) FROM events WHERE decider_id = 'temp-proof'")) {
            rows.next();
            assertThat(rows.getLong(1)).as("the append went to the real table").isEqualTo(1);
        }
    }

    private static String counts() throws SQLException {
        try (Connection owner = database.connection();
                Statement statement = owner.createStatement();
                ResultSet rows = statement.executeQuery("SELECT (SELECT count(*) FROM events) || '/'"
                        + " || (SELECT count(*) FROM deciders) || '/'"
                        + " || (SELECT count(*) FROM views) || '/' || (SELECT count(*) FROM view_positions) || '/'"
                        + " || (SELECT count(*) FROM view_markers) || '/' || (SELECT count(*) FROM view_cursors) || '/'"
                        + " || (SELECT md5(COALESCE(string_agg(e.data::text, ',' ORDER BY e.\"offset\"), ''))"
                        + " FROM events e)")) {
            rows.next();
            return rows.getString(1);
        }
    }
}
