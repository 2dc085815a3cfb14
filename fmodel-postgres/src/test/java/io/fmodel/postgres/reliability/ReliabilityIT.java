package io.fmodel.postgres.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.core.application.CommandOutcomeUnknownException;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetriesExhaustedException;
import io.fmodel.core.application.RetryPolicy;
import io.fmodel.core.application.StoreUnavailableException;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.SchemaInstaller;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.TransactionalViewStore;
import io.fmodel.postgres.ViewProcessor;
import io.fmodel.postgres.reliability.Tally.Add;
import io.fmodel.postgres.reliability.Tally.TallyCommand;
import io.fmodel.postgres.reliability.Tally.TallyEvent;
import io.fmodel.postgres.reliability.Tally.Total;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault and load suite (docs/reliability.md): writers and consumers under load while connections are killed,
 * PostgreSQL is restarted and consumers crash between processing and acknowledging; then bad inputs. Nothing may be
 * lost or applied twice.
 *
 * <p>Runs on a PostgreSQL of its own, on a fixed port and data directory, so that it can be stopped and started
 * again under its clients. Short by default (a CI run); {@code -Dreliability.seconds=120} makes the load phase last
 * two minutes. The summary goes to stdout (the failsafe output file) and to {@code target/reliability-summary.txt}.
 */
@Tag("reliability")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityIT {

    private static final int SECONDS = Integer.getInteger("reliability.seconds", 12);
    private static final int WRITERS = Integer.getInteger("reliability.writers", 16);
    private static final int HOT_STREAMS = 4;
    private static final int COLD_STREAMS = 500;
    private static final int HOT_PERCENT = 40;
    private static final String VIEW = "tally_totals";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Server server;
    private static final Summary summary = new Summary();

    @BeforeAll
    static void startServer() throws Exception {
        server = Server.start();
        try (HikariDataSource installer = pool("reliability-installer", 1)) {
            SchemaInstaller.install(installer);
        }
    }

    @AfterAll
    static void printSummaryAndStop() throws IOException {
        String text = summary.render();
        System.out.println(text);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "reliability-summary.txt"), text);
        if (server != null) {
            server.stopAndDelete();
        }
    }

    // ------------------------------------------------------------------------------------------------ load + faults

    @Test
    @Order(1)
    void under_load_and_faults_no_acknowledged_append_is_lost_and_no_event_is_applied_twice() throws Exception {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            if (!(failure instanceof ConsumerCrash)) {
                System.err.println("uncaught in " + thread.getName() + ": " + failure);
            }
        });
        try {
            runLoadAndFaults();
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    private static void runLoadAndFaults() throws Exception {
        try (HikariDataSource writerPool = pool("reliability-writer", WRITERS);
                HikariDataSource consumerPool = pool("reliability-consumer", 16)) {
            PostgresEventRepository<TallyCommand, TallyEvent> repository =
                    PostgresEventStore.of(writerPool).repository(Tally.types(), Tally::streamOf);
            EventSourcingAggregate<TallyCommand, Long, TallyEvent> aggregate = EventSourcingAggregate.of(
                            Tally.TALLY, repository)
                    .withRetry(RetryPolicy.of(10, Duration.ofMillis(1), Duration.ofMillis(50)));
            Load load = new Load(aggregate);

            StreamingOptions options = StreamingOptions.defaults()
                    .withWorkers(2)
                    .withBatches(8, 50)
                    .withLeaseTimeout(Duration.ofSeconds(2))
                    .withPollInterval(Duration.ofMillis(250))
                    .withRetries(RetryPolicy.of(1_000, Duration.ofMillis(20), Duration.ofMillis(500)))
                    .withStartAt(StreamingOptions.FROM_THE_BEGINNING);
            TransactionalViewStore<Total, TallyEvent> totals = PostgresEventStore.of(writerPool)
                    .withObjectMapper(JSON)
                    .jsonbViewStore(VIEW, Tally::streamOf, Total.class);
            List<ViewProcessor> stable = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                stable.add(PostgresEventStore.of(consumerPool)
                        .startView(VIEW, Tally.types(), Tally.TOTALS, totals, options));
            }
            CrashingConsumers crashing = new CrashingConsumers(consumerPool, totals, options.withWorkers(1));

            long started = System.nanoTime();
            long deadline = started + Duration.ofSeconds(SECONDS).toNanos();
            List<Thread> writers = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                writers.add(Thread.ofPlatform().name("writer-" + i).start(() -> load.write(deadline)));
            }
            Chaos chaos = new Chaos(started, deadline, Math.max(1, SECONDS / 30), stable);
            Thread chaosThread = Thread.ofPlatform().name("chaos").start(chaos::run);
            Thread crasherThread = Thread.ofPlatform().name("crasher").start(() -> crashing.run(deadline));
            for (Thread writer : writers) {
                writer.join();
            }
            long loadNanos = System.nanoTime() - started;
            chaosThread.join();
            crasherThread.join();
            crashing.close();

            long catchUpStarted = System.nanoTime();
            boolean caughtUp = await(Duration.ofSeconds(120), () -> lag() == 0);
            long catchUpMillis =
                    Duration.ofNanos(System.nanoTime() - catchUpStarted).toMillis();
            long resumedAfterRestart = 0;
            for (ViewProcessor processor : stable) {
                resumedAfterRestart += processor.processedCount() - chaos.processedAtLastRestart(processor);
                processor.close();
            }

            StoreAudit.Verification verification = verify(load.acknowledged);
            summary.load(
                    WRITERS,
                    loadNanos,
                    load.acknowledged.size(),
                    load.conflicts.get(),
                    load.connectionErrors.get(),
                    load.inDoubtResolved.get());
            summary.faults(
                    chaos.writerKills.get(),
                    chaos.consumerKills.get(),
                    chaos.restarts.get(),
                    crashing.crashes.get(),
                    caughtUp,
                    catchUpMillis,
                    resumedAfterRestart);
            summary.verification(verification);

            assertThat(load.unexpected).as("unexpected errors of writers").isEmpty();
            assertThat(load.unresolved)
                    .as("commands whose outcome stayed unknown")
                    .isEmpty();
            assertThat(load.acknowledged).as("accepted commands").isNotEmpty();
            assertThat(chaos.restarts.get()).as("PostgreSQL restarts").isPositive();
            assertThat(chaos.failures).as("chaos failures").isEmpty();
            assertThat(caughtUp)
                    .as("the view caught up by itself after the faults")
                    .isTrue();
            assertThat(resumedAfterRestart)
                    .as("events the long-running processors applied after the last restart")
                    .isPositive();
            assertThat(verification.brokenChains())
                    .as("streams whose previous_id chain is broken")
                    .isEmpty();
            assertThat(verification.lost()).as("acknowledged appends missing").isZero();
            assertThat(verification.duplicates()).as("duplicates").isZero();
            assertThat(verification.events()).as("events == accepted decisions").isEqualTo(load.acknowledged.size());
            assertThat(verification.viewMismatches())
                    .as("views that differ from a replay")
                    .isEmpty();
        }
    }

    /** The writers: commands on hot and cold streams, retried with the same command id until acknowledged. */
    private static final class Load {

        final EventSourcingAggregate<TallyCommand, Long, TallyEvent> aggregate;
        final Map<UUID, String> acknowledged = new ConcurrentHashMap<>();
        final AtomicLong conflicts = new AtomicLong();
        final AtomicLong connectionErrors = new AtomicLong();
        final AtomicLong inDoubtResolved = new AtomicLong();
        final ConcurrentLinkedQueue<UUID> unresolved = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

        Load(EventSourcingAggregate<TallyCommand, Long, TallyEvent> aggregate) {
            this.aggregate = aggregate;
        }

        void write(long deadline) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (System.nanoTime() < deadline) {
                String stream = random.nextInt(100) < HOT_PERCENT
                        ? "hot-" + random.nextInt(HOT_STREAMS)
                        : "cold-" + random.nextInt(COLD_STREAMS);
                handleUntilAcknowledged(new Add(stream, random.nextLong()), UUID.randomUUID(), deadline);
            }
        }

        /** Same command id on every retry: an append that committed but whose answer was lost is not repeated. */
        private void handleUntilAcknowledged(Add command, UUID commandId, long deadline) {
            long giveUp = deadline + Duration.ofSeconds(90).toNanos();
            boolean inDoubt = false;
            for (int failures = 1; ; failures++) {
                try {
                    List<TallyEvent> events = aggregate.handle(command, commandId);
                    if (events.size() != 1) {
                        unexpected.add(command + " produced " + events);
                    }
                    acknowledged.put(commandId, command.stream());
                    if (inDoubt) {
                        inDoubtResolved.incrementAndGet();
                    }
                    return;
                } catch (RetriesExhaustedException e) {
                    conflicts.incrementAndGet();
                } catch (CommandOutcomeUnknownException e) {
                    // the aggregate's own recovery ran out while the server restarted: this loop is the caller's
                    connectionErrors.incrementAndGet();
                    inDoubt = true;
                } catch (StoreUnavailableException e) {
                    connectionErrors.incrementAndGet();
                } catch (RuntimeException e) {
                    unexpected.add(command + ": " + e);
                    return;
                }
                if (System.nanoTime() > giveUp) {
                    unresolved.add(commandId);
                    return;
                }
                sleep(ThreadLocalRandom.current().nextLong(1, Math.min(1_000, 5L << Math.min(failures, 8))));
            }
        }
    }

    /** Kills connections at random moments and restarts PostgreSQL during the run. */
    private static final class Chaos {

        final long started;
        final long deadline;
        final int plannedRestarts;
        final List<ViewProcessor> watched;
        final Map<ViewProcessor, Long> processedAtLastRestart = new ConcurrentHashMap<>();
        final AtomicInteger writerKills = new AtomicInteger();
        final AtomicInteger consumerKills = new AtomicInteger();
        final AtomicInteger restarts = new AtomicInteger();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        Chaos(long started, long deadline, int plannedRestarts, List<ViewProcessor> watched) {
            this.started = started;
            this.deadline = deadline;
            this.plannedRestarts = plannedRestarts;
            this.watched = watched;
        }

        long processedAtLastRestart(ViewProcessor processor) {
            return processedAtLastRestart.getOrDefault(processor, 0L);
        }

        void run() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long span = (deadline - started) / (plannedRestarts + 1);
            long nextRestart = started + span;
            @Nullable Connection connection = null;
            while (System.nanoTime() < deadline) {
                if (restarts.get() < plannedRestarts && System.nanoTime() >= nextRestart) {
                    closeQuietly(connection);
                    connection = null;
                    try {
                        server.restart();
                        restarts.incrementAndGet();
                        watched.forEach(p -> processedAtLastRestart.put(p, p.processedCount()));
                    } catch (IOException | RuntimeException e) {
                        failures.add("restart: " + e);
                        return;
                    }
                    nextRestart += span;
                    continue;
                }
                sleep(random.nextLong(50, 400));
                try {
                    if (connection == null) {
                        connection = DriverManager.getConnection(server.url(), "postgres", "postgres");
                    }
                    kill(connection, random.nextBoolean());
                } catch (SQLException e) {
                    closeQuietly(connection); // the server is restarting, or this connection was killed too
                    connection = null;
                }
            }
            closeQuietly(connection);
        }

        /** Terminates one backend of a writer or a consumer (preferring consumers inside a transaction). */
        private void kill(Connection connection, boolean consumer) throws SQLException {
            String victims = consumer
                    ? "(application_name LIKE 'fmodel:%' OR application_name = 'reliability-consumer')"
                    : "application_name = 'reliability-writer'";
            try (Statement statement = connection.createStatement();
                    ResultSet killed = statement.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            + " WHERE pid <> pg_backend_pid() AND " + victims
                            + " ORDER BY state = 'idle in transaction' DESC, random() LIMIT 1")) {
                if (killed.next() && killed.getBoolean(1)) {
                    (consumer ? consumerKills : writerKills).incrementAndGet();
                }
            }
        }
    }

    /** A consumer process that dies between processing and acknowledging, replaced by a new one each time. */
    private static final class CrashingConsumers {

        final HikariDataSource dataSource;
        final TransactionalViewStore<Total, TallyEvent> store;
        final StreamingOptions options;
        final AtomicInteger crashes = new AtomicInteger();
        final AtomicReference<@Nullable ViewProcessor> current = new AtomicReference<>();

        CrashingConsumers(
                HikariDataSource dataSource,
                TransactionalViewStore<Total, TallyEvent> store,
                StreamingOptions options) {
            this.dataSource = dataSource;
            this.store = store;
            this.options = options;
        }

        void run(long deadline) {
            while (System.nanoTime() < deadline) {
                int seen = crashes.get();
                try {
                    current.set(PostgresEventStore.of(dataSource)
                            .startView(VIEW, Tally.types(), Tally.TOTALS, new CrashingStore(store, crashes), options));
                } catch (RuntimeException e) {
                    sleep(200); // the server is restarting: a supervisor would try again
                    continue;
                }
                while (crashes.get() == seen && System.nanoTime() < deadline) {
                    sleep(50);
                }
                close();
            }
        }

        void close() {
            ViewProcessor processor = current.getAndSet(null);
            if (processor != null) {
                processor.close();
            }
        }
    }

    /** Saves the state, then (now and then) dies before the runner acknowledges: as if the process were killed. */
    private record CrashingStore(TransactionalViewStore<Total, TallyEvent> delegate, AtomicInteger crashes)
            implements TransactionalViewStore<Total, TallyEvent> {

        @Override
        public void install(Connection connection) throws SQLException {
            delegate.install(connection);
        }

        @Override
        public Optional<Total> fetch(Connection transaction, TallyEvent event) throws SQLException {
            return delegate.fetch(transaction, event);
        }

        @Override
        public void save(Connection transaction, TallyEvent event, Total state) throws SQLException {
            delegate.save(transaction, event, state);
            if (ThreadLocalRandom.current().nextInt(5) == 0) {
                crashes.incrementAndGet();
                throw new ConsumerCrash();
            }
        }

        @Override
        public void clear(Connection transaction) throws SQLException {
            delegate.clear(transaction);
        }
    }

    /** Thrown through the runner like a kill: not an exception the runner handles, so its worker thread dies. */
    private static final class ConsumerCrash extends Error {
        private static final long serialVersionUID = 1L;

        ConsumerCrash() {
            super("consumer killed between processing and ack", null, false, false);
        }
    }

    // ------------------------------------------------------------------------------------------------- verification

    private static StoreAudit.Verification verify(Map<UUID, String> acknowledged) throws SQLException, IOException {
        try (Connection connection = DriverManager.getConnection(server.url(), "postgres", "postgres")) {
            return StoreAudit.verify(connection, acknowledged, VIEW);
        }
    }

    private static long lag() {
        try (Connection connection = DriverManager.getConnection(server.url(), "postgres", "postgres")) {
            return StoreAudit.lag(connection, VIEW);
        } catch (SQLException e) {
            return -1;
        }
    }

    // -------------------------------------------------------------------------------------------------- bad inputs

    @Test
    @Order(2)
    void bad_inputs_fail_with_typed_errors_and_write_nothing() throws Exception {
        try (HikariDataSource pool = pool("reliability-bad-input", 4)) {
            BadInputs bad = new BadInputs(pool);
            bad.tryAll();
            summary.badInputs(bad.tried(), bad.largePayloadBytes());
            assertThat(bad.failures()).as("bad inputs not rejected as expected").isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------------------ server

    /** An embedded PostgreSQL on a fixed port and data directory: stopped and started again under its clients. */
    private static final class Server {

        private final int port;
        private final Path directory;
        private EmbeddedPostgres postgres;

        private Server(int port, Path directory, EmbeddedPostgres postgres) {
            this.port = port;
            this.directory = directory;
            this.postgres = postgres;
        }

        static Server start() throws IOException {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path directory = Files.createTempDirectory("fmodel-reliability-pg");
            return new Server(port, directory, postgres(port, directory));
        }

        private static EmbeddedPostgres postgres(int port, Path directory) throws IOException {
            return EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200")
                    .start();
        }

        String url() {
            return "jdbc:postgresql://localhost:" + port + "/postgres";
        }

        synchronized void restart() throws IOException {
            postgres.close();
            sleep(ThreadLocalRandom.current().nextLong(300, 1_500));
            postgres = postgres(port, directory);
        }

        synchronized void stopAndDelete() throws IOException {
            postgres.close();
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> {
                    try {
                        Files.delete(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    static HikariDataSource pool(String name, int size) {
        return SmallApp.pool(server.url(), "postgres", name, size, new Properties());
    }

    static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleep(100);
        }
        return condition.getAsBoolean();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(@Nullable Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already gone
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------- summary

    /** The figures of the run, rendered as the block docs/reliability.md quotes. */
    private static final class Summary {
        private final List<String> lines = new ArrayList<>();

        synchronized void load(
                int writers, long nanos, long accepted, long conflicts, long connectionErrors, long inDoubt) {
            double seconds = nanos / 1e9;
            lines.add(String.format(
                    Locale.ROOT,
                    "load held: %d writer threads over %d hot + %d cold streams for %.1f s: %d commands accepted"
                            + " (%.0f commands/s); %d conflict retries exhausted and retried; %d connection errors"
                            + " retried, %d in-doubt commands settled by an idempotent retry",
                    writers,
                    HOT_STREAMS,
                    COLD_STREAMS,
                    seconds,
                    accepted,
                    accepted / seconds,
                    conflicts,
                    connectionErrors,
                    inDoubt));
        }

        synchronized void faults(
                int writerKills,
                int consumerKills,
                int restarts,
                int crashes,
                boolean caughtUp,
                long catchUpMillis,
                long resumed) {
            lines.add(String.format(
                    Locale.ROOT,
                    "faults injected and survived: %d writer and %d consumer connections terminated, %d PostgreSQL"
                            + " restarts, %d consumers killed between processing and ack",
                    writerKills,
                    consumerKills,
                    restarts,
                    crashes));
            lines.add(String.format(
                    Locale.ROOT,
                    "recovery: view %s %s %d ms after the load; the long-running processors applied %d events after"
                            + " the last restart, with no manual step",
                    VIEW,
                    caughtUp ? "caught up (lag 0)" : "DID NOT catch up",
                    catchUpMillis,
                    resumed));
        }

        synchronized void verification(StoreAudit.Verification v) {
            lines.add(String.format(
                    Locale.ROOT,
                    "checked: %d events in %d streams, %d broken previous_id chains, %d views differing from a"
                            + " replay",
                    v.events(),
                    v.streams(),
                    v.brokenChains().size(),
                    v.viewMismatches().size()));
            lines.add("events lost: " + v.lost());
            lines.add("duplicates: " + v.duplicates());
        }

        synchronized void badInputs(List<String> tried, long largePayloadBytes) {
            lines.add(String.format(
                    Locale.ROOT,
                    "bad inputs tried: %d, each a typed error with nothing written; a %d-byte payload round-tripped",
                    tried.size(),
                    largePayloadBytes));
            tried.forEach(t -> lines.add("  - " + t));
        }

        synchronized String render() {
            StringBuilder text = new StringBuilder();
            text.append("==== fmodel reliability summary (reliability.seconds=")
                    .append(SECONDS)
                    .append(") ====\n");
            lines.forEach(line -> text.append(line).append('\n'));
            text.append("====\n");
            return text.toString();
        }
    }
}
