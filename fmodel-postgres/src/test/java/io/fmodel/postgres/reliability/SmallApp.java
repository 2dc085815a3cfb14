package io.fmodel.postgres.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fmodel.core.application.CommandOutcomeUnknownException;
import io.fmodel.core.application.EventSourcingAggregate;
import io.fmodel.core.application.RetriesExhaustedException;
import io.fmodel.core.application.StoreUnavailableException;
import io.fmodel.postgres.Await;
import io.fmodel.postgres.EventStoreException;
import io.fmodel.postgres.PostgresEventRepository;
import io.fmodel.postgres.PostgresEventStore;
import io.fmodel.postgres.StreamingOptions;
import io.fmodel.postgres.ViewProcessor;
import io.fmodel.postgres.reliability.Tally.Add;
import io.fmodel.postgres.reliability.Tally.TallyCommand;
import io.fmodel.postgres.reliability.Tally.TallyEvent;
import io.fmodel.postgres.reliability.Tally.Total;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The application the topology suites run (issue 14): 4 command threads over 20 streams and an exactly-once view, with
 * the library's default options everywhere (aggregate retry and recovery, {@link StreamingOptions#defaults()}), so
 * that what the suites measure is what a user gets.
 *
 * <p>A command thread handles one command at a time and counts what reached it: acknowledged commands (the aggregate
 * returned their events), {@link CommandOutcomeUnknownException}s (kept, to settle them with the same id after the
 * load), {@link StoreUnavailableException}s with nothing written, other typed failures of the store
 * ({@link EventStoreException}), and anything else (unexpected). The times of the
 * acknowledgements let a suite say when commands flowed again after a fault.
 */
final class SmallApp implements AutoCloseable {

    static final String VIEW = "small_app_totals";
    static final int COMMAND_THREADS = 4;
    static final int STREAMS = 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<UUID, String> acknowledged = new ConcurrentHashMap<>();
    final Map<UUID, Add> outcomeUnknown = new ConcurrentHashMap<>();
    final AtomicLong unavailable = new AtomicLong();
    final AtomicLong conflictsExhausted = new AtomicLong();
    /** Typed failures of the store ({@link EventStoreException}), not retried. */
    final ConcurrentLinkedQueue<String> storeFailures = new ConcurrentLinkedQueue<>();

    final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    /** When each command was acknowledged ({@code System.nanoTime()}). */
    final Map<UUID, Long> acknowledgedAt = new ConcurrentHashMap<>();

    private final EventSourcingAggregate<TallyCommand, Long, TallyEvent> aggregate;
    private final ViewProcessor view;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param commands the data source of the command side
     * @param processors the data source of the view processor
     */
    SmallApp(DataSource commands, DataSource processors) {
        PostgresEventRepository<TallyCommand, TallyEvent> repository =
                PostgresEventStore.of(commands).repository(Tally.types(), Tally::streamOf);
        this.aggregate = EventSourcingAggregate.of(Tally.TALLY, repository);
        this.view = PostgresEventStore.of(processors)
                .startView(
                        VIEW,
                        Tally.types(),
                        Tally.TOTALS,
                        PostgresEventStore.of(commands)
                                .withObjectMapper(JSON)
                                .jsonbViewStore(VIEW, Tally::streamOf, Total.class),
                        StreamingOptions.defaults());
    }

    /** Starts the command threads; they run until {@link #stopCommands()}. */
    void startCommands() {
        running.set(true);
        for (int i = 0; i < COMMAND_THREADS; i++) {
            threads.add(Thread.ofPlatform().name("small-app-command-" + i).start(this::commands));
        }
    }

    /** Stops the command threads and waits for them. */
    void stopCommands() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        threads.clear();
    }

    private void commands() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get()) {
            Add command = new Add("s-" + random.nextInt(STREAMS), random.nextLong());
            UUID commandId = UUID.randomUUID();
            handle(command, commandId);
        }
    }

    /** Handles {@code command} once and files the outcome; {@return whether it was acknowledged} */
    boolean handle(Add command, UUID commandId) {
        try {
            List<TallyEvent> events = aggregate.handle(command, commandId);
            if (events.size() != 1) {
                unexpected.add(command + " produced " + events);
            }
            acknowledged.put(commandId, command.stream());
            outcomeUnknown.remove(commandId);
            acknowledgedAt.put(commandId, System.nanoTime());
            return true;
        } catch (CommandOutcomeUnknownException e) {
            outcomeUnknown.put(commandId, command);
        } catch (StoreUnavailableException e) {
            if (e.outcomeUnknown()) {
                unexpected.add(command + ": outcome unknown without the typed exception: " + e);
            }
            unavailable.incrementAndGet();
        } catch (RetriesExhaustedException e) {
            conflictsExhausted.incrementAndGet();
        } catch (EventStoreException e) {
            storeFailures.add(e.getClass().getSimpleName() + " " + e.sqlState() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            unexpected.add(command + ": " + e);
        }
        return false;
    }

    /**
     * Handles every command whose outcome stayed unknown again, with its id, until the store answers (the caller's
     * part of the contract of {@link CommandOutcomeUnknownException}): {@return how many there were}
     */
    int settleOutcomeUnknown() {
        List<Map.Entry<UUID, Add>> pending = List.copyOf(outcomeUnknown.entrySet());
        for (Map.Entry<UUID, Add> entry : pending) {
            for (int tries = 0; tries < 20 && !handle(entry.getValue(), entry.getKey()); tries++) {
                Await.sleep(500);
            }
        }
        return pending.size();
    }

    /** {@return nanoseconds from {@code since} to the first acknowledgement after it, or -1 when there was none} */
    long firstAcknowledgementAfter(long since) {
        return acknowledgedAt.values().stream()
                .filter(t -> t >= since)
                .mapToLong(t -> t - since)
                .min()
                .orElse(-1);
    }

    /** {@return how many events the view applied} */
    long viewProcessed() {
        return view.processedCount();
    }

    /**
     * Waits until the view has nothing left to process ({@code view_lag} 0), reading through {@code connections}:
     * {@return how long that took}
     *
     * @throws AssertionError when it has not within {@code limit}
     */
    Duration awaitViewCaughtUp(ConnectionSource connections, Duration limit) {
        long started = System.nanoTime();
        long deadline = started + limit.toNanos();
        @Nullable Exception last = null;
        long lag = -1;
        while (System.nanoTime() < deadline) {
            try (Connection connection = connections.get()) {
                lag = StoreAudit.lag(connection, VIEW);
                if (lag == 0) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
            } catch (SQLException e) {
                last = e;
            }
            Await.sleep(20);
        }
        throw new AssertionError("the view did not catch up within " + limit + " (lag " + lag + ", last error " + last
                + ", processed " + view.processedCount() + ")");
    }

    @Override
    public void close() throws InterruptedException {
        stopCommands();
        view.close();
    }

    /** A connection to audit through (a direct one, not the application's pools). */
    @FunctionalInterface
    interface ConnectionSource {
        Connection get() throws SQLException;
    }

    /**
     * {@return a pool the way the docs recommend it (docs/reliability.md): a short connection timeout, so that an
     * attempt against a server that is down fails in seconds and the aggregate's recovery can retry it}
     */
    static HikariDataSource pool(String jdbcUrl, String name, int size, Properties driver) {
        return pool(jdbcUrl, "", name, size, driver);
    }

    /** {@return the same as {@link #pool(String, String, int, Properties)}, as user postgres with {@code password}} */
    static HikariDataSource pool(String jdbcUrl, String password, String name, int size, Properties driver) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername("postgres");
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(2_000);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        config.setPoolName(name);
        config.addDataSourceProperty("ApplicationName", name);
        driver.forEach((key, value) -> config.addDataSourceProperty(key.toString(), value));
        return new HikariDataSource(config);
    }
}
