package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PL/pgSQL caches the plans of the statements of a function per session and, after five calls, may keep a generic
 * plan made for the table as it was then. A plan made while the store was empty scans its tables (a sequential scan
 * is the cheapest plan of a one-page table) and stays cached while the tables grow, until an autovacuum ANALYZE
 * invalidates it, which on a busy new store can take minutes: the benchmark saw one command lookup read 23,600 rows
 * of a table that way (docs/adr/0006). The append path must reach its rows through their keys whatever was cached:
 * this test caches plans on an empty store, grows it on another connection, and counts what the first connection's
 * appends then read.
 */
class CachedPlansIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private static final int GROWN = 5_000;

    /**
     * {@code enable_seqscan = off} does not forbid a sequential scan, it adds 10^10 to its cost: a statement that can
     * only scan (the read of the offset sequence in {@code last_offsets()}) then costs more than
     * {@code jit_above_cost}, and a server with LLVM compiled it on every call (7.6 ms of each 8.3 ms poll on
     * PostgreSQL 15). Every function that turns sequential scans off turns JIT off too.
     */
    @Test
    void every_function_that_turns_sequential_scans_off_turns_jit_off_too() throws SQLException {
        try (Connection c = db.connection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT p.proname, p.proconfig::text FROM pg_proc p"
                        + " WHERE p.pronamespace = current_schema()::regnamespace"
                        + " AND 'enable_seqscan=off' = ANY (p.proconfig) ORDER BY p.proname")) {
            Map<String, String> settings = new TreeMap<>();
            while (r.next()) {
                settings.put(r.getString(1), r.getString(2));
            }
            assertThat(settings).as("functions with enable_seqscan=off").hasSizeGreaterThan(10);
            assertThat(settings)
                    .allSatisfy((function, config) ->
                            assertThat(config).as(function).contains("jit=off"));
        }
    }

    @Test
    void appends_read_no_table_sequentially_with_plans_cached_while_the_store_was_empty() throws SQLException {
        try (Connection cached = db.connection()) {
            try (Statement s = cached.createStatement()) {
                s.execute("SELECT register_decider_event('counter', 'Incremented')");
            }
            // a small store, as autovacuum sees it soon after it is created
            for (int i = 0; i < 12; i++) {
                earlyCommands(cached, "small-" + i);
            }
            try (Connection other = db.dataSource().getConnection();
                    Statement s = other.createStatement()) {
                s.execute("VACUUM ANALYZE");
            }
            // plans cached on the small tables: new streams, next events, a replay, the seed's batch continuation
            for (int i = 0; i < 12; i++) {
                earlyCommands(cached, "early-" + i);
            }

            PlanChecks.appendNewStreams(db.dataSource(), "grown-", GROWN);

            // pg_stat_xact_* may still hold counts of earlier transactions that were not flushed: measure the
            // difference
            cached.setAutoCommit(false);
            Map<String, Long> before = PlanChecks.sequentialReads(cached);
            UUID head = append(cached, "late", UUID.randomUUID(), null);
            for (int i = 0; i < 20; i++) {
                head = append(cached, "late", UUID.randomUUID(), head);
            }
            Map<String, Long> sequentialReads = PlanChecks.sequentialReadsSince(before, cached);

            assertThat(sequentialReads)
                    .as("rows read by sequential scans in the appending transaction")
                    .containsEntry("events", 0L);

            // get_events, prepared on the server by the driver after a few executions, as the repository runs it
            Map<String, Long> beforeFetch = PlanChecks.sequentialReads(cached);
            for (int i = 0; i < 3; i++) {
                try (PreparedStatement fetch =
                        cached.prepareStatement("SELECT event_id FROM get_events(?, 'counter') ORDER BY 1")) {
                    fetch.setString(1, "late");
                    try (ResultSet rows = fetch.executeQuery()) {
                        int n = 0;
                        while (rows.next()) {
                            n++;
                        }
                        assertThat(n).isEqualTo(21);
                    }
                }
            }
            Map<String, Long> fetchReads = PlanChecks.sequentialReadsSince(beforeFetch, cached);
            cached.commit();
            assertThat(fetchReads)
                    .as("rows read by sequential scans by get_events")
                    .containsEntry("events", 0L);
        }
    }

    private static void earlyCommands(Connection c, String stream) throws SQLException {
        try (PreparedStatement fetch = c.prepareStatement("SELECT event_id FROM get_events(?, 'counter') ORDER BY 1")) {
            fetch.setString(1, stream);
            fetch.executeQuery().close();
        }
        UUID first = append(c, stream, UUID.randomUUID(), null);
        UUID command = UUID.randomUUID();
        UUID second = append(c, stream, command, first);
        append(c, stream, command, second);
        append(c, stream, command, first); // a replay: returns the command's events
    }

    /** Appends one event with {@code append_event}; returns its id. */
    private static UUID append(Connection c, String stream, UUID command, UUID previous) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement append = c.prepareStatement(
                "SELECT event_id FROM append_event('Incremented', ?, 'counter', ?, '{}', ?, ?::uuid)")) {
            append.setObject(1, id);
            append.setString(2, stream);
            append.setObject(3, command);
            append.setObject(4, previous);
            try (ResultSet rows = append.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getObject(1, UUID.class);
            }
        }
    }
}
