package io.fmodel.postgres.invariants;

import static io.fmodel.postgres.invariants.StoreSql.append;
import static io.fmodel.postgres.invariants.StoreSql.consumeOnce;
import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.Await;
import io.fmodel.postgres.TestDatabase;
import io.fmodel.postgres.invariants.StoreSql.Delivered;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deterministic interleavings of writers and consumers, through the SQL API only: sessions are held at barriers
 * (open transactions, lock waits) while the others go on. In each, an offset is drawn by a transaction that commits
 * after discovery has seen a higher offset; the view must still get every committed event, exactly once.
 */
class CursorInterleavingsIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final List<Session> sessions = new ArrayList<>();
    private Connection observer;
    private Connection consumer;

    @BeforeAll
    static void types() throws SQLException {
        try (Connection c = db.connection()) {
            StoreSql.registerTypes(c);
        }
    }

    @BeforeEach
    void connections() throws SQLException {
        observer = db.connection();
        consumer = db.connection();
    }

    @AfterEach
    void close() throws SQLException {
        for (Session s : sessions) {
            s.close();
        }
        observer.close();
        consumer.close();
    }

    private Session session(String name) throws SQLException {
        Session s = new Session(name, db.connection());
        sessions.add(s);
        return s;
    }

    /** Registers a view that starts now: it sees only the events of the test that registers it. */
    private void register(String view) throws SQLException {
        Session.rows(observer, "SELECT * FROM register_view(?)", view);
    }

    /**
     * The interleaving of the issue "Never skip an event": a discovery blocked behind a consumer's open transaction
     * paired the snapshot it took when it started with the highest offset it read after the wait, and declared the
     * offset of TA, drawn in between, a permanent hole.
     */
    @Test
    void an_offset_drawn_while_discovery_waits_is_delivered_after_its_late_commit() throws SQLException {
        String view = "blocked-discovery";
        register(view);
        Session c1 = session("C1");
        Session c2 = session("C2");
        Session th = session("TH");
        Session x = session("X");
        Session ta = session("TA");
        Session tb = session("TB");
        List<Delivered> delivered = new ArrayList<>();
        Set<Long> committed = new HashSet<>();

        long p0 = x.call(c -> append(c, "bd-P"));
        committed.add(p0);
        // 1. C1 leases P's event and acknowledges it in a transaction it keeps open
        List<Map<String, Object>> leased =
                c1.query("SELECT decider, decider_id, \"offset\", lease FROM stream_events(?, 100, 30)", view);
        assertThat(leased).extracting(r -> r.get("decider_id")).containsExactly("bd-P");
        c1.begin();
        c1.query(
                "SELECT * FROM ack_event(?, ?, ?, ?, ?)",
                view,
                "bd-P",
                p0,
                StoreSql.DECIDER,
                leased.getFirst().get("lease"));
        delivered.add(new Delivered("bd-P", p0));
        // 2. P gets a new event; TH opens a writer transaction
        committed.add(x.call(c -> append(c, "bd-P")));
        th.begin();
        long h = th.call(c -> append(c, "bd-H"));
        // 3. X appends and commits
        committed.add(x.call(c -> append(c, "bd-X")));
        // 4. C2 consumes; its discovery may wait for P's position row
        CompletableFuture<List<Delivered>> c2Call = c2.start(c -> consumeOnce(c, view));
        c2.awaitBlockedOrDone(c2Call, observer);
        // 5. TA opens a writer transaction on a new stream; 6. TB appends and commits
        ta.begin();
        long a = ta.call(c -> append(c, "bd-A"));
        committed.add(tb.call(c -> append(c, "bd-B")));
        // 7. C1 commits, TH commits, C2's call ends, consumers go on, and only then TA commits
        c1.commit();
        delivered.addAll(Session.join(c2Call));
        th.commit();
        committed.add(h);
        for (int i = 0; i < 4; i++) {
            delivered.addAll(consumeOnce(consumer, view));
            Await.sleep(30);
        }
        ta.commit();
        committed.add(a);

        delivered.addAll(StoreSql.drain(consumer, view, undelivered(committed, delivered), Duration.ofSeconds(10)));
        assertDeliveredExactlyOnce(delivered, committed, "bd-");
    }

    /**
     * A writer that took its transaction id before others but drew its offset after them: its id is above the
     * highest completed one, so a snapshot's xmax does not cover it, and "every transaction below xmax has ended"
     * says nothing about it.
     */
    @Test
    void an_offset_drawn_late_by_an_old_transaction_is_delivered_after_its_commit() throws SQLException {
        String view = "old-transaction";
        register(view);
        Session m = session("M");
        Session d = session("D");
        Set<Long> committed = new HashSet<>();
        List<Delivered> delivered = new ArrayList<>();

        m.begin();
        m.query("SELECT pg_current_xact_id()");
        d.begin();
        d.query("SELECT pg_current_xact_id()");
        long late = d.call(c -> append(c, "ot-D"));
        committed.add(m.call(c -> append(c, "ot-M")));
        m.commit();
        for (int i = 0; i < 4; i++) {
            delivered.addAll(consumeOnce(consumer, view));
            Await.sleep(30);
        }
        d.commit();
        committed.add(late);

        delivered.addAll(StoreSql.drain(consumer, view, undelivered(committed, delivered), Duration.ofSeconds(10)));
        assertDeliveredExactlyOnce(delivered, committed, "ot-");
    }

    /**
     * A direct INSERT (the seed's way to write) that holds its offset before it has a transaction id: held here by a
     * trigger of the test that waits on an advisory lock, as a slow trigger or a busy server would.
     */
    @Test
    void a_direct_insert_that_waits_between_its_offset_and_its_transaction_id_is_delivered() throws SQLException {
        String view = "direct-insert";
        register(view);
        Session.rows(observer, """
                CREATE OR REPLACE FUNCTION test_hold_direct_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_advisory_xact_lock_shared(4242);
                    RETURN NEW;
                END $$""");
        Session.rows(observer, """
                CREATE TRIGGER aaa_test_hold BEFORE INSERT ON events FOR EACH ROW
                WHEN (NEW.decider_id = 'di-held') EXECUTE FUNCTION test_hold_direct_insert()""");
        Session gate = session("gate");
        Session w = session("W");
        Session x = session("X");
        Set<Long> committed = new HashSet<>();
        List<Delivered> delivered = new ArrayList<>();
        try {
            gate.query("SELECT pg_advisory_lock(4242)");
            CompletableFuture<List<Map<String, Object>>> insert = w.start(c -> Session.rows(
                    c,
                    "INSERT INTO events (event, event_id, decider, decider_id, data, command_id, previous_id)"
                            + " VALUES (?, gen_random_uuid(), ?, 'di-held', '{}', gen_random_uuid(), NULL)"
                            + " RETURNING \"offset\"",
                    StoreSql.EVENT,
                    StoreSql.DECIDER));
            assertThat(w.awaitBlockedOrDone(insert, observer)).isTrue();
            committed.add(x.call(c -> append(c, "di-X")));
            for (int i = 0; i < 4; i++) {
                delivered.addAll(consumeOnce(consumer, view));
                Await.sleep(30);
            }
            gate.query("SELECT pg_advisory_unlock(4242)");
            committed.add(((Number) Session.join(insert).getFirst().get("offset")).longValue());
        } finally {
            Session.rows(observer, "DROP TRIGGER aaa_test_hold ON events");
        }

        delivered.addAll(StoreSql.drain(consumer, view, undelivered(committed, delivered), Duration.ofSeconds(10)));
        assertDeliveredExactlyOnce(delivered, committed, "di-");
    }

    private static Set<Long> undelivered(Set<Long> committed, List<Delivered> delivered) {
        Set<Long> left = new HashSet<>(committed);
        delivered.forEach(d -> left.remove(d.offset()));
        return left;
    }

    private static void assertDeliveredExactlyOnce(List<Delivered> delivered, Set<Long> committed, String streams) {
        assertThat(delivered.stream().filter(d -> d.stream().startsWith(streams)))
                .as("every committed event of %s* delivered once, nothing else", streams)
                .extracting(Delivered::offset)
                .containsExactlyInAnyOrderElementsOf(committed);
    }
}
