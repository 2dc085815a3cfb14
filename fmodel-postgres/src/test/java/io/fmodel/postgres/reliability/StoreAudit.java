package io.fmodel.postgres.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fmodel.postgres.reliability.Tally.Added;
import io.fmodel.postgres.reliability.Tally.Closed;
import io.fmodel.postgres.reliability.Tally.TallyEvent;
import io.fmodel.postgres.reliability.Tally.Total;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What the fault suites check once the load is over, on the store as it is: every acknowledged command's event is
 * there, every stream's chain is whole, nothing is duplicated, and the view of each stream equals a replay of it.
 */
final class StoreAudit {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreAudit() {}

    record Verification(
            long events,
            long streams,
            List<String> brokenChains,
            long lost,
            long duplicates,
            List<String> viewMismatches) {}

    static Verification verify(Connection connection, Map<UUID, String> acknowledged, String view)
            throws SQLException, IOException {
        try (Statement statement = connection.createStatement()) {
            // every stream: one root, a chain through previous_id that stays in the stream and covers every event,
            // n = position in the chain, ending at the stream's head
            List<String> broken = new ArrayList<>();
            long streams = 0;
            try (ResultSet rows = statement.executeQuery("""
                    WITH RECURSIVE chain AS (
                        SELECT decider, decider_id, event_id, data, 1 AS len FROM events
                        WHERE previous_id IS NULL AND decider = 'tally'
                        UNION ALL
                        SELECT e.decider, e.decider_id, e.event_id, e.data, c.len + 1
                        FROM chain c JOIN events e ON e.previous_id = c.event_id
                          AND e.decider = c.decider AND e.decider_id = c.decider_id)
                    SELECT s.decider_id,
                           (SELECT count(*) FROM events e WHERE e.decider = s.decider AND e.decider_id = s.decider_id),
                           (SELECT count(*) FROM chain c WHERE c.decider_id = s.decider_id),
                           (SELECT max(e.stream_position) FROM events e
                            WHERE e.decider = s.decider AND e.decider_id = s.decider_id),
                           (SELECT c.event_id FROM chain c WHERE c.decider_id = s.decider_id
                            ORDER BY c.len DESC LIMIT 1) = (SELECT l.event_id FROM get_last_event(s.decider_id, s.decider) l),
                           (SELECT bool_and((c.data ->> 'n')::bigint = c.len) FROM chain c
                            WHERE c.decider_id = s.decider_id)
                    FROM (SELECT DISTINCT decider, decider_id FROM events WHERE decider = 'tally') s""")) {
                while (rows.next()) {
                    streams++;
                    long events = rows.getLong(2);
                    if (events != rows.getLong(3)
                            || events != rows.getLong(4)
                            || !rows.getBoolean(5)
                            || !rows.getBoolean(6)) {
                        broken.add(rows.getString(1) + ": " + events + " events, " + rows.getLong(3)
                                + " chained, length " + rows.getLong(4) + ", head ok " + rows.getBoolean(5) + ", n ok "
                                + rows.getBoolean(6));
                    }
                }
            }
            long duplicates;
            try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM (SELECT decider_id, command_id"
                    + " FROM events WHERE decider = 'tally' GROUP BY 1, 2 HAVING count(*) > 1) d")) {
                rows.next();
                duplicates = rows.getLong(1);
            }
            Map<UUID, String> stored = new HashMap<>();
            Map<String, Total> replayed = new HashMap<>();
            long events = 0;
            try (ResultSet rows = statement.executeQuery("SELECT command_id, decider_id, event, data::text"
                    + " FROM events WHERE decider = 'tally' ORDER BY decider_id, \"offset\"")) {
                while (rows.next()) {
                    events++;
                    stored.put(rows.getObject(1, UUID.class), rows.getString(2));
                    Class<? extends TallyEvent> type = "Added".equals(rows.getString(3)) ? Added.class : Closed.class;
                    TallyEvent event = JSON.readValue(rows.getString(4), type);
                    replayed.merge(
                            rows.getString(2),
                            Tally.TOTALS.evolve(Tally.TOTALS.initialState(), event),
                            (before, ignored) -> Tally.TOTALS.evolve(before, event));
                }
            }
            long lost = acknowledged.entrySet().stream()
                    .filter(a -> !a.getValue().equals(stored.get(a.getKey())))
                    .count();
            Map<String, Total> viewed = new HashMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT id, state::text FROM " + view)) {
                while (rows.next()) {
                    viewed.put(rows.getString(1), JSON.readValue(rows.getString(2), Total.class));
                }
            }
            List<String> mismatches = new ArrayList<>();
            for (String stream : Stream.concat(replayed.keySet().stream(), viewed.keySet().stream())
                    .distinct()
                    .sorted()
                    .toList()) {
                Total expected = replayed.get(stream);
                Total actual = viewed.get(stream);
                if (expected == null || !expected.equals(actual)) {
                    mismatches.add(stream + ": view " + actual + ", replay " + expected);
                    long applied = actual == null ? 0 : actual.count();
                    long present = expected == null ? 0 : expected.count();
                    if (applied > present) {
                        duplicates += applied - present;
                    }
                }
            }
            return new Verification(events, streams, broken, lost, duplicates, mismatches);
        }
    }

    /** {@return {@code view_lag(view)}: how many events the view has still to process} */
    static long lag(Connection connection, String view) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT view_lag(?)")) {
            statement.setString(1, view);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
