package io.fmodel.benchmarks;

import io.fmodel.benchmarks.Account.AccountEvent;
import io.fmodel.benchmarks.Account.Balance;
import io.fmodel.benchmarks.Account.Deposit;
import io.fmodel.benchmarks.Account.Deposited;
import io.fmodel.core.application.Appended;
import io.fmodel.core.application.ConcurrencyConflictException;
import io.fmodel.core.application.EventRepository;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetriesExhaustedException;
import io.fmodel.core.application.StoredEvent;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Parts 1-3: command handling, appends against the physical limit, long streams. */
final class CommandBenchmarks {

    static final int[] THREADS = {1, 2, 4, 8};
    static final int[] LENGTHS = {10, 100, 1_000, 10_000};

    private final DataSource dataSource;
    private final Sizes sizes;
    private final Report report;
    private final PostgresEventRepository<Deposit, AccountEvent> repository;
    private final CountingRepository counting;
    private final EventSourcingAggregate<Deposit, Balance, AccountEvent> aggregate;
    private final RawJdbc raw;
    private int run;

    CommandBenchmarks(DataSource dataSource, Sizes sizes, Report report) throws Exception {
        this.dataSource = dataSource;
        this.sizes = sizes;
        this.report = report;
        this.repository = PostgresEventStore.of(dataSource).repository(Account.types(), Deposit::accountId);
        this.counting = new CountingRepository(repository);
        this.aggregate = EventSourcingAggregate.of(Account.decider(), counting);
        this.raw = new RawJdbc(dataSource);
        RawJdbc.createPhysicalTable(dataSource);
    }

    /** Counts the conflicts the aggregate retries; otherwise the repository itself. */
    static final class CountingRepository implements EventRepository<Deposit, AccountEvent, UUID> {
        final EventRepository<Deposit, AccountEvent, UUID> delegate;
        final LongAdder conflicts = new LongAdder();

        CountingRepository(EventRepository<Deposit, AccountEvent, UUID> delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<StoredEvent<AccountEvent, UUID>> fetch(Deposit command) {
            return delegate.fetch(command);
        }

        @Override
        public Appended<AccountEvent, UUID> append(
                Deposit command, UUID commandId, List<AccountEvent> events, @Nullable UUID expectedVersion) {
            try {
                return delegate.append(command, commandId, events, expectedVersion);
            } catch (ConcurrencyConflictException e) {
                conflicts.increment();
                throw e;
            }
        }
    }

    void warmUp() throws Exception {
        for (int threads : new int[] {1, 4}) {
            commands(false, true, threads, sizes.warmup());
            commands(false, false, threads, sizes.warmup());
            appends(Append.PHYSICAL, threads, sizes.warmup());
            appends(Append.RAW, threads, sizes.warmup());
            appends(Append.RAW_BATCH, threads, sizes.warmup());
            appends(Append.REPOSITORY, threads, sizes.warmup());
        }
    }

    // ------------------------------------------------------------------------------------------------ 1. commands

    private final LongAdder frameworkGaveUp = new LongAdder();

    /** Commands per second, and client CPU microseconds per command (all threads). */
    record Rate(double perSecond, double cpuMicros) {}

    /** {@return commands per second} */
    private double commands(boolean hot, boolean framework, int threads, int total) throws Exception {
        return commandRate(hot, framework, threads, total).perSecond();
    }

    private Rate commandRate(boolean hot, boolean framework, int threads, int total) throws Exception {
        // The same streams from round to round (one set per variant and thread count): accounts that exist and grow,
        // not only first appends; framework and baseline grow theirs alike.
        String prefix = (hot ? "hot" : "ind") + threads + (framework ? "fw" : "raw") + "-";
        int streams = hot ? sizes.hotStreams() : sizes.independentStreams();
        int perThread = Math.max(1, total / threads);
        Measure.Timing timing = Measure.timed(threads, perThread, (thread, i) -> {
            int s = hot ? ThreadLocalRandom.current().nextInt(streams) : (i * threads + thread) % streams;
            Deposit command = new Deposit(prefix + s, 1);
            if (framework) {
                try {
                    aggregate.handle(command);
                } catch (RetriesExhaustedException e) {
                    frameworkGaveUp.increment();
                }
            } else {
                raw.handle(command);
            }
        });
        int done = perThread * threads;
        return new Rate(done / (timing.nanos() / 1e9), timing.cpuNanos() / 1e3 / done);
    }

    void commandHandling() throws Exception {
        for (boolean hot : new boolean[] {false, true}) {
            for (int threads : THREADS) {
                double[] fw = new double[sizes.rounds()];
                double[] base = new double[sizes.rounds()];
                double[] ratios = new double[sizes.rounds()];
                double[] fwCpu = new double[sizes.rounds()];
                double[] baseCpu = new double[sizes.rounds()];
                long fwConflicts0 = counting.conflicts.sum();
                long rawConflicts0 = raw.conflicts.sum();
                long fwGaveUp0 = frameworkGaveUp.sum();
                long rawGaveUp0 = raw.gaveUp.sum();
                int total = hot ? sizes.hotCommands() : sizes.independentCommands();
                for (int r = 0; r < sizes.rounds(); r++) {
                    Rate f;
                    Rate b;
                    if (r % 2 == 0) {
                        f = commandRate(hot, true, threads, total);
                        b = commandRate(hot, false, threads, total);
                    } else {
                        b = commandRate(hot, false, threads, total);
                        f = commandRate(hot, true, threads, total);
                    }
                    fw[r] = f.perSecond();
                    base[r] = b.perSecond();
                    fwCpu[r] = f.cpuMicros();
                    baseCpu[r] = b.cpuMicros();
                    ratios[r] = fw[r] / base[r];
                }
                String notes = String.format(
                        "ratio per round: quartiles %.2f-%.2f; client CPU per command fw %.0f us / raw %.0f us;"
                                + " conflicts retried fw %d / raw %d; gave up fw %d / raw %d",
                        Measure.percentile(ratios, 25),
                        Measure.percentile(ratios, 75),
                        Measure.median(fwCpu),
                        Measure.median(baseCpu),
                        counting.conflicts.sum() - fwConflicts0,
                        raw.conflicts.sum() - rawConflicts0,
                        frameworkGaveUp.sum() - fwGaveUp0,
                        raw.gaveUp.sum() - rawGaveUp0);
                report.row(
                        (hot ? "1b" : "1a") + "/" + threads + "t",
                        (hot
                                        ? "Commands, " + sizes.hotStreams() + " hot streams (contention)"
                                        : "Commands, " + sizes.independentStreams() + " independent streams")
                                + ", " + threads + " thread" + (threads > 1 ? "s" : ""),
                        Report.rate(Measure.median(fw), "cmd"),
                        "raw JDBC " + Report.rate(Measure.median(base), "cmd"),
                        Measure.median(ratios),
                        notes);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- 2. appends

    enum Append {
        PHYSICAL,
        RAW,
        RAW_BATCH,
        REPOSITORY
    }

    private final java.util.Map<String, @Nullable UUID[]> appendHeads = new java.util.HashMap<>();

    /** {@return appends (transactions) per second, each thread continuing its own streams} */
    private double appends(Append kind, int threads, int total) throws Exception {
        // Each variant continues its own streams from round to round (the heads it knows are kept).
        String prefix = "app" + kind.ordinal() + "t" + threads + "-";
        int streams = sizes.independentStreams();
        @Nullable UUID[] heads = appendHeads.computeIfAbsent(prefix, key -> new UUID[streams]);
        int perThread = Math.max(1, total / threads);
        long nanos = Measure.run(threads, perThread, (thread, i) -> {
            int s = (i * threads + thread) % streams;
            switch (kind) {
                case PHYSICAL -> {
                    try (Connection c = dataSource.getConnection()) {
                        raw.insertPhysical(c);
                    }
                }
                case RAW -> {
                    try (Connection c = dataSource.getConnection()) {
                        heads[s] = raw.append(
                                c,
                                prefix + s,
                                UUID.randomUUID(),
                                List.of(new Deposited(prefix + s, 1, Account.NOTE)),
                                heads[s]);
                    }
                }
                case RAW_BATCH -> {
                    try (Connection c = dataSource.getConnection()) {
                        heads[s] = raw.appendEvents(
                                c, prefix + s, List.of(new Deposited(prefix + s, 1, Account.NOTE)), heads[s]);
                    }
                }
                case REPOSITORY -> {
                    Appended<AccountEvent, UUID> appended = repository.append(
                            new Deposit(prefix + s, 1),
                            UUID.randomUUID(),
                            List.of(new Deposited(prefix + s, 1, Account.NOTE)),
                            heads[s]);
                    heads[s] = appended.stored().getLast().version();
                }
            }
        });
        return perThread * threads / (nanos / 1e9);
    }

    void appendsAgainstPhysicalLimit() throws Exception {
        for (int threads : THREADS) {
            double[] physical = new double[sizes.rounds()];
            double[] rawAppends = new double[sizes.rounds()];
            double[] repo = new double[sizes.rounds()];
            double[] rawBatch = new double[sizes.rounds()];
            double[] rawRatio = new double[sizes.rounds()];
            double[] repoRatio = new double[sizes.rounds()];
            for (int r = 0; r < sizes.rounds(); r++) {
                List<Append> order = new ArrayList<>(List.of(Append.values()));
                java.util.Collections.rotate(order, r);
                for (Append kind : order) {
                    double rate = appends(kind, threads, sizes.appends());
                    switch (kind) {
                        case PHYSICAL -> physical[r] = rate;
                        case RAW -> rawAppends[r] = rate;
                        case RAW_BATCH -> rawBatch[r] = rate;
                        case REPOSITORY -> repo[r] = rate;
                    }
                }
                rawRatio[r] = rawAppends[r] / physical[r];
                repoRatio[r] = repo[r] / physical[r];
            }
            String t = threads + " thread" + (threads > 1 ? "s" : "");
            String limit = "INSERT " + Report.rate(Measure.median(physical), "tx");
            report.row(
                    "2a/" + threads + "t",
                    "Appends, raw JDBC append_event, " + sizes.independentStreams() + " streams, " + t,
                    Report.rate(Measure.median(rawAppends), "tx"),
                    limit,
                    Measure.median(rawRatio),
                    "SQL API cost alone");
            report.row(
                    "2b/" + threads + "t",
                    "Appends, PostgresEventRepository.append, " + sizes.independentStreams() + " streams, " + t,
                    Report.rate(Measure.median(repo), "tx"),
                    limit,
                    Measure.median(repoRatio),
                    String.format(
                            "raw JDBC append_events (what the repository calls, less the metadata) %s: ratio %.2f of INSERT;"
                                    + " repository / raw append_events: %.2f",
                            Report.rate(Measure.median(rawBatch), "tx"),
                            Measure.median(rawBatch) / Measure.median(physical),
                            Measure.median(repo) / Measure.median(rawBatch)));
        }
    }

    /**
     * Server time alone, without the client, the network or commits: one DO block appends {@code n} events to 100
     * streams it continues (append_events, as the repository calls it), then inserts {@code n} physical-limit rows.
     */
    void serverTimePerAppend() throws Exception {
        int n = Math.max(20, sizes.appends());
        double[] append = new double[sizes.rounds()];
        double[] insert = new double[sizes.rounds()];
        double[] ratios = new double[sizes.rounds()];
        for (int r = 0; r < sizes.rounds(); r++) {
            String prefix = "srv" + (run++) + "-";
            String sql = """
                    DO $$
                    DECLARE t0 timestamptz;
                            heads uuid[] := array_fill(NULL::uuid, ARRAY[100]);
                            id uuid;
                    BEGIN
                      t0 := clock_timestamp();
                      FOR i IN 1..%1$d LOOP
                        id := gen_random_uuid();
                        PERFORM append_events(ARRAY['Deposited'], ARRAY[id], '%2$s', '%3$s' || (i %% 100),
                          ARRAY[jsonb_build_object('accountId', '%3$s', 'amount', 1, 'note', repeat('x', 150))],
                          gen_random_uuid(), heads[i %% 100 + 1], ARRAY[1::bigint]);
                        heads[i %% 100 + 1] := id;
                      END LOOP;
                      RAISE NOTICE '%%', extract(epoch FROM clock_timestamp() - t0) * 1e6 / %1$d;
                      t0 := clock_timestamp();
                      FOR i IN 1..%1$d LOOP
                        INSERT INTO physical_limit (event_id, data)
                        VALUES (gen_random_uuid(), jsonb_build_object('accountId', '%3$s', 'amount', 1, 'note', repeat('x', 150)));
                      END LOOP;
                      RAISE NOTICE '%%', extract(epoch FROM clock_timestamp() - t0) * 1e6 / %1$d;
                    END $$""".formatted(n, Account.DECIDER, prefix);
            try (Connection c = dataSource.getConnection();
                    java.sql.Statement statement = c.createStatement()) {
                statement.execute(sql);
                java.sql.SQLWarning first = statement.getWarnings();
                if (first == null || first.getNextWarning() == null) {
                    throw new IllegalStateException("the server reported no timings");
                }
                append[r] = Double.parseDouble(first.getMessage());
                insert[r] = Double.parseDouble(first.getNextWarning().getMessage());
                ratios[r] = insert[r] / append[r];
            }
        }
        report.row(
                "2c",
                "Server time per append, no client (one DO loop, " + n + " events on 100 continuing streams)",
                String.format("append_events %.0f us", Measure.median(append)),
                String.format("INSERT %.0f us", Measure.median(insert)),
                Measure.median(ratios),
                "where the append gap is: the SQL API's work per event on the server");
    }

    // ------------------------------------------------------------------------------------------------ 7. scaling

    static final int[] WRITERS = {1, 2, 4, 8, 12, 16};

    /**
     * Commands through the aggregate against the number of writers, each writer on streams of its own (no conflict:
     * the curve shows what the store and the machine give, not contention), beside the plain INSERT at as many
     * clients in the same round: the shape of the curve, and how much of the machine's insert capacity it reaches.
     */
    void scaling() throws Exception {
        for (int writers : WRITERS) {
            double[] commands = new double[sizes.rounds()];
            double[] inserts = new double[sizes.rounds()];
            double[] ratios = new double[sizes.rounds()];
            int total = Math.max(writers * 10, sizes.independentCommands() * writers / 2);
            for (int r = 0; r < sizes.rounds(); r++) {
                if (r % 2 == 0) {
                    commands[r] = scalingRate(writers, total);
                    inserts[r] = appends(Append.PHYSICAL, writers, total);
                } else {
                    inserts[r] = appends(Append.PHYSICAL, writers, total);
                    commands[r] = scalingRate(writers, total);
                }
                ratios[r] = commands[r] / inserts[r];
            }
            double rate = Measure.median(commands);
            report.row(
                    "7/" + writers + "w",
                    "Commands through the aggregate, " + writers + " writer" + (writers > 1 ? "s" : "")
                            + ", streams of their own",
                    Report.rate(rate, "cmd") + " (" + Report.rate(rate / writers, "cmd") + " per writer)",
                    "INSERT " + Report.rate(Measure.median(inserts), "tx") + " at " + writers + " clients",
                    Measure.median(ratios),
                    "a command: get_events, decide, append_events (two round trips, one commit)");
        }
    }

    private double scalingRate(int writers, int total) throws Exception {
        String prefix = "scale" + writers + "-";
        int perWriter = Math.max(1, total / writers);
        long nanos = Measure.run(writers, perWriter, (writer, i) -> {
            // 32 streams per writer, continued from round to round
            aggregate.handle(new Deposit(prefix + writer + "-" + (i % 32), 1));
        });
        return perWriter * writers / (nanos / 1e9);
    }

    // -------------------------------------------------------------------------------------------- 3. long streams

    void longStreams() throws Exception {
        int n = sizes.longStreamCommands();
        for (int length : LENGTHS) {
            int streams = Math.max(1, Math.min(n, 2_000 / length));
            String prefix = "long" + length + "-";
            RawJdbc.seed(dataSource, prefix, streams, length);
            List<Double> fw = new ArrayList<>();
            List<Double> base = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Deposit command = new Deposit(prefix + (i % streams), 1);
                for (int k = 0; k < 2; k++) {
                    boolean framework = (i + k) % 2 == 0;
                    long t0 = System.nanoTime();
                    if (framework) {
                        aggregate.handle(command);
                    } else {
                        raw.handle(command);
                    }
                    double millis = (System.nanoTime() - t0) / 1e6;
                    (framework ? fw : base).add(millis);
                }
            }
            double[] f = Measure.toArray(fw);
            double[] b = Measure.toArray(base);
            report.row(
                    "3/" + length,
                    "Command latency, stream of " + String.format("%,d", length) + " events, 1 thread",
                    "p50 " + Report.ms(Measure.percentile(f, 50)) + ", p99 " + Report.ms(Measure.percentile(f, 99)),
                    "raw JDBC p50 " + Report.ms(Measure.percentile(b, 50)) + ", p99 "
                            + Report.ms(Measure.percentile(b, 99)),
                    Measure.percentile(b, 50) / Measure.percentile(f, 50),
                    n + " commands each over " + streams + " stream" + (streams > 1 ? "s" : "")
                            + "; no snapshots: the whole history is read");
        }
    }
}
