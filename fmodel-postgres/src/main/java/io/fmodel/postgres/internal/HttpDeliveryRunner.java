package io.fmodel.postgres.internal;

import io.fmodel.postgres.HttpDeliveryException;
import io.fmodel.postgres.HttpDeliveryOptions;
import io.fmodel.postgres.HttpDeliveryProcessor;
import io.fmodel.postgres.ParkedPartition;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.WebhookSignature;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link HttpDeliveryProcessor}: {@code concurrency} worker threads, each with its own connection,
 * lease one partition at a time with {@code stream_event_batches}, POST its events one after the other (no transaction
 * open meanwhile), then ack the answered prefix with the lease (autocommit: one transaction after the HTTP calls), and
 * schedule a retry or park on failure. One extra thread LISTENs for appends and wakes idle workers. Same SQL calls and
 * the same wake-up scheme as {@link StreamRunner}, which it leaves untouched (ADR 0040).
 */
public final class HttpDeliveryRunner implements HttpDeliveryProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(HttpDeliveryRunner.class);

    /** Response bodies are read up to this many bytes, for the error of a parked partition. */
    static final int MAX_ERROR_BODY = 2_000;

    private record Row(UUID eventId, long offset, String body) {}

    private record Batch(Partition partition, long lease, int attempt, List<Row> rows) {}

    /** What one POST came to. */
    private sealed interface Sent {
        record Answered() implements Sent {}

        record Failed(
                Exception failure,
                boolean retryable,
                @Nullable Duration retryAfter) implements Sent {}
    }

    private final DataSource dataSource;
    private final String view;
    private final URI endpoint;
    private final String secret;
    private final HttpDeliveryOptions options;
    private final ProcessorListener listener;
    private final HttpClient client;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final Object signal = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private long generation; // guarded by signal

    private HttpDeliveryRunner(
            DataSource dataSource,
            String view,
            URI endpoint,
            String secret,
            HttpDeliveryOptions options,
            ProcessorListener listener) {
        this.dataSource = dataSource;
        this.view = view;
        this.endpoint = endpoint;
        this.secret = secret;
        this.options = options;
        this.listener = listener;
        this.client = HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** {@return a runner that read the view's URL and started its threads} */
    public static HttpDeliveryRunner start(
            DataSource dataSource,
            String view,
            String secret,
            HttpDeliveryOptions options,
            ProcessorListener listener) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the secret of view " + view + " must not be empty");
        }
        URI endpoint = endpoint(dataSource, view);
        HttpDeliveryRunner runner = new HttpDeliveryRunner(dataSource, view, endpoint, secret, options, listener);
        runner.startThreads();
        return runner;
    }

    private static URI endpoint(DataSource dataSource, String view) {
        String url;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT edge_function_url FROM views WHERE view = ?")) {
            statement.setString(1, view);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("view " + view + " is not registered: register it with"
                            + " register_view(view, start_at, lock_timeout_s, pooling_delay_s, edge_function_url)");
                }
                url = rows.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the URL of view " + view + ": " + e.getMessage(), e);
        }
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("view " + view + " has no edge_function_url: register it with one");
        }
        try {
            URI uri = new URI(url);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalStateException("the edge_function_url of view " + view + " is not http(s): " + url);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the edge_function_url of view " + view + " is not a URI: " + url, e);
        }
    }

    private void startThreads() {
        threads.add(Thread.ofPlatform()
                .name("fmodel-push-" + view + "-listen")
                .daemon(true)
                .unstarted(this::listen));
        for (int i = 0; i < options.concurrency(); i++) {
            threads.add(Thread.ofPlatform()
                    .name("fmodel-push-" + view + "-" + i)
                    .daemon(true)
                    .unstarted(this::work));
        }
        threads.forEach(Thread::start);
        LOG.info("view {}: pushing to {} with {} workers", view, endpoint, options.concurrency());
    }

    // ----------------------------------------------------------------------------------------------------- workers

    private void work() {
        @Nullable Connection connection = null;
        while (!closed.get()) {
            long seen = generation();
            try {
                if (connection == null) {
                    connection = connect();
                }
                Optional<Batch> batch = fetch(connection);
                if (batch.isEmpty()) {
                    await(seen);
                    continue;
                }
                deliver(connection, batch.get());
            } catch (SQLException | RuntimeException e) {
                if (connection != null && isConnectionFailure(e)) {
                    LOG.warn("view {}: connection lost, reconnecting: {}", view, e.getMessage());
                    closeQuietly(connection);
                    connection = null;
                } else {
                    LOG.error("view {}: push worker error", view, e);
                }
                pause();
            }
        }
        if (connection != null) {
            closeQuietly(connection);
        }
    }

    private Connection connect() throws SQLException {
        Connection connection = dataSource.getConnection();
        try (PreparedStatement name = connection.prepareStatement("SELECT set_config('application_name', ?, false)")) {
            String applicationName = "fmodel-push:" + view;
            name.setString(1, applicationName.substring(0, Math.min(63, applicationName.length())));
            name.executeQuery().close();
        }
        connection.setAutoCommit(true);
        return connection;
    }

    /** Leases the next partition; the request body is built by PostgreSQL, once, in the shape of the pg_net job. */
    private Optional<Batch> fetch(Connection connection) throws SQLException {
        @Nullable Batch batch = null;
        try (PreparedStatement statement = connection.prepareStatement("SELECT decider, decider_id, event_id,"
                + " \"offset\", lease, attempt, json_build_object('event', event, 'event_id', event_id,"
                + " 'event_version', event_version, 'decider', decider, 'decider_id', decider_id, 'offset', \"offset\","
                + " 'data', data, 'created_at', created_at)::text"
                + " FROM stream_event_batches(?, 1, ?, ?)")) {
            statement.setString(1, view);
            statement.setInt(2, options.batchSize());
            statement.setInt(
                    3, (int) Math.min(Integer.MAX_VALUE, options.leaseTimeout().toSeconds()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (batch == null) {
                        batch = new Batch(
                                new Partition(rows.getString(1), rows.getString(2)),
                                rows.getLong(5),
                                rows.getInt(6),
                                new ArrayList<>());
                    }
                    batch.rows().add(new Row(rows.getObject(3, UUID.class), rows.getLong(4), rows.getString(7)));
                }
            }
        }
        return Optional.ofNullable(batch);
    }

    private void deliver(Connection connection, Batch batch) throws SQLException {
        int answered = 0;
        Sent.@Nullable Failed failure = null;
        for (Row row : batch.rows()) {
            if (closed.get()) {
                break;
            }
            Sent sent = post(row, batch);
            if (sent instanceof Sent.Failed f) {
                failure = f;
                break;
            }
            answered++;
        }
        if (answered > 0
                && !ack(connection, batch, batch.rows().get(answered - 1).offset(), answered)) {
            return; // lease lost: the successor re-sends what was not acknowledged
        }
        if (failure != null) {
            failed(connection, batch, answered, failure);
        } else if (answered == 0) {
            nack(connection, batch); // closing before the first request: hand the partition over at once
        }
    }

    private Sent post(Row row, Batch batch) {
        byte[] body = row.body().getBytes(StandardCharsets.UTF_8);
        String signature = WebhookSignature.sign(secret, Instant.now().getEpochSecond(), body);
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(options.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "fmodel-postgres")
                .header("Idempotency-Key", row.eventId().toString())
                .header("X-Fmodel-Event-Id", row.eventId().toString())
                .header("X-Fmodel-View", view)
                .header("X-Fmodel-Attempt", Integer.toString(batch.attempt()))
                .header(WebhookSignature.HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            String head;
            try (InputStream in = response.body()) {
                // the start only: a huge error page must not fill the memory or the parked error
                head = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
            }
            if (status >= 200 && status < 300) {
                return new Sent.Answered();
            }
            HttpDeliveryException failure = new HttpDeliveryException(status, head);
            return new Sent.Failed(failure, failure.retryable(), retryAfter(response));
        } catch (IOException e) {
            return new Sent.Failed(e, true, null); // timeouts, refused or reset connections
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed.set(true);
            return new Sent.Failed(e, true, null);
        }
    }

    private static @Nullable Duration retryAfter(HttpResponse<?> response) {
        Optional<String> value = response.headers().firstValue("Retry-After");
        if (value.isEmpty()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.get().strip())));
        } catch (NumberFormatException e) {
            return null; // an HTTP date: the backoff decides
        }
    }

    /** {@return whether the ack committed; false if the lease was lost (taken over)} */
    private boolean ack(Connection connection, Batch batch, long offset, int events) throws SQLException {
        try {
            call(
                    connection,
                    "SELECT 1 FROM ack_event(?, ?, ?, ?, ?)",
                    batch.partition().deciderId(),
                    offset,
                    batch.partition().decider(),
                    batch.lease());
        } catch (SQLException e) {
            if (!isLeaseLost(e)) {
                throw e; // a lost connection: the lease expires and the events are sent again (at least once)
            }
            LOG.warn(
                    "view {}: lease on {} lost before the ack; {} answered events will be sent again: {}",
                    view,
                    batch.partition(),
                    events,
                    e.getMessage());
            return false;
        }
        processed.addAndGet(events);
        notify(() -> listener.processed(view, batch.partition(), events));
        return true;
    }

    private void failed(Connection connection, Batch batch, int answered, Sent.Failed failure) throws SQLException {
        failed.incrementAndGet();
        notify(() -> listener.failed(view, batch.partition(), batch.attempt(), failure.failure()));
        if (answered > 0) {
            // the ack of the answered prefix ended the lease: the failing event heads the next lease, at once
            LOG.warn(
                    "view {}: {} failed after {} delivered events, sending it again at once: {}",
                    view,
                    batch.partition(),
                    answered,
                    failure.failure().toString());
            wake();
            return;
        }
        String error = String.valueOf(failure.failure());
        try {
            if (!failure.retryable() || batch.attempt() >= options.maxAttempts()) {
                call(
                        connection,
                        "SELECT 1 FROM park_partition(?, ?, ?, ?, ?)",
                        batch.partition().deciderId(),
                        batch.partition().decider(),
                        error,
                        batch.lease());
                parked.incrementAndGet();
                LOG.error(
                        "view {}: parked {} at offset {} after {} attempts: {}",
                        view,
                        batch.partition(),
                        batch.rows().getFirst().offset(),
                        batch.attempt(),
                        error);
                notify(() -> listener.parked(view, batch.partition(), batch.attempt(), failure.failure()));
            } else {
                Duration delay = options.backoff(batch.attempt());
                Duration retryAfter = failure.retryAfter();
                if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
                    delay = retryAfter.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : retryAfter;
                }
                call(
                        connection,
                        "SELECT 1 FROM schedule_nack_event(?, ?, ?, ?, ?, ?)",
                        batch.partition().deciderId(),
                        delay.toMillis(),
                        batch.partition().decider(),
                        batch.lease(),
                        error);
                LOG.warn(
                        "view {}: attempt {} on {} failed, retrying in {} ms: {}",
                        view,
                        batch.attempt(),
                        batch.partition(),
                        delay.toMillis(),
                        error);
            }
        } catch (SQLException e) {
            if (!isLeaseLost(e)) {
                throw e;
            }
            LOG.warn("view {}: lease on {} lost before its failure was recorded", view, batch.partition());
        }
    }

    private void nack(Connection connection, Batch batch) {
        try {
            call(
                    connection,
                    "SELECT 1 FROM nack_event(?, ?, ?, ?)",
                    batch.partition().deciderId(),
                    batch.partition().decider(),
                    batch.lease());
        } catch (SQLException e) {
            LOG.warn(
                    "view {}: cannot release {} on shutdown (its lease will expire): {}",
                    view,
                    batch.partition(),
                    e.getMessage());
        }
    }

    private void call(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, view);
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 2, parameters[i]);
            }
            statement.executeQuery().close();
        }
    }

    // ----------------------------------------------------------------------------------------------- notification

    private void listen() {
        while (!closed.get()) {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + StreamRunner.CHANNEL);
                PGConnection pg = connection.unwrap(PGConnection.class);
                wake(); // whatever was appended while nobody listened
                while (!closed.get()) {
                    PGNotification[] notifications = pg.getNotifications(250);
                    if (notifications != null && notifications.length > 0) {
                        wake();
                    }
                }
            } catch (SQLException e) {
                if (!closed.get()) {
                    LOG.warn("view {}: LISTEN connection lost, polling until it is back: {}", view, e.getMessage());
                    pause();
                }
            }
        }
    }

    private long generation() {
        synchronized (signal) {
            return generation;
        }
    }

    private void wake() {
        synchronized (signal) {
            generation++;
            signal.notifyAll();
        }
    }

    private void await(long seen) {
        long deadline = System.nanoTime() + options.pollInterval().toNanos();
        synchronized (signal) {
            long left;
            while (generation == seen && !closed.get() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    signal.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed.set(true);
                }
            }
        }
    }

    private void pause() {
        long deadline = System.nanoTime() + Math.min(options.pollInterval().toNanos(), 200_000_000L);
        synchronized (signal) {
            long left;
            while (!closed.get() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    signal.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed.set(true);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- the API

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String view() {
        return view;
    }

    @Override
    public long lag() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT view_lag(?)")) {
            statement.setString(1, view);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the lag of view " + view + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long processedCount() {
        return processed.get();
    }

    @Override
    public long failedCount() {
        return failed.get();
    }

    @Override
    public long parkedCount() {
        return parked.get();
    }

    @Override
    public List<ParkedPartition> parked() {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT decider, decider_id, position, attempts, last_error, parked_at"
                                + " FROM parked_partitions(?)")) {
            statement.setString(1, view);
            List<ParkedPartition> result = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(new ParkedPartition(
                            view,
                            new Partition(rows.getString(1), rows.getString(2)),
                            rows.getLong(3),
                            rows.getInt(4),
                            rows.getString(5),
                            rows.getObject(6, OffsetDateTime.class)));
                }
            }
            return List.copyOf(result);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the parked partitions of " + view + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void release(Partition partition) {
        try (Connection connection = dataSource.getConnection()) {
            call(connection, "SELECT 1 FROM release_partition(?, ?, ?)", partition.deciderId(), partition.decider());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot release " + partition + " of " + view + ": " + e.getMessage(), e);
        }
        wake();
    }

    /** Pushes the whole log again (every event is sent again; the receiver dedupes by event id). */
    @Override
    public void rebuild() {
        try (Connection connection = dataSource.getConnection()) {
            call(connection, "SELECT 1 FROM reset_view(?)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reset view " + view + ": " + e.getMessage(), e);
        }
        wake();
    }

    /**
     * Stops fetching, lets each worker finish the request in hand and ack what was answered, releases a partition
     * leased but not sent, joins the threads and closes the HTTP client.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        wake();
        long wait = options.connectTimeout().plus(options.requestTimeout()).toMillis() + 5_000;
        for (Thread thread : threads) {
            try {
                thread.join(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        client.close();
        LOG.info(
                "view {}: stopped pushing after {} events ({} failures, {} parked)",
                view,
                processed.get(),
                failed.get(),
                parked.get());
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("view {}: listener failed", view, e);
        }
    }

    private static boolean isConnectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLeaseLost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && ("VS002".equals(sql.getSQLState()) || "VS004".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("close failed", e);
        }
    }
}
