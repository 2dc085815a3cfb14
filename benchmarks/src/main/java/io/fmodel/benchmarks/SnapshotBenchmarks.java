package io.fmodel.benchmarks;

import io.fmodel.benchmarks.Account.AccountEvent;
import io.fmodel.benchmarks.Account.Balance;
import io.fmodel.benchmarks.Account.Deposit;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.SnapshotPolicy;
import io.fmodel.postgres.PostgresEventStore;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Part 3s: command latency on long streams with snapshots, against the same aggregate without them, on the same
 * streams, alternating one command of each.
 */
final class SnapshotBenchmarks {

    /** A snapshot every this many events since the last one. */
    static final int EVERY = 100;

    private final DataSource dataSource;
    private final Sizes sizes;
    private final Report report;

    SnapshotBenchmarks(DataSource dataSource, Sizes sizes, Report report) {
        this.dataSource = dataSource;
        this.sizes = sizes;
        this.report = report;
    }

    void longStreams() throws Exception {
        PostgresEventStore store = PostgresEventStore.of(dataSource);
        var repository = store.<Deposit, AccountEvent>repository(Account.types(), Deposit::accountId);
        var snapshots = store.snapshots(repository, Balance.class, "balance-v1");
        EventSourcingAggregate<Deposit, Balance, AccountEvent> without =
                EventSourcingAggregate.of(Account.decider(), repository);
        EventSourcingAggregate<Deposit, Balance, AccountEvent> with = EventSourcingAggregate.of(
                Account.decider(),
                repository,
                snapshots,
                SnapshotPolicy.every(EVERY).onSaveFailure(failure -> {
                    throw failure; // a benchmark that silently ran without snapshots would measure the wrong thing
                }));
        // the snapshot path's own warm-up: load, fetch after, save
        RawJdbc.seed(dataSource, "snapwarm-", 1, 2 * EVERY);
        for (int i = 0; i < sizes.warmup(); i++) {
            with.handle(new Deposit("snapwarm-0", 1));
            without.handle(new Deposit("snapwarm-0", 1));
        }
        int n = sizes.longStreamCommands();
        for (int length : CommandBenchmarks.LENGTHS) {
            int streams = Math.max(1, Math.min(n, 2_000 / length));
            String prefix = "snap" + length + "-";
            RawJdbc.seed(dataSource, prefix, streams, length);
            for (int s = 0; s < streams; s++) {
                // untimed: the first command folds the seeded history and saves the first snapshot (if due)
                with.handle(new Deposit(prefix + s, 1));
            }
            List<Double> withSnapshots = new ArrayList<>();
            List<Double> withoutSnapshots = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Deposit command = new Deposit(prefix + (i % streams), 1);
                for (int k = 0; k < 2; k++) {
                    boolean snapshotting = (i + k) % 2 == 0;
                    long t0 = System.nanoTime();
                    (snapshotting ? with : without).handle(command);
                    double millis = (System.nanoTime() - t0) / 1e6;
                    (snapshotting ? withSnapshots : withoutSnapshots).add(millis);
                }
            }
            double[] w = Measure.toArray(withSnapshots);
            double[] wo = Measure.toArray(withoutSnapshots);
            report.row(
                    "3s/" + length,
                    "Command latency with snapshots (every " + EVERY + " events), stream of "
                            + String.format("%,d", length) + " events, 1 thread",
                    "p50 " + Report.ms(Measure.percentile(w, 50)) + ", p99 " + Report.ms(Measure.percentile(w, 99)),
                    "no snapshots p50 " + Report.ms(Measure.percentile(wo, 50)) + ", p99 "
                            + Report.ms(Measure.percentile(wo, 99)),
                    Measure.percentile(wo, 50) / Measure.percentile(w, 50),
                    n + " commands each over " + streams + " stream" + (streams > 1 ? "s" : "")
                            + ", alternating with the same aggregate without snapshots on the same streams;"
                            + " ratio = without p50 / with p50"
                            + (length < EVERY
                                    ? "; shorter than " + EVERY + ": no snapshot is due, cost of the load"
                                    : ""));
        }
    }
}
