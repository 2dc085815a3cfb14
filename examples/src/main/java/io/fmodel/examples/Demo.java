package io.fmodel.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.examples.training.AvailableTrainings;
import io.fmodel.examples.training.SchoolEvent;
import io.fmodel.examples.training.TrainingCommand;
import io.fmodel.examples.training.TrainingCommand.CancelRegistration;
import io.fmodel.examples.training.TrainingCommand.CompleteTraining;
import io.fmodel.examples.training.TrainingCommand.FinishVideo;
import io.fmodel.examples.training.TrainingCommand.RegisterTrainee;
import io.fmodel.examples.training.TrainingCommand.StartVideo;
import io.fmodel.examples.training.TrainingHistory;
import io.fmodel.postgres.EmbeddedStore;
import io.fmodel.postgres.SchemaInstaller;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The runnable demo: the training domain of seed 004 on PostgreSQL, end to end.
 *
 * <p>Starts an embedded PostgreSQL (or uses the server given by {@code --jdbc-url} or {@code FMODEL_JDBC_URL}),
 * installs the schema, runs the {@link Scenario} (courses, concurrent registrations, the seed's race between an admin
 * and a trainee, learning, certificates, views catching up) and prints a report. Everything it starts is closed
 * before it returns: processors, connection pool, embedded database.
 *
 * {@snippet lang = "shell" :
 * ./mvnw -q -pl examples -am -DskipTests package -Ddemo                                # embedded PostgreSQL
 * ./mvnw -q -pl examples -am -DskipTests package -Ddemo -Ddemo.args="--scale 1000"    # 1000 trainees
 * ./mvnw -q -pl examples -am -DskipTests package -Ddemo \
 *     -Ddemo.args="--jdbc-url jdbc:postgresql://localhost/demo --user me --password secret"
 * }
 */
public final class Demo {

    static final String USAGE = """
            usage: Demo [--scale N] [--threads T] [--jdbc-url URL [--user U] [--password P]]
              --scale N      N trainees (default 12); 1000 sends about 10,000 commands
              --threads T    threads sending commands at once (default 4, or 8 with --scale)
              --jdbc-url URL an existing PostgreSQL 14+ instead of the embedded one (or FMODEL_JDBC_URL);
                             --user / --password or FMODEL_JDBC_USER / FMODEL_JDBC_PASSWORD""";

    private Demo() {}

    /**
     * The parsed command line.
     *
     * @param trainees how many trainees
     * @param threads how many command threads
     * @param jdbcUrl an existing server, or null for the embedded one
     * @param user its user, or null
     * @param password its password, or null
     */
    record Arguments(
            int trainees,
            int threads,
            @Nullable String jdbcUrl,
            @Nullable String user,
            @Nullable String password) {

        static Arguments parse(String[] args, Map<String, String> env) {
            int trainees = 12;
            int threads = 0;
            String url = env.get("FMODEL_JDBC_URL");
            String user = env.get("FMODEL_JDBC_USER");
            String password = env.get("FMODEL_JDBC_PASSWORD");
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--scale" -> trainees = number(args[i], value);
                    case "--threads" -> threads = number(args[i], value);
                    case "--jdbc-url" -> url = required(args[i], value);
                    case "--user" -> user = required(args[i], value);
                    case "--password" -> password = required(args[i], value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
                }
                i++;
            }
            if (threads == 0) {
                threads = trainees > 100 ? 8 : 4;
            }
            return new Arguments(trainees, threads, url, user, password);
        }

        private static String required(String option, @Nullable String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            }
            return value;
        }

        private static int number(String option, @Nullable String value) {
            try {
                int n = Integer.parseInt(required(option, value));
                if (n < 2) {
                    throw new IllegalArgumentException(option + " must be at least 2, was " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number, got " + value + "\n" + USAGE, e);
            }
        }
    }

    /** Runs the demo; see the class comment for the options ({@code --help} prints them). */
    public static void main(String[] args) throws Exception {
        // Before any logger exists: the store, the pool and the processors log to SLF4J; keep the report readable.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.jooq", "error");
        if (List.of(args).contains("--help")) {
            System.out.println(USAGE);
            return;
        }
        // Maven passes an empty -Ddemo.args as one empty argument.
        String[] given = Arrays.stream(args).filter(arg -> !arg.isBlank()).toArray(String[]::new);
        run(Arguments.parse(given, System.getenv()), System.out);
    }

    /** Runs the demo with {@code arguments}, printing to {@code out}; {@return what happened} */
    static Scenario.Result run(Arguments arguments, PrintStream out) throws Exception {
        long started = System.nanoTime();
        String url = arguments.jdbcUrl();
        if (url == null) {
            out.println("fmodel demo: starting an embedded PostgreSQL ...");
            try (EmbeddedStore store = EmbeddedStore.start()) {
                out.printf("  embedded PostgreSQL ready in %d ms (%s)%n", millis(started), store.jdbcUrl());
                return runOn(store.jdbcUrl(), null, null, "", arguments, out);
            }
        }
        out.printf("fmodel demo: PostgreSQL at %s%n", url);
        // A shared database may hold earlier runs: tag this run's ids so that it meets none of them.
        String tag = "-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        return runOn(url, arguments.user(), arguments.password(), tag, arguments, out);
    }

    private static Scenario.Result runOn(
            String url,
            @Nullable String user,
            @Nullable String password,
            String runTag,
            Arguments arguments,
            PrintStream out)
            throws Exception {
        HikariConfig config = new HikariConfig();
        // by class name: under exec:java, DriverManager does not see the driver unless something loaded it first
        config.setDriverClassName("org.postgresql.Driver");
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName("fmodel-demo");
        // command threads + 4 processors x (2 workers + a listener) + the story's two threads, with some room
        config.setMaximumPoolSize(arguments.threads() + 16);
        try (HikariDataSource dataSource = new HikariDataSource(config)) {
            List<String> applied = SchemaInstaller.install(dataSource);
            out.printf(
                    "  schema: %s%n",
                    applied.isEmpty()
                            ? "already installed (sql/001, sql/002)"
                            : "installed " + String.join(", ", applied));
            out.printf(
                    "running the scenario: %d trainees, %d command threads%n",
                    arguments.trainees(), arguments.threads());
            Scenario.Result result = new Scenario(
                            dataSource, new Scenario.Options(arguments.trainees(), arguments.threads(), runTag), out)
                    .run();
            report(result, dataSource, out);
            return result;
        }
    }

    static void report(Scenario.Result result, HikariDataSource dataSource, PrintStream out) throws Exception {
        out.println();
        out.println("Report");
        out.printf(
                "  commands          %,d sent by trainees and admins, %,d by the sagas%n",
                result.commands(), result.sagaCommands());
        List<String> events = new ArrayList<>();
        result.eventsByDecider().forEach((decider, count) -> events.add(String.format("%,d %s", count, decider)));
        out.printf(
                "  events in store   %,d (%s)%n",
                result.eventsByDecider().values().stream()
                        .mapToLong(Long::longValue)
                        .sum(),
                String.join(", ", events));
        out.printf(
                "  conflicts         %,d appends lost an optimistic-locking race; each was re-read, re-decided and"
                        + " appended%n",
                result.conflicts());
        out.println("  rejections        (decided and recorded as events, with the reason)");
        result.rejections().forEach((reason, count) -> out.printf("    %,6d x %s%n", count, reason));

        Scenario.Story story = result.story();
        out.println();
        out.printf(
                "The story (seed 004): admin %s cancels %s's %s registration while %s starts video \"%s\"%n",
                Scenario.ADMIN,
                Scenario.STORY_TRAINEE,
                Scenario.STORY_COURSE,
                Scenario.STORY_TRAINEE,
                Scenario.STORY_VIDEO);
        out.println("  both commands read the registration at the same version (held at a barrier), then both append");
        out.printf("  1. %-34s -> %s   committed first%n", describe(story.winner()), names(story.winnerEvents()));
        out.printf("  2. %-34s", describe(story.loser()));
        if (story.conflicts().isEmpty()) {
            out.printf(" -> no conflict: the race was not close, it read the first event%n%40s", "");
        } else {
            for (ObservedRepository.Conflict conflict : story.conflicts()) {
                out.printf(
                        " -> conflict detected: %s is past version %s%n%40s",
                        conflict.stream(), conflict.expectedVersion(), "");
            }
        }
        out.printf(" -> re-read, decided again: %s%n", names(story.loserEvents()));
        out.printf("     rejected with the reason: \"%s\"%n", story.loserReason());

        out.println();
        out.println("Views (kept by ViewProcessors, exactly once, in tables available_trainings and training_history)");
        try (Connection connection = dataSource.getConnection()) {
            for (String trainee : samples(connection, result.trainees())) {
                List<AvailableTrainings.Row> available = AvailableTrainingsTable.rowsOf(connection, trainee);
                List<TrainingHistory.Row> history = TrainingHistoryTable.rowsOf(connection, trainee);
                out.printf("  %s can take:%n", trainee);
                if (available.isEmpty()) {
                    out.println("      (nothing)");
                }
                available.forEach(row -> out.printf("      %s  due %s%n", row.courseId(), row.dueDate()));
                out.printf("  %s has completed:%n", trainee);
                if (history.isEmpty()) {
                    out.println("      (nothing)");
                }
                history.forEach(row -> out.printf("      %s%n", row.courseId()));
            }
        }
        out.printf(
                "  certificates issued by the certification SagaProcessor: %,d (one per completed training)%n",
                result.certificates());

        out.println();
        out.println("Timings");
        Duration commandTime = Duration.ZERO;
        for (Map.Entry<String, Duration> step : result.timings().entrySet()) {
            out.printf("  %-56s %,8d ms%n", step.getKey(), step.getValue().toMillis());
            if (step.getKey().startsWith("register") || step.getKey().startsWith("watch")) {
                commandTime = commandTime.plus(step.getValue());
            }
        }
        double seconds = Math.max(commandTime.toNanos(), 1) / 1e9;
        out.printf(
                "  throughput: %,.0f commands/s while registering and learning (each: read the stream, decide,"
                        + " append)%n",
                result.commands() / seconds);
    }

    // alice (the story), then the first trainee who still has a training to take, if that is someone else
    private static List<String> samples(Connection connection, List<String> trainees) throws SQLException {
        List<String> samples = new ArrayList<>(List.of(trainees.getFirst()));
        for (String trainee : trainees) {
            if (!AvailableTrainingsTable.rowsOf(connection, trainee).isEmpty()) {
                if (!samples.contains(trainee)) {
                    samples.add(trainee);
                }
                break;
            }
        }
        return samples;
    }

    private static String describe(TrainingCommand command) {
        return switch (command) {
            case CancelRegistration c -> "admin " + c.adminId() + ": CancelRegistration";
            case StartVideo c -> Scenario.STORY_TRAINEE + ": StartVideo " + c.videoId();
            case RegisterTrainee c -> c.traineeId() + ": RegisterTrainee";
            case FinishVideo c -> "FinishVideo " + c.videoId();
            case CompleteTraining c -> "CompleteTraining";
        };
    }

    private static String names(List<SchoolEvent> events) {
        return String.join(
                ", ", events.stream().map(e -> e.getClass().getSimpleName()).toList());
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
