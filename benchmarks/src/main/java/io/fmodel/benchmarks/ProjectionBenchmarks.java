package io.fmodel.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fmodel.benchmarks.Account.AccountEvent;
import io.fmodel.benchmarks.Account.Balance;
import io.fmodel.benchmarks.Account.Deposit;
import io.fmodel.benchmarks.Account.Deposited;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.ViewProcessor;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/** Parts 4-6: the view processor against a raw SQL loop, end-to-end latency, memory. */
final class ProjectionBenchmarks {

    static final int WORKERS = 2;
    static final int PARTITIONS_PER_FETCH = 10;
    static final int EVENTS_PER_PARTITION = 100;

    private final Database database;
    private final Sizes sizes;
    private final Report report;
    private final ObjectMapper mapper = JsonMapper.builder().build();
    private int run;

    ProjectionBenchmarks(Database database, Sizes sizes, Report report) {
        this.database = database;
        this.sizes = sizes;
        this.report = report;
    }

    private StreamingOptions options() {
        return StreamingOptions.defaults()
                .withWorkers(WORKERS)
                .withBatches(PARTITIONS_PER_FETCH, EVENTS_PER_PARTITION)
                .withStartAt(StreamingOptions.FROM_THE_BEGINNING);
    }

    // ---------------------------------------------------------------------------------------------- 4. projection

    void projection() throws Exception {
        projection("4a", sizes.coldStreams(), sizes.coldEvents());
        projection("4b", sizes.hotProjectionStreams(), sizes.hotProjectionEvents());
    }

    private void projection(String id, int streams, int events) throws Exception {
        DataSource dataSource = database.schema("projection_" + id, 8);
        PostgresEventStore.of(dataSource).repository(Account.types(), Deposit::accountId); // registers the event types
        RawJdbc.seed(dataSource, "p-", streams, events);
        long total = (long) streams * events;
        // warm-up on the same events (JIT, plans); not measured
        framework(dataSource, total);
        raw(dataSource, total);
        double[] fw = new double[sizes.rounds()];
        double[] base = new double[sizes.rounds()];
        double[] ratios = new double[sizes.rounds()];
        for (int r = 0; r < sizes.rounds(); r++) {
            if (r % 2 == 0) {
                fw[r] = framework(dataSource, total);
                base[r] = raw(dataSource, total);
            } else {
                base[r] = raw(dataSource, total);
                fw[r] = framework(dataSource, total);
            }
            ratios[r] = fw[r] / base[r];
        }
        report.row(
                id,
                String.format(
                        "Projection, %,d streams x %,d events, exactly-once JSONB view, %d workers",
                        streams, events, WORKERS),
                Report.rate(Measure.median(fw), "events"),
                "raw SQL loop " + Report.rate(Measure.median(base), "events"),
                Measure.median(ratios),
                "stream_event_batches(" + PARTITIONS_PER_FETCH + ", " + EVENTS_PER_PARTITION
                        + ") + ack_event, one transaction per partition batch, both");
    }

    /** {@return a started exactly-once view {@code name} of the balances, in a JSONB table of the same name} */
    private ViewProcessor balances(
            DataSource dataSource, String name, StreamingOptions options, ProcessorListener listener) {
        PostgresEventStore store =
                PostgresEventStore.of(dataSource).withObjectMapper(mapper).withListener(listener);
        return store.startView(
                name,
                Account.types(),
                Account.view(),
                store.jsonbViewStore(name, AccountEvent::accountId, Balance.class),
                options);
    }

    /** {@return events per second of a new exactly-once view over the whole log} */
    private double framework(DataSource dataSource, long total) throws Exception {
        String name = "fw" + (run++);
        long t0 = System.nanoTime();
        long elapsed;
        try (ViewProcessor processor = balances(dataSource, name, options(), ProcessorListener.none())) {
            while (processor.processedCount() < total) {
                Thread.sleep(1);
            }
            elapsed = System.nanoTime() - t0;
        }
        check(dataSource, name, total);
        return total / (elapsed / 1e9);
    }

    /**
     * The baseline: what a hand-written consumer does with plain JDBC. The same work as the framework's exactly-once
     * view: lease batches, decode each event with Jackson, read the state row, fold, upsert it, ack the batch, commit.
     */
    private double raw(DataSource dataSource, long total) throws Exception {
        String name = "raw" + (run++);
        ObjectReader eventReader = mapper.readerFor(Deposited.class);
        ObjectReader stateReader = mapper.readerFor(Balance.class);
        ObjectWriter stateWriter = mapper.writerFor(Balance.class);
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection();
                Statement statement = c.createStatement();
                PreparedStatement register = c.prepareStatement("SELECT 1 FROM register_view(?, ?, 300, 1)")) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + name
                    + " (id TEXT PRIMARY KEY, state JSONB NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            register.setString(1, name);
            register.setObject(2, StreamingOptions.FROM_THE_BEGINNING.atOffset(ZoneOffset.UTC));
            register.executeQuery().close();
        }
        AtomicLong processed = new AtomicLong();
        Measure.run(WORKERS, 1, (thread, i) -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement fetch = c.prepareStatement(
                            "SELECT decider, decider_id, event, event_version, data::text, \"offset\", lease"
                                    + " FROM stream_event_batches(?, ?, ?, 300)");
                    PreparedStatement read = c.prepareStatement("SELECT state::text FROM " + name + " WHERE id = ?");
                    PreparedStatement upsert = c.prepareStatement("INSERT INTO " + name + " (id, state)"
                            + " VALUES (?, ?::jsonb) ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state,"
                            + " updated_at = now()");
                    PreparedStatement ack = c.prepareStatement("SELECT 1 FROM ack_event(?, ?, ?, ?, ?)")) {
                fetch.setString(1, name);
                fetch.setInt(2, PARTITIONS_PER_FETCH);
                fetch.setInt(3, EVENTS_PER_PARTITION);
                while (processed.get() < total) {
                    record Row(String event, long version, String data, long offset, long lease) {}
                    Map<Partition, List<Row>> batches = new LinkedHashMap<>();
                    try (ResultSet rows = fetch.executeQuery()) {
                        while (rows.next()) {
                            batches.computeIfAbsent(
                                            new Partition(rows.getString(1), rows.getString(2)), p -> new ArrayList<>())
                                    .add(new Row(
                                            rows.getString(3),
                                            rows.getLong(4),
                                            rows.getString(5),
                                            rows.getLong(6),
                                            rows.getLong(7)));
                        }
                    }
                    if (batches.isEmpty()) {
                        Thread.sleep(2);
                        continue;
                    }
                    for (Map.Entry<Partition, List<Row>> batch : batches.entrySet()) {
                        c.setAutoCommit(false);
                        for (Row row : batch.getValue()) {
                            if (!row.event().equals("Deposited") || row.version() != 1) {
                                throw new IllegalStateException("unknown event " + row.event());
                            }
                            Deposited event = eventReader.readValue(row.data());
                            read.setString(1, event.accountId());
                            Balance state = Balance.ZERO;
                            try (ResultSet rows = read.executeQuery()) {
                                if (rows.next()) {
                                    state = stateReader.readValue(rows.getString(1));
                                }
                            }
                            upsert.setString(1, event.accountId());
                            upsert.setString(2, stateWriter.writeValueAsString(state.apply(event)));
                            upsert.executeUpdate();
                        }
                        List<Row> rows = batch.getValue();
                        ack.setString(1, name);
                        ack.setString(2, batch.getKey().deciderId());
                        ack.setLong(3, rows.getLast().offset());
                        ack.setString(4, batch.getKey().decider());
                        ack.setLong(5, rows.getLast().lease());
                        ack.executeQuery().close();
                        c.commit();
                        c.setAutoCommit(true);
                        processed.addAndGet(rows.size());
                    }
                }
            }
        });
        long elapsed = System.nanoTime() - t0;
        check(dataSource, name, total);
        return total / (elapsed / 1e9);
    }

    /** Both variants must have done the same work: every deposit counted once. */
    private static void check(DataSource dataSource, String table, long total) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement statement = c.createStatement();
                ResultSet rows = statement.executeQuery("SELECT sum((state->>'deposits')::bigint) FROM " + table)) {
            rows.next();
            long counted = rows.getLong(1);
            if (counted != total) {
                throw new IllegalStateException(table + " counted " + counted + " deposits, expected " + total);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ 5. end-to-end

    void endToEnd() throws Exception {
        DataSource dataSource = database.schema("e2e", 12);
        PostgresEventRepository<Deposit, AccountEvent> repository =
                PostgresEventStore.of(dataSource).repository(Account.types(), Deposit::accountId);
        // Workers poll every 30 s on their own: only the wake-up poller (last_offsets() every 10 ms) starts them in
        // time. The baseline is a bare JDBC loop reading last_offsets() at the same pace: it sees the append, no more.
        Latencies idle = latencies(dataSource, repository, sizes.latencySamples(), 0);
        report.row(
                "5a",
                "End-to-end append -> view updated, idle system (wake-up poller, worker poll 30 s)",
                "p50 " + Report.ms(idle.p50()) + ", p99 " + Report.ms(idle.p99()),
                "raw poll of last_offsets() every 10 ms, append seen: p50 " + Report.ms(idle.rawP50()) + ", p99 "
                        + Report.ms(idle.rawP99()),
                idle.rawP50() / idle.p50(),
                idle.samples() + " appends one at a time, pauses of 5-25 ms; from the append call; ratio: p50s");
        Latencies busy = latencies(dataSource, repository, sizes.latencySamples(), BUSY_WRITERS);
        report.row(
                "5b",
                "End-to-end append -> view updated, busy system (" + BUSY_WRITERS + " writers appending to other"
                        + " streams, about 100/s each)",
                "p50 " + Report.ms(busy.p50()) + ", p99 " + Report.ms(busy.p99()),
                "raw poll, append seen: p50 " + Report.ms(busy.rawP50()) + ", p99 " + Report.ms(busy.rawP99()),
                busy.rawP50() / busy.p50(),
                busy.samples() + " appends; background " + busy.background() + " appends/s, which the view processes"
                        + " too; ratio: p50s");
    }

    /** Writers of part 5b: other streams, appended as fast as they go, while the samples are taken. */
    private static final int BUSY_WRITERS = 4;

    record Latencies(int samples, double p50, double p99, double rawP50, double rawP99, long background) {}

    private Latencies latencies(
            DataSource dataSource,
            PostgresEventRepository<Deposit, AccountEvent> repository,
            int samples,
            int backgroundWriters)
            throws Exception {
        String name = "e2e" + (run++);
        Map<String, Long> processedAt = new ConcurrentHashMap<>();
        ProcessorListener listener = new ProcessorListener() {
            @Override
            public void processed(String view, Partition partition, int events) {
                processedAt.putIfAbsent(partition.deciderId(), System.nanoTime());
            }
        };
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        // the baseline: the moment a bare poll loop, at the poller's pace, first sees an offset visible
        ConcurrentSkipListMap<Long, Long> visibleAt = new ConcurrentSkipListMap<>(); // visible offset -> first seen
        Thread rawPoller = Thread.ofPlatform().name("raw-poll").start(() -> {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement poll = c.prepareStatement("SELECT drawn, visible FROM last_offsets()")) {
                while (!stop.get()) {
                    try (ResultSet r = poll.executeQuery()) {
                        r.next();
                        visibleAt.putIfAbsent(r.getLong(2), System.nanoTime());
                    }
                    Thread.sleep(10);
                }
            } catch (SQLException | InterruptedException e) {
                failure.set(e);
            }
        });
        AtomicLong background = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < backgroundWriters; w++) {
            int writer = w;
            writers.add(Thread.ofPlatform().name("busy-" + w).start(() -> {
                int n = 0;
                while (!stop.get()) {
                    String stream = name + "-busy-" + writer + "-" + (n++ % 50);
                    try {
                        repository.append(
                                new Deposit(stream, 1),
                                UUID.randomUUID(),
                                List.of(new Deposited(stream, 1, Account.NOTE)),
                                repository.fetch(new Deposit(stream, 1)).stream()
                                        .reduce((a, b) -> b)
                                        .map(io.fmodel.core.application.StoredEvent::version)
                                        .orElse(null));
                        background.incrementAndGet();
                        // a busy system, not an overloaded one: about 100 appends a second per writer
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                        return;
                    }
                }
            }));
        }
        List<Double> view = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        int warmup = Math.min(3, samples);
        long started = System.nanoTime();
        try (ViewProcessor processor = balances(
                dataSource,
                name,
                StreamingOptions.defaults().withWorkers(WORKERS).withPollInterval(Duration.ofSeconds(30)),
                listener)) {
            Thread.sleep(200); // let the workers reach their first wait
            for (int i = 0; i < warmup + samples; i++) {
                // a pause uniform over two poll ticks: appends must not fall in step with the polls
                Thread.sleep(5 + ThreadLocalRandom.current().nextLong(20));
                String stream = name + "-" + i;
                long t0 = System.nanoTime();
                repository.append(
                        new Deposit(stream, 1),
                        UUID.randomUUID(),
                        List.of(new Deposited(stream, 1, Account.NOTE)),
                        null);
                long deadline = t0 + Duration.ofSeconds(20).toNanos();
                Long done;
                while ((done = processedAt.get(stream)) == null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("view " + name + " did not process " + stream + " in time");
                    }
                    Thread.sleep(0, 100_000);
                }
                if (i >= warmup) {
                    view.add((done - t0) / 1e6);
                    long offset = offsetOf(dataSource, stream);
                    Map.Entry<Long, Long> seen;
                    // the raw poller may be scheduled after the view's worker on a loaded machine
                    while ((seen = visibleAt.ceilingEntry(offset)) == null && System.nanoTime() < deadline) {
                        Thread.sleep(0, 100_000);
                    }
                    if (seen == null) {
                        throw new IllegalStateException("the raw poller never saw offset " + offset);
                    }
                    raw.add((Math.max(seen.getValue(), t0) - t0) / 1e6);
                }
                if (failure.get() != null) {
                    throw failure.get();
                }
            }
        } finally {
            stop.set(true);
            rawPoller.join();
            for (Thread writer : writers) {
                writer.join();
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double[] v = Measure.toArray(view);
        double[] r = Measure.toArray(raw);
        return new Latencies(
                samples,
                Measure.percentile(v, 50),
                Measure.percentile(v, 99),
                Measure.percentile(r, 50),
                Measure.percentile(r, 99),
                Math.round(background.get() / seconds));
    }

    private static long offsetOf(DataSource dataSource, String stream) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement last = c.prepareStatement("SELECT \"offset\" FROM get_last_event(?, ?)")) {
            last.setString(1, stream);
            last.setString(2, Account.DECIDER);
            try (ResultSet r = last.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- 6. memory

    void memory() throws Exception {
        DataSource dataSource = database.schema("memory", 8);
        PostgresEventStore.of(dataSource).repository(Account.types(), Deposit::accountId);
        RawJdbc.seed(dataSource, "m-", sizes.memoryStreams(), sizes.memoryEvents());
        long total = (long) sizes.memoryStreams() * sizes.memoryEvents();
        String name = "memory";
        List<long[]> samples = new ArrayList<>(); // processed, used heap after GC
        long before = usedAfterGc();
        long t0 = System.nanoTime();
        long elapsed;
        try (ViewProcessor processor = balances(dataSource, name, options(), ProcessorListener.none())) {
            long next = total / 10;
            while (processor.processedCount() < total) {
                long processed = processor.processedCount();
                if (processed >= next) {
                    samples.add(new long[] {processed, usedAfterGc()});
                    next += total / 10;
                }
                Thread.sleep(2);
            }
            elapsed = System.nanoTime() - t0;
            samples.add(new long[] {processor.processedCount(), usedAfterGc()});
        }
        check(dataSource, name, total);
        long first = samples.getFirst()[1];
        long last = samples.getLast()[1];
        long peak = samples.stream().mapToLong(s -> s[1]).max().orElseThrow();
        StringBuilder curve = new StringBuilder();
        for (long[] s : samples) {
            curve.append(curve.isEmpty() ? "" : ", ").append(String.format("%.1f", s[1] / 1e6));
        }
        report.row(
                "6",
                String.format(
                        "Heap after GC, view processor over %,d events (%d streams x %,d)",
                        total, sizes.memoryStreams(), sizes.memoryEvents()),
                String.format("at the end %.1f MB, peak %.1f MB", last / 1e6, peak / 1e6),
                String.format(
                        "at %,d events %.1f MB (before start %.1f MB)",
                        samples.getFirst()[0], first / 1e6, before / 1e6),
                (double) last / first,
                String.format(
                        "growth %+.1f MB over %,d events; MB at each tenth: %s; %s",
                        (last - first) / 1e6,
                        total - samples.getFirst()[0],
                        curve,
                        Report.rate(total / (elapsed / 1e9), "events")));
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
