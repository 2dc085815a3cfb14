package io.fmodel.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Runs every benchmark and prints one table: each figure of the framework beside its baseline, measured in the same
 * run on the same database, with their ratio, and the machine it ran on.
 *
 * <pre>
 * ./mvnw -q -pl benchmarks -am -DskipTests package exec:java -Dexec.args="[--smoke|--full] [--rounds N]
 *     [--only 1,2,3,4,5,6] [--jdbc-url URL --user U --password P]"
 * </pre>
 *
 * Without {@code --jdbc-url} (or {@code FMODEL_JDBC_URL}, {@code FMODEL_JDBC_USER}, {@code FMODEL_JDBC_PASSWORD}) it
 * starts an embedded PostgreSQL. Each part runs in a fresh schema, dropped at the end.
 */
public final class Benchmarks {

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.out.println(run(args));
    }

    /** {@return the table of a run with {@code args} (the command-line arguments)} */
    public static String run(String... args) throws Exception {
        Sizes sizes = Sizes.standard();
        @Nullable String url = System.getenv("FMODEL_JDBC_URL");
        String user = env("FMODEL_JDBC_USER", "postgres");
        String password = env("FMODEL_JDBC_PASSWORD", "postgres");
        @Nullable Integer rounds = null;
        Set<Integer> only = new TreeSet<>(List.of(1, 2, 3, 4, 5, 6, 7));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> sizes = Sizes.smoke();
                case "--full" -> sizes = Sizes.full();
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--jdbc-url" -> url = args[++i];
                case "--user" -> user = args[++i];
                case "--password" -> password = args[++i];
                case "--only" -> {
                    only = new TreeSet<>();
                    for (String part : args[++i].split(",")) {
                        only.add(Integer.parseInt(part.trim()));
                    }
                }
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument " + args[i]
                                    + "; use [--smoke|--full] [--rounds N] [--only 1,2,...,7] [--jdbc-url URL --user U --password P]");
            }
        }
        if (rounds != null) {
            sizes = new Sizes(
                    sizes.name(),
                    rounds,
                    sizes.warmup(),
                    sizes.independentCommands(),
                    sizes.independentStreams(),
                    sizes.hotCommands(),
                    sizes.hotStreams(),
                    sizes.appends(),
                    sizes.longStreamCommands(),
                    sizes.coldStreams(),
                    sizes.coldEvents(),
                    sizes.hotProjectionStreams(),
                    sizes.hotProjectionEvents(),
                    sizes.latencySamples(),
                    sizes.memoryStreams(),
                    sizes.memoryEvents());
        }
        Report report = new Report();
        Instant start = Instant.now();
        try (Database database = Database.open(url, user, password)) {
            describe(report, database, sizes);
            if (only.contains(1) || only.contains(2) || only.contains(3) || only.contains(7)) {
                DataSource commandsSchema = database.schema("commands", 16);
                CommandBenchmarks commands = new CommandBenchmarks(commandsSchema, sizes, report);
                progress("warm-up");
                commands.warmUp();
                if (only.contains(1)) {
                    progress("1. command handling");
                    commands.commandHandling();
                }
                if (only.contains(2)) {
                    progress("2. appends against the physical limit");
                    commands.appendsAgainstPhysicalLimit();
                    commands.serverTimePerAppend();
                }
                if (only.contains(7)) {
                    progress("7. scaling with writers");
                    commands.scaling();
                }
                if (only.contains(3)) {
                    progress("3. long streams");
                    commands.longStreams();
                    progress("3s. long streams with snapshots");
                    new SnapshotBenchmarks(commandsSchema, sizes, report).longStreams();
                }
            }
            ProjectionBenchmarks projections = new ProjectionBenchmarks(database, sizes, report);
            if (only.contains(4)) {
                progress("4. projection");
                attempt(report, "4", () -> projections.projection());
            }
            if (only.contains(5)) {
                progress("5. end-to-end latency");
                attempt(report, "5", () -> projections.endToEnd());
            }
            if (only.contains(6)) {
                progress("6. memory");
                attempt(report, "6", () -> projections.memory());
            }
        }
        report.header("Run: " + sizes.name() + " sizes, " + sizes.rounds() + " interleaved rounds (medians), took "
                + Duration.between(start, Instant.now()).toSeconds() + " s");
        return report.table();
    }

    private static void describe(Report report, Database database, Sizes sizes) throws Exception {
        Runtime runtime = Runtime.getRuntime();
        long memory = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getTotalMemorySize()
                : -1;
        Map<String, String> settings = database.settings();
        List<String> pg = new ArrayList<>();
        settings.forEach((k, v) -> pg.add(k + "=" + v));
        report.header("fmodel benchmarks, " + Instant.now());
        report.header(String.format(
                "Machine: %d cores, %.1f GB memory, %s %s (%s), max heap %.1f GB, %s %s",
                runtime.availableProcessors(),
                memory / 1e9,
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                System.getProperty("java.vendor"),
                runtime.maxMemory() / 1e9,
                System.getProperty("os.name"),
                System.getProperty("os.arch")));
        report.header("PostgreSQL: " + (database.embedded() ? "embedded (zonky), same machine" : "external") + "; "
                + String.join(", ", pg));
        report.header("Ratios: framework / baseline for throughput; baseline / framework for latency (so 1.00 is"
                + " parity and below 1 means the framework is slower); for memory, end / first sample.");
    }

    @FunctionalInterface
    private interface Part {
        void run() throws Exception;
    }

    /** A part that fails leaves a MISSING row, not an empty table: the other parts' figures still count. */
    private static void attempt(Report report, String id, Part part) {
        try {
            part.run();
        } catch (Exception e) {
            e.printStackTrace();
            report.missing(id, "part " + id, String.valueOf(e));
        }
    }

    private static void progress(String part) {
        System.err.println("fmodel benchmarks: " + part);
    }

    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null ? otherwise : value;
    }
}
