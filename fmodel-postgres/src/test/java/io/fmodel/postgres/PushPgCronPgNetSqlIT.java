package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * sql/optional/push_pg_cron_pg_net.sql on a database WITHOUT pg_cron and pg_net: stub schemas {@code cron} and
 * {@code net} record the calls instead (their functions have the extensions' signatures), so the file is installed,
 * scheduled and run for real, and only the HTTP side is simulated by inserting rows into {@code net._http_response}.
 * Skipped when the server has real {@code cron} or {@code net} schemas.
 */
class PushPgCronPgNetSqlIT {

    private static final Path FILE = Path.of("..", "sql", "optional", "push_pg_cron_pg_net.sql");
    private static final String SECRET = "whsec_sql";

    @RegisterExtension
    static final TestDatabase database = new TestDatabase();

    private static boolean stubbed;

    @BeforeAll
    static void installWithStubs() throws SQLException, IOException {
        try (Connection c = database.dataSource().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rows =
                    s.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname IN ('cron', 'net')")) {
                rows.next();
                assumeFalse(rows.getInt(1) > 0, "the server has real cron/net schemas");
            }
            stubbed = true;
            s.execute("""
                    CREATE SCHEMA cron;
                    CREATE TABLE cron.job (jobid BIGSERIAL, jobname TEXT UNIQUE, schedule TEXT, command TEXT);
                    CREATE FUNCTION cron.schedule(job_name TEXT, schedule TEXT, command TEXT) RETURNS BIGINT
                        LANGUAGE sql AS $$
                        INSERT INTO cron.job (jobname, schedule, command) VALUES (job_name, schedule, command)
                        ON CONFLICT (jobname) DO UPDATE SET schedule = excluded.schedule, command = excluded.command
                        RETURNING jobid $$;
                    CREATE FUNCTION cron.unschedule(job_name TEXT) RETURNS BOOLEAN
                        LANGUAGE sql AS $$ WITH d AS (DELETE FROM cron.job WHERE jobname = job_name RETURNING 1)
                        SELECT count(*) > 0 FROM d $$;
                    CREATE SCHEMA net;
                    CREATE TABLE net.http_request_queue (id BIGSERIAL PRIMARY KEY, url TEXT, body BYTEA,
                        headers JSONB, timeout_milliseconds INT);
                    CREATE TABLE net._http_response (id BIGINT, status_code INT, content_type TEXT, headers JSONB,
                        content TEXT, timed_out BOOL, error_msg TEXT, created TIMESTAMPTZ NOT NULL DEFAULT now());
                    CREATE FUNCTION net.http_post(url TEXT, body JSONB DEFAULT '{}', params JSONB DEFAULT '{}',
                        headers JSONB DEFAULT '{}', timeout_milliseconds INT DEFAULT 5000) RETURNS BIGINT
                        LANGUAGE sql AS $$
                        INSERT INTO net.http_request_queue (url, body, headers, timeout_milliseconds)
                        VALUES (url, convert_to(body::text, 'UTF8'), headers, timeout_milliseconds) RETURNING id $$;
                    """);
            s.execute(Files.readString(FILE));
        }
    }

    @AfterAll
    static void dropStubs() throws SQLException {
        if (stubbed) {
            try (Connection c = database.dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA cron CASCADE; DROP SCHEMA net CASCADE");
            }
        }
    }

    @Test
    void the_cron_job_sends_signed_events_and_acks_retries_or_parks_on_the_responses() throws Exception {
        try (Connection c = database.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT * FROM register_decider_event('decider1', 'Numbered', '', 1)");
            s.execute("SELECT * FROM register_view('pushed', NULL, 300, 1, 'https://example.com/hook')");
            NumberedEvents.append(c, "a", 1, 2);
            NumberedEvents.append(c, "b", 1, 1);
            s.execute("SELECT schedule_push('pushed', '" + SECRET + "', '5 seconds', 3)");
            try (ResultSet rows = s.executeQuery("SELECT jobname, schedule, command FROM cron.job")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("fmodel-push-pushed");
                assertThat(rows.getString(2)).isEqualTo("5 seconds");
                assertThat(rows.getString(3))
                        .isEqualTo("SELECT * FROM " + database.schema() + ".push_events('pushed')");
            }

            // run 1: the first event of each stream is sent, signed
            assertThat(run(s)).containsExactly(0, 0, 0, 2);
            List<Request> sent = requests(s);
            assertThat(sent.get(0).body()).contains("\"decider_id\": \"a\"");
            assertThat(sent).hasSize(2).allSatisfy(r -> {
                assertThat(r.url()).isEqualTo("https://example.com/hook");
                assertThat(WebhookSignature.verify(
                                SECRET, r.header("X-Fmodel-Signature"), r.body(), Duration.ofMinutes(5)))
                        .isTrue();
                assertThat(WebhookSignature.verify(
                                "other", r.header("X-Fmodel-Signature"), r.body(), Duration.ofMinutes(5)))
                        .isFalse();
                assertThat(r.header("Idempotency-Key")).isEqualTo(r.header("X-Fmodel-Event-Id"));
                assertThat(r.body()).contains("\"event\": \"Numbered\"").contains("\"decider\": \"decider1\"");
            });
            // run 2 before any response: nothing is sent twice, nothing acked
            assertThat(run(s)).containsExactly(0, 0, 0, 0);

            // a answers 200, b answers 500: a is acked and its next event sent in the same run; b waits for its backoff
            respond(s, sent.get(0).id(), 200, "");
            respond(s, sent.get(1).id(), 500, "boom");
            assertThat(run(s)).containsExactly(1, 1, 0, 1);
            List<Request> third = requests(s).subList(2, 3);
            assertThat(third.getFirst().body()).contains("\"n\": 2");

            // a's second event gets a 400: a is parked with the response
            respond(s, third.getFirst().id(), 400, "missing field");
            assertThat(run(s)).containsExactly(0, 0, 1, 0);
            try (ResultSet rows = s.executeQuery("SELECT decider_id, last_error FROM parked_partitions('pushed')")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("a");
                assertThat(rows.getString(2)).isEqualTo("HTTP 400: missing field");
            }
            try (ResultSet rows = s.executeQuery("SELECT count(*) FROM push_requests")) {
                rows.next();
                assertThat(rows.getInt(1)).isZero();
            }
            s.execute("SELECT unschedule_push('pushed')");
            try (ResultSet rows = s.executeQuery("SELECT count(*) FROM cron.job")) {
                rows.next();
                assertThat(rows.getInt(1)).isZero();
            }
        }
    }

    @Test
    void the_sql_hmac_equals_the_java_one() throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT push_signature(?, ?, ?)")) {
            String longSecret = "k".repeat(100); // longer than the HMAC block: hashed first
            for (String secret : List.of(SECRET, longSecret, "é")) {
                String body = "{\"a\": \"ü\"}";
                s.setString(1, secret);
                s.setLong(2, 1_700_000_000L);
                s.setString(3, body);
                try (ResultSet rows = s.executeQuery()) {
                    rows.next();
                    assertThat(rows.getString(1))
                            .isEqualTo(WebhookSignature.sign(
                                    secret, 1_700_000_000L, body.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
    }

    record Request(long id, String url, String body, String headers) {
        String header(String name) {
            int at = headers.indexOf("\"" + name + "\": \"");
            if (at < 0) {
                return "";
            }
            int from = at + name.length() + 5;
            return headers.substring(from, headers.indexOf('"', from));
        }
    }

    private static List<Integer> run(Statement s) throws SQLException {
        try (ResultSet rows = s.executeQuery("SELECT * FROM push_events('pushed')")) {
            rows.next();
            return List.of(rows.getInt(1), rows.getInt(2), rows.getInt(3), rows.getInt(4));
        }
    }

    private static List<Request> requests(Statement s) throws SQLException {
        List<Request> result = new ArrayList<>();
        try (ResultSet rows = s.executeQuery("SELECT id, url, convert_from(body, 'UTF8'), headers::text"
                + " FROM net.http_request_queue ORDER BY id")) {
            while (rows.next()) {
                result.add(new Request(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4)));
            }
        }
        return result;
    }

    private static void respond(Statement s, long id, int status, String body) throws SQLException {
        s.execute("INSERT INTO net._http_response (id, status_code, content, timed_out) VALUES (" + id + ", " + status
                + ", '" + body + "', false)");
    }
}
