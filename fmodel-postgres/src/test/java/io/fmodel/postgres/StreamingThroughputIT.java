package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.fmodel.core.View;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs (does not assert) how fast the runners drain many cold streams and a few hot ones. Small on purpose. */
class StreamingThroughputIT {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingThroughputIT.class);

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** The test event. */
    record Tick(String stream, int n) {}

    /** The exactly-once view state: how many ticks. */
    record Count(long ticks) {}

    private static final EventTypes<Tick> TYPES = EventTypes.of("clock", Tick.class);

    @Test
    void many_cold_streams_and_a_few_hot_ones() throws Exception {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT * FROM register_decider_event('clock', 'Tick', '', 1)");
            for (String view : new String[] {"cold_noop", "cold_jsonb", "hot_noop", "hot_jsonb"}) {
                s.execute("SELECT * FROM register_view('" + view + "')");
            }
        }
        appendStreams("cold", 2_000, 5); // 10,000 events in 2,000 streams
        run("cold_noop", 10_000);
        run("cold_jsonb", 10_000);
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            // the hot views start after the cold events
            s.execute("SELECT * FROM reset_view('hot_noop', now())");
            s.execute("SELECT * FROM reset_view('hot_jsonb', now())");
        }
        appendStreams("hot", 10, 1_000); // 10,000 events in 10 streams
        run("hot_noop", 10_000);
        run("hot_jsonb", 10_000);
    }

    private void run(String view, long events) {
        AtomicLong seen = new AtomicLong();
        StreamingOptions options = StreamingOptions.defaults().withWorkers(2).withBatches(10, 100);
        long start = System.nanoTime();
        try (StreamProcessor processor = view.endsWith("noop")
                ? PostgresEventStore.of(db.dataSource())
                        .startAtLeastOnce(view, TYPES, tick -> seen.incrementAndGet(), options)
                : PostgresEventStore.of(db.dataSource())
                        .startView(
                                view,
                                TYPES,
                                View.<Count, Tick>of(new Count(0), (count, tick) -> new Count(count.ticks() + 1)),
                                PostgresEventStore.of(db.dataSource()).jsonbViewStore(view, Tick::stream, Count.class),
                                options)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (processor.processedCount() < events && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(processor.processedCount()).isEqualTo(events);
            LOG.info(
                    "{}: {} events in {} ms = {} events/s (2 workers, 10 partitions x 100 events per fetch)",
                    view,
                    events,
                    millis,
                    events * 1000 / Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void appendStreams(String prefix, int streams, int perStream) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN FOR s IN 1.." + streams + " LOOP PERFORM count(*) FROM append_events("
                    + "array_fill('Tick'::text, ARRAY[" + perStream + "]),"
                    + " ARRAY(SELECT gen_random_uuid() FROM generate_series(1, " + perStream + ")), 'clock', '"
                    + prefix + "-' || s,"
                    + " ARRAY(SELECT jsonb_build_object('stream', '" + prefix
                    + "-' || s, 'n', i) FROM generate_series(1, "
                    + perStream + ") i), gen_random_uuid(), NULL, array_fill(1::bigint, ARRAY[" + perStream
                    + "])); END LOOP; END $$");
        }
    }
}
