package io.fmodel.postgres.invariants;

import static io.fmodel.postgres.invariants.StoreSql.append;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.SchemaInstaller;
import io.fmodel.postgres.TestDatabase;
import io.fmodel.postgres.invariants.StoreSql.Delivered;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nobody waits for somebody else's open transaction: not other consumers for a consumer that streams inside its own
 * transaction (as the seed's README invites), not writers for a psql user re-applying {@code sql/}. Each wait is
 * bounded by the test.
 */
class StallsIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final List<Session> sessions = new ArrayList<>();
    private Connection observer;

    @BeforeAll
    static void types() throws SQLException {
        try (Connection c = db.connection()) {
            StoreSql.registerTypes(c);
        }
    }

    @BeforeEach
    void connect() throws SQLException {
        observer = db.connection();
    }

    @AfterEach
    void close() throws SQLException {
        for (Session s : sessions) {
            s.close();
        }
        observer.close();
    }

    private Session session(String name) throws SQLException {
        Session s = new Session(name, db.connection());
        sessions.add(s);
        return s;
    }

    @Test
    void a_consumer_that_keeps_its_transaction_open_does_not_stop_the_others() throws SQLException {
        String view = "open-consumer";
        Session.rows(observer, "SELECT * FROM register_view(?)", view);
        Session a = session("A");
        Session b = session("B");
        long a1 = append(observer, "oc-1");
        long a3 = append(observer, "oc-3");

        // A streams inside its own transaction and keeps it open: it holds oc-1, its discovery also saw oc-3
        a.begin();
        List<Map<String, Object>> held = a.query("SELECT decider_id, \"offset\" FROM stream_events(?, 1, 60)", view);
        assertThat(held).extracting(r -> r.get("decider_id")).containsExactly("oc-1");

        // new events: a new stream, and one the open transaction's discovery saw but did not lease
        long b2 = append(observer, "oc-2");
        long b3 = append(observer, "oc-3");
        Set<Long> expected = Set.of(a3, b2, b3);
        long started = System.nanoTime();
        List<Delivered> delivered =
                b.call(c -> StoreSql.drain(c, view, new HashSet<>(expected), Duration.ofSeconds(3)));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(delivered)
                .as("what B got while A kept its transaction open (%d ms)", waited)
                .extracting(Delivered::offset)
                .containsExactlyInAnyOrderElementsOf(expected);
        a.rollback();
        assertThat(StoreSql.drain(observer, view, Set.of(a1), Duration.ofSeconds(3)))
                .extracting(Delivered::offset)
                .containsExactly(a1);
    }

    @Test
    void re_applying_the_schema_while_a_writer_is_open_does_not_stall_writers() throws Exception {
        Session open = session("open-writer");
        Session psql = session("psql");
        Session writer = session("writer");
        open.begin();
        open.call(c -> append(c, "ra-open"));

        CompletableFuture<Void> reapplied = psql.start(c -> {
            try (Statement s = c.createStatement()) {
                // a bound for the old version, which waited for the open writer instead of finishing
                s.execute("SET lock_timeout = '10s'");
                for (String file : SchemaInstaller.FILES) {
                    s.execute(SchemaInstaller.sql(file));
                }
            }
            return null;
        });
        psql.awaitBlockedOrDone(reapplied, observer);
        CompletableFuture<Long> next = writer.start(c -> append(c, "ra-other"));
        long started = System.nanoTime();
        next.get(2, TimeUnit.SECONDS);
        reapplied.get(5, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2_000);
        open.rollback();
    }
}
