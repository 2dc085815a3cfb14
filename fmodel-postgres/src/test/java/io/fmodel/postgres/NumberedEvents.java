package io.fmodel.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Appends {@code Numbered} events of decider {@code decider1} straight through {@code append_events}, as the SQL
 * and processor ITs need them: data {@code {"stream": stream, "n": i}}, version 1, chained to the stream's last event.
 */
final class NumberedEvents {

    private NumberedEvents() {}

    /** Appends events {@code from..to} (inclusive) to {@code stream} in one call, under a fresh command id. */
    static void append(Connection c, String stream, int from, int to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM append_events("
                + "ARRAY(SELECT 'Numbered' FROM generate_series(?, ?)),"
                + " ARRAY(SELECT gen_random_uuid() FROM generate_series(?, ?)), 'decider1', ?,"
                + " ARRAY(SELECT jsonb_build_object('stream', ?::text, 'n', i) FROM generate_series(?, ?) i),"
                + " gen_random_uuid(),"
                + " (SELECT event_id FROM get_last_event(?, 'decider1')),"
                + " ARRAY(SELECT 1::bigint FROM generate_series(?, ?)))")) {
            int p = 1;
            ps.setInt(p++, from);
            ps.setInt(p++, to);
            ps.setInt(p++, from);
            ps.setInt(p++, to);
            ps.setString(p++, stream);
            ps.setString(p++, stream);
            ps.setInt(p++, from);
            ps.setInt(p++, to);
            ps.setString(p++, stream);
            ps.setInt(p++, from);
            ps.setInt(p, to);
            ps.execute();
        }
    }

    /** Appends event {@code n} to {@code stream} through {@code append_events_with_metadata}, with {@code metadata}. */
    static void appendWithMetadata(Connection c, String stream, int n, String metadata) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM append_events_with_metadata("
                + "ARRAY['Numbered'], ARRAY[gen_random_uuid()], 'decider1', ?,"
                + " ARRAY[jsonb_build_object('stream', ?::text, 'n', ?::int)], gen_random_uuid(),"
                + " (SELECT event_id FROM get_last_event(?, 'decider1')), ARRAY[1]::bigint[], ?::jsonb)")) {
            ps.setString(1, stream);
            ps.setString(2, stream);
            ps.setInt(3, n);
            ps.setString(4, stream);
            ps.setString(5, metadata);
            ps.execute();
        }
    }
}
