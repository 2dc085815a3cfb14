package io.fmodel.postgres.invariants;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.postgres.Await;
import io.fmodel.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The randomized run of "never skip an event": writers that wait a random time before COMMIT and sometimes roll back,
 * three consumers per view in two styles (the seed's one transaction per call, and lease, then one transaction per
 * partition), two views, one of them registered mid-run from the beginning of the log. Each consumer records its
 * deliveries in the transaction that acknowledges them. At the end every committed event was delivered exactly once
 * to each view, and nothing else was.
 *
 * <p>Short in every build; {@code -Dgroups=soak -Dsoak.seconds=600} is the long run (docs/streaming.md).
 */
@Tag("soak")
class CursorSoakIT {

    private static final int SECONDS = Integer.getInteger("soak.seconds", 15);
    private static final int WRITERS = Integer.getInteger("soak.writers", 8);
    private static final String VIEW_A = "soak-a";
    private static final String VIEW_B = "soak-b";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    private final Set<Long> committed = ConcurrentHashMap.newKeySet();
    private final AtomicLong rolledBack = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong consumerRollbacks = new AtomicLong();
    private final AtomicLong leasesLost = new AtomicLong();
    private final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());

    @Test
    void every_committed_event_reaches_every_view_exactly_once() throws Exception {
        try (Connection c = db.connection()) {
            StoreSql.registerTypes(c);
            Session.rows(c, "CREATE TABLE soak_deliveries (view TEXT NOT NULL, \"offset\" BIGINT NOT NULL)");
            Session.rows(c, "SELECT * FROM register_view(?, '-infinity')", VIEW_A);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicBoolean consuming = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            int w = i;
            writers.add(Thread.ofPlatform().name("soak-writer-" + w).start(() -> write(w, writing)));
        }
        List<Thread> consumers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            consumers.add(Thread.ofPlatform().name("soak-a-" + n).start(() -> consume(VIEW_A, n, consuming)));
        }
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(SECONDS) / 3);
        try (Connection c = db.connection()) {
            Session.rows(c, "SELECT * FROM register_view(?, '-infinity')", VIEW_B);
        }
        for (int i = 0; i < 3; i++) {
            int n = i;
            consumers.add(Thread.ofPlatform().name("soak-b-" + n).start(() -> consume(VIEW_B, n, consuming)));
        }
        Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(SECONDS) - elapsedMillis(start)));
        writing.set(false);
        for (Thread t : writers) {
            t.join();
        }
        long caughtUpAt = awaitCaughtUp(Duration.ofSeconds(30));
        consuming.set(false);
        for (Thread t : consumers) {
            t.join();
        }

        Map<String, Map<Long, Integer>> deliveries = deliveries();
        StringBuilder summary = new StringBuilder(String.format(
                "soak: %d s, %d writers: %d events committed, %d transactions rolled back, %d conflicts;"
                        + " consumers rolled back %d transactions, %d lost a lease (their acks were fenced);"
                        + " caught up %d ms after the writers stopped",
                SECONDS,
                WRITERS,
                committed.size(),
                rolledBack.get(),
                conflicts.get(),
                consumerRollbacks.get(),
                leasesLost.get(),
                caughtUpAt));
        for (String view : List.of(VIEW_A, VIEW_B)) {
            Map<Long, Integer> counts = deliveries.getOrDefault(view, Map.of());
            long duplicates = counts.values().stream().filter(n -> n > 1).count();
            Set<Long> missing = new HashSet<>(committed);
            missing.removeAll(counts.keySet());
            Set<Long> unknown = new HashSet<>(counts.keySet());
            unknown.removeAll(committed);
            summary.append(String.format(
                    "%n  %s: %d delivered, %d missing, %d delivered twice or more, %d not committed",
                    view, counts.size(), missing.size(), duplicates, unknown.size()));
        }
        System.out.println(summary);
        assertThat(failures).as("unexpected failures").isEmpty();
        assertThat(storedOffsets())
                .as("the log holds exactly the commits the writers saw")
                .isEqualTo(committed);
        for (String view : List.of(VIEW_A, VIEW_B)) {
            Map<Long, Integer> counts = deliveries.getOrDefault(view, Map.of());
            assertThat(counts.keySet()).as(view + ": delivered events").isEqualTo(committed);
            assertThat(counts.values()).as(view + ": deliveries per event").containsOnly(1);
        }
    }

    // ---------------------------------------------------------------------------------------------------- writers

    private void write(int writer, AtomicBoolean writing) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> mine = new ArrayList<>();
        int made = 0;
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            while (writing.get()) {
                int streams = random.nextInt(10) < 2 ? 2 : 1;
                List<Long> offsets = new ArrayList<>();
                try {
                    for (int s = 0; s < streams; s++) {
                        String stream;
                        int pick = random.nextInt(10);
                        if (pick < 5 || mine.isEmpty()) {
                            stream = "w" + writer + "-" + made++;
                            mine.add(stream);
                        } else if (pick < 9) {
                            stream = mine.get(random.nextInt(mine.size()));
                        } else {
                            stream = "hot-" + random.nextInt(3);
                        }
                        offsets.add(StoreSql.append(c, stream));
                    }
                    Thread.sleep(random.nextInt(21));
                    if (random.nextInt(10) == 0) {
                        c.rollback();
                        rolledBack.incrementAndGet();
                    } else {
                        c.commit();
                        committed.addAll(offsets);
                    }
                } catch (SQLException e) {
                    c.rollback();
                    if ("ES001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState())) {
                        conflicts.incrementAndGet();
                    } else {
                        throw e;
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            failures.add(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // -------------------------------------------------------------------------------------------------- consumers

    private void consume(String view, int consumer, AtomicBoolean consuming) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Connection c = db.connection()) {
            while (consuming.get()) {
                boolean found = consumer % 2 == 0 ? seedStyle(c, view, random) : leaseThenProcess(c, view, random);
                if (!found) {
                    Thread.sleep(random.nextInt(5, 30));
                }
            }
        } catch (SQLException | RuntimeException e) {
            failures.add(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The seed's README: stream, process and acknowledge in one transaction. */
    private boolean seedStyle(Connection c, String view, ThreadLocalRandom random) throws SQLException {
        c.setAutoCommit(false);
        try {
            List<Map<String, Object>> rows = Session.rows(
                    c, "SELECT decider, decider_id, \"offset\", lease FROM stream_events(?, 100, 10)", view);
            for (Map<String, Object> row : rows) {
                Session.rows(c, "INSERT INTO soak_deliveries VALUES (?, ?)", view, row.get("offset"));
                Session.rows(
                        c,
                        "SELECT * FROM ack_event(?, ?, ?, ?, ?)",
                        view,
                        row.get("decider_id"),
                        row.get("offset"),
                        row.get("decider"),
                        row.get("lease"));
            }
            pause(random);
            if (!rows.isEmpty() && random.nextInt(20) == 0) {
                c.rollback();
                consumerRollbacks.incrementAndGet();
            } else {
                c.commit();
            }
            return !rows.isEmpty();
        } catch (SQLException e) {
            c.rollback();
            leaseLostOrRethrow(e);
            return true;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Lease in auto-commit, then one transaction per partition: the deliveries and the ack of its last event. */
    private boolean leaseThenProcess(Connection c, String view, ThreadLocalRandom random) throws SQLException {
        List<Map<String, Object>> rows = Session.rows(
                c, "SELECT decider, decider_id, \"offset\", lease FROM stream_event_batches(?, 10, 50, 10)", view);
        Map<String, List<Map<String, Object>>> byPartition = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            byPartition
                    .computeIfAbsent(row.get("decider") + "/" + row.get("decider_id"), k -> new ArrayList<>())
                    .add(row);
        }
        for (List<Map<String, Object>> batch : byPartition.values()) {
            c.setAutoCommit(false);
            try {
                for (Map<String, Object> row : batch) {
                    Session.rows(c, "INSERT INTO soak_deliveries VALUES (?, ?)", view, row.get("offset"));
                }
                Map<String, Object> last = batch.getLast();
                Session.rows(
                        c,
                        "SELECT * FROM ack_event(?, ?, ?, ?, ?)",
                        view,
                        last.get("decider_id"),
                        last.get("offset"),
                        last.get("decider"),
                        last.get("lease"));
                pause(random);
                if (random.nextInt(20) == 0) {
                    // a failed attempt: roll back, then give the partition back (its lease was committed apart)
                    c.rollback();
                    consumerRollbacks.incrementAndGet();
                    c.setAutoCommit(true);
                    Session.rows(
                            c,
                            "SELECT * FROM nack_event(?, ?, ?, ?)",
                            view,
                            last.get("decider_id"),
                            last.get("decider"),
                            last.get("lease"));
                } else {
                    c.commit();
                }
            } catch (SQLException e) {
                c.rollback();
                leaseLostOrRethrow(e);
            } finally {
                c.setAutoCommit(true);
            }
        }
        return !rows.isEmpty();
    }

    /**
     * A lease that expired while the consumer worked (a loaded machine) is fenced: its ack fails with VS002, and the
     * protocol is to roll back and fetch again. Anything else is a failure of the test.
     */
    private void leaseLostOrRethrow(SQLException e) throws SQLException {
        if (!"VS002".equals(e.getSQLState())) {
            throw e;
        }
        leasesLost.incrementAndGet();
    }

    private static void pause(ThreadLocalRandom random) {
        if (random.nextInt(4) == 0) {
            Await.sleep(random.nextInt(10));
        }
    }

    // -------------------------------------------------------------------------------------------------- the checks

    /**
     * Waits until both views had every committed event, or until no new delivery came for {@code stall} (a view that
     * lost an event waits forever for it; a slow one still makes progress). {@return the milliseconds waited}
     */
    private long awaitCaughtUp(Duration stall) throws SQLException {
        long start = System.nanoTime();
        long progressAt = start;
        long delivered = -1;
        while (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - progressAt) < stall.toMillis()) {
            Map<String, Map<Long, Integer>> deliveries = deliveries();
            Set<Long> a = deliveries.getOrDefault(VIEW_A, Map.of()).keySet();
            Set<Long> b = deliveries.getOrDefault(VIEW_B, Map.of()).keySet();
            if (a.containsAll(committed) && b.containsAll(committed)) {
                Await.sleep(500); // anything delivered twice comes now
                return elapsedMillis(start);
            }
            if (a.size() + b.size() > delivered) {
                delivered = a.size() + b.size();
                progressAt = System.nanoTime();
            }
            Await.sleep(200);
        }
        return elapsedMillis(start);
    }

    private Map<String, Map<Long, Integer>> deliveries() throws SQLException {
        Map<String, Map<Long, Integer>> counts = new HashMap<>();
        try (Connection c = db.connection()) {
            for (Map<String, Object> row :
                    Session.rows(c, "SELECT view, \"offset\", count(*) AS n FROM soak_deliveries GROUP BY 1, 2")) {
                counts.computeIfAbsent((String) row.get("view"), v -> new HashMap<>())
                        .put(((Number) row.get("offset")).longValue(), ((Number) row.get("n")).intValue());
            }
        }
        return counts;
    }

    private Set<Long> storedOffsets() throws SQLException {
        try (Connection c = db.connection()) {
            Set<Long> offsets = new HashSet<>();
            for (Map<String, Object> row : Session.rows(c, "SELECT \"offset\" FROM events")) {
                offsets.add(((Number) row.get("offset")).longValue());
            }
            return offsets;
        }
    }

    private static long elapsedMillis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
