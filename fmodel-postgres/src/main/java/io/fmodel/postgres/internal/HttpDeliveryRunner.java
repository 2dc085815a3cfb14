package io.fmodel.postgres.internal;

import io.fmodel.postgres.HttpDeliveryException;
import io.fmodel.postgres.HttpDeliveryOptions;
import io.fmodel.postgres.HttpDeliveryProcessor;
import io.fmodel.postgres.ParkedPartition;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.WebhookSignature;
import io.fmodel.postgres.internal.jooq.Routines;
import io.fmodel.postgres.internal.jooq.tables.StreamEventBatches;
import io.fmodel.postgres.internal.jooq.tables.Views;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link HttpDeliveryProcessor}: {@code concurrency} worker threads, each with its own connection,
 * lease one partition at a time with {@code stream_event_batches}, POST its events one after the other (no transaction
 * open meanwhile), then ack the answered prefix with the lease (autocommit: one transaction after the HTTP calls), and
 * schedule a retry or park on failure. The shared poller of the data source wakes idle workers when the log moves.
 * Same SQL calls and the same wake-up scheme as {@link StreamRunner} (ADR 0040), through the same jOOQ routines
 * generated from {@code sql/} with bind values only (ADR 0016). The worker loop, the wake-up, failure classification
 * and the calls outside a batch are shared with {@link StreamRunner} in {@link ViewConsumer}.
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
    private final HttpClient client;
    private final ViewConsumer consumer;

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
        this.consumer = new ViewConsumer(
                dataSource, view, "fmodel-push:" + view, options.pollInterval(), options.leaseTimeout(), listener, LOG);
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
        Identifiers.requireName("view name", view);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the secret of view " + view + " must not be empty");
        }
        URI endpoint = endpoint(dataSource, view);
        HttpDeliveryRunner runner = new HttpDeliveryRunner(dataSource, view, endpoint, secret, options, listener);
        runner.startThreads();
        return runner;
    }

    private static URI endpoint(DataSource dataSource, String view) {
        @Nullable String url;
        try (Connection connection = dataSource.getConnection()) {
            Record1<String> registered = ViewConsumer.dsl(connection)
                    .select(Views.VIEWS.EDGE_FUNCTION_URL)
                    .from(Views.VIEWS)
                    .where(Views.VIEWS.VIEW.eq(view))
                    .fetchOne();
            if (registered == null) {
                throw new IllegalStateException("view " + view
                        + " is not registered: register it and its edge_function_url with register_view");
            }
            url = registered.value1();
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "read the edge_function_url");
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
        consumer.start("fmodel-push-" + view, "-", options.workers(), this::round);
        LOG.info("view {}: pushing to {} with {} workers", view, endpoint, options.workers());
    }

    // ----------------------------------------------------------------------------------------------------- workers

    /** Leases one partition and delivers it; {@return false if there was nothing to lease} */
    private boolean round(Connection connection, String consumerName) {
        Optional<Batch> batch = fetch(connection, consumerName);
        batch.ifPresent(b -> deliver(connection, b));
        return batch.isPresent();
    }

    /** Leases the next partition; the request body is built by PostgreSQL, once, in the shape of the pg_net job. */
    private Optional<Batch> fetch(Connection connection, String consumerName) {
        StreamEventBatches leased = Routines.streamEventBatches(
                view,
                1,
                options.batchSize(),
                (int) Math.min(Integer.MAX_VALUE, options.leaseTimeout().toSeconds()),
                consumerName);
        // json_build_object(...)::text, the keys bind values
        Field<String> body = DSL.jsonObject(
                        DSL.key("event").value(leased.EVENT),
                        DSL.key("event_id").value(leased.EVENT_ID),
                        DSL.key("event_version").value(leased.EVENT_VERSION),
                        DSL.key("decider").value(leased.DECIDER),
                        DSL.key("decider_id").value(leased.DECIDER_ID),
                        DSL.key("offset").value(leased.OFFSET),
                        DSL.key("data").value(leased.DATA),
                        DSL.key("created_at").value(leased.CREATED_AT))
                .cast(SQLDataType.CLOB);
        @Nullable Batch batch = null;
        for (var r : ViewConsumer.dsl(connection)
                .select(
                        leased.DECIDER,
                        leased.DECIDER_ID,
                        leased.EVENT_ID,
                        leased.OFFSET,
                        leased.LEASE,
                        leased.ATTEMPT,
                        body)
                .from(leased)
                .fetch()) {
            if (batch == null) {
                batch = new Batch(new Partition(r.value1(), r.value2()), r.value5(), r.value6(), new ArrayList<>());
            }
            batch.rows().add(new Row(r.value3(), r.value4(), r.value7()));
        }
        return Optional.ofNullable(batch);
    }

    private void deliver(Connection connection, Batch batch) {
        int answered = 0;
        Sent.@Nullable Failed failure = null;
        for (Row row : batch.rows()) {
            if (consumer.isClosed()) {
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
            // closing before the first request: hand the partition over at once
            consumer.nack(connection, batch.partition(), batch.lease());
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
            consumer.stop();
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
    private boolean ack(Connection connection, Batch batch, long offset, int events) {
        try {
            ViewConsumer.run(
                    connection,
                    Routines.ackEvent(
                            view,
                            batch.partition().deciderId(),
                            offset,
                            batch.partition().decider(),
                            batch.lease()));
        } catch (DataAccessException e) {
            if (!ViewConsumer.isLeaseLost(e)) {
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
        consumer.processed(batch.partition(), events);
        return true;
    }

    private void failed(Connection connection, Batch batch, int answered, Sent.Failed failure) {
        consumer.failed(batch.partition(), batch.attempt(), failure.failure());
        if (answered > 0) {
            // the ack of the answered prefix ended the lease: the failing event heads the next lease, at once
            LOG.warn(
                    "view {}: {} failed after {} delivered events, sending it again at once: {}",
                    view,
                    batch.partition(),
                    answered,
                    failure.failure().toString());
            consumer.wake();
            return;
        }
        String error = String.valueOf(failure.failure());
        consumer.recordFailure(batch.partition(), () -> {
            if (!failure.retryable() || batch.attempt() >= options.retries().maxAttempts()) {
                consumer.park(connection, batch.partition(), batch.lease(), error);
                LOG.error(
                        "view {}: parked {} at offset {} after {} attempts: {}",
                        view,
                        batch.partition(),
                        batch.rows().getFirst().offset(),
                        batch.attempt(),
                        error);
                consumer.parked(batch.partition(), batch.attempt(), failure.failure());
            } else {
                Duration delay = options.retries().backoff(batch.attempt());
                Duration retryAfter = failure.retryAfter();
                if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
                    delay = retryAfter.compareTo(options.retries().maxDelay()) > 0
                            ? options.retries().maxDelay()
                            : retryAfter;
                }
                consumer.retry(connection, batch.partition(), batch.lease(), delay, error);
                LOG.warn(
                        "view {}: attempt {} on {} failed, retrying in {} ms: {}",
                        view,
                        batch.attempt(),
                        batch.partition(),
                        delay.toMillis(),
                        error);
            }
        });
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
        return consumer.lag();
    }

    @Override
    public long processedCount() {
        return consumer.processedCount();
    }

    @Override
    public long failedCount() {
        return consumer.failedCount();
    }

    @Override
    public long parkedCount() {
        return consumer.parkedCount();
    }

    @Override
    public List<ParkedPartition> parked() {
        return consumer.parked();
    }

    @Override
    public void release(Partition partition) {
        consumer.release(partition);
    }

    /** Pushes the whole log again (every event is sent again; the receiver dedupes by event id). */
    @Override
    public void rebuild() {
        try (Connection connection = dataSource.getConnection()) {
            consumer.reset(connection);
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "reset the positions");
        }
        consumer.wake();
    }

    /**
     * Stops fetching, lets each worker finish the request in hand and ack what was answered, releases a partition
     * leased but not sent, joins the threads and closes the HTTP client.
     */
    @Override
    public void close() {
        if (!consumer.close(
                options.connectTimeout().plus(options.requestTimeout()).plusSeconds(5))) {
            return;
        }
        client.close();
        LOG.info(
                "view {}: stopped pushing after {} events ({} failures, {} parked)",
                view,
                consumer.processedCount(),
                consumer.failedCount(),
                consumer.parkedCount());
    }
}
