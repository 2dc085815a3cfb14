package io.fmodel.postgres.invariants;

import io.fmodel.postgres.Await;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The SQL API calls of the invariant tests, as a psql user writes them: appends through {@code append_event}
 * chained to {@code get_last_event}, consumers through {@code stream_events} and {@code ack_event}. Nothing here
 * reads the store's own tables, so the tests run unchanged against every version of {@code sql/}.
 */
final class StoreSql {

    static final String DECIDER = "decider1";
    static final String EVENT = "Numbered";

    private StoreSql() {}

    static void registerTypes(Connection c) throws SQLException {
        Session.rows(c, "SELECT * FROM register_decider_event(?, ?, 'numbered', 1)", DECIDER, EVENT);
    }

    /** Appends one event to {@code stream} after its last one; {@return its offset} */
    static long append(Connection c, String stream) throws SQLException {
        List<Map<String, Object>> rows = Session.rows(
                c,
                "SELECT \"offset\" FROM append_event(?, ?, ?, ?, jsonb_build_object('stream', ?::text), ?,"
                        + " (SELECT event_id FROM get_last_event(?, ?)), 1)",
                EVENT,
                UUID.randomUUID(),
                DECIDER,
                stream,
                stream,
                UUID.randomUUID(),
                stream,
                DECIDER);
        return ((Number) rows.getFirst().get("offset")).longValue();
    }

    /** One delivered event: its stream and offset. */
    record Delivered(String stream, long offset) {}

    /**
     * One consumer call: {@code stream_events} with a 1 s lease, then {@code ack_event} of every delivered event with
     * its lease, in auto-commit. {@return the events delivered}
     */
    static List<Delivered> consumeOnce(Connection c, String view) throws SQLException {
        List<Map<String, Object>> rows =
                Session.rows(c, "SELECT decider, decider_id, \"offset\", lease FROM stream_events(?, 100, 1)", view);
        for (Map<String, Object> row : rows) {
            Session.rows(
                    c,
                    "SELECT * FROM ack_event(?, ?, ?, ?, ?)",
                    view,
                    row.get("decider_id"),
                    row.get("offset"),
                    row.get("decider"),
                    row.get("lease"));
        }
        return rows.stream()
                .map(r -> new Delivered((String) r.get("decider_id"), ((Number) r.get("offset")).longValue()))
                .toList();
    }

    /**
     * Consumes {@code view} until every offset of {@code expected} was delivered or {@code patience} has passed;
     * {@return every delivery, in order, duplicates included}
     */
    static List<Delivered> drain(Connection c, String view, Set<Long> expected, Duration patience) throws SQLException {
        long deadline = System.nanoTime() + patience.toNanos();
        java.util.ArrayList<Delivered> all = new java.util.ArrayList<>();
        Map<Long, Boolean> seen = new LinkedHashMap<>();
        while (System.nanoTime() < deadline) {
            List<Delivered> batch = consumeOnce(c, view);
            all.addAll(batch);
            batch.forEach(d -> seen.put(d.offset(), true));
            if (seen.keySet().containsAll(expected)) {
                // one more call: nothing may come twice
                all.addAll(consumeOnce(c, view));
                return all;
            }
            if (batch.isEmpty()) {
                Await.sleep(20);
            }
        }
        return all;
    }
}
