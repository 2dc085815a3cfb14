package io.fmodel.postgres.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.fmodel.postgres.EventStoreAccessException;
import io.fmodel.postgres.HttpDeliveryException;
import io.fmodel.postgres.HttpDeliveryOptions;
import io.fmodel.postgres.HttpDeliveryProcessor;
import io.fmodel.postgres.Partition;
import io.fmodel.postgres.ProcessorListener;
import io.fmodel.postgres.WebhookSignature;
import io.fmodel.postgres.internal.jooq.tables.Views;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jooq.Record1;
import org.jooq.exception.DataAccessException;
import org.jspecify.annotations.Nullable;

/**
 * What {@link HttpDeliveryProcessor} does with a leased batch, on the {@link ConsumerEngine}: POST its events one
 * after the other (no transaction open meanwhile), each only after the previous one was answered with a 2xx, then ack
 * the answered prefix with the lease (autocommit: one statement after the HTTP calls). A failure is classified for the
 * engine: timeouts, connection failures, 5xx, 408 and 429 are retryable (with the receiver's {@code Retry-After} in
 * seconds, if any), every other status parks at once (ADR 0043). It stops between two requests when the engine
 * closes. The URL is read from the view's {@code edge_function_url} at start.
 */
public final class HttpDeliveryRunner extends ConsumerEngine implements HttpDeliveryProcessor {

    /** Response bodies are read up to this many bytes, for the error of a parked partition. */
    static final int MAX_ERROR_BODY = 2_000;

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * {@code created_at} as PostgreSQL writes a {@code timestamptz} in JSON with the time zone UTC (ISO 8601, up to
     * microseconds without trailing zeros, {@code +00:00}), as the body built by {@code json_build_object} had it.
     */
    static final DateTimeFormatter CREATED_AT = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendPattern("HH:mm:ss")
            .appendFraction(ChronoField.MICRO_OF_SECOND, 0, 6, true)
            .appendOffset("+HH:MM", "+00:00")
            .toFormatter();

    /** What one POST came to. */
    private sealed interface Sent {
        record Answered() implements Sent {}

        record Failed(
                Exception failure,
                boolean retryable,
                @Nullable Duration retryAfter) implements Sent {}
    }

    private final URI endpoint;
    private final String secret;
    private final Duration requestTimeout;
    private final HttpClient client;
    /** By decider: the events of these deciders are pushed at their current versions (upcast). */
    private final Map<String, EventDecoder<?>> decoders;

    private HttpDeliveryRunner(
            DataSource dataSource,
            String view,
            String secret,
            HttpDeliveryOptions options,
            ProcessorListener listener,
            Map<String, EventDecoder<?>> decoders) {
        super(
                dataSource,
                view,
                new Options(
                        "fmodel-push",
                        options.workers(),
                        1,
                        options.batchSize(),
                        options.pollInterval(),
                        options.leaseTimeout(),
                        options.retries(),
                        options.connectTimeout().plus(options.requestTimeout()).plusSeconds(5),
                        true,
                        true),
                listener);
        this.decoders = decoders;
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the secret of view " + view + " must not be empty");
        }
        this.endpoint = endpoint(dataSource, view);
        this.secret = secret;
        this.requestTimeout = options.requestTimeout();
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
            ProcessorListener listener,
            Map<String, EventDecoder<?>> decoders) {
        HttpDeliveryRunner runner = new HttpDeliveryRunner(dataSource, view, secret, options, listener, decoders);
        runner.start(", pushing to " + runner.endpoint);
        return runner;
    }

    private static URI endpoint(DataSource dataSource, String view) {
        @Nullable String url;
        try (Connection connection = dataSource.getConnection()) {
            Record1<String> registered = ConsumerEngine.dsl(connection)
                    .select(Views.VIEWS.EDGE_FUNCTION_URL)
                    .from(Views.VIEWS)
                    .where(Views.VIEWS.VIEW.eq(view))
                    .fetchOne();
            if (registered == null) {
                throw misconfigured(
                        view,
                        "view " + view
                                + " is not registered: register it and its edge_function_url with register_view");
            }
            url = registered.value1();
        } catch (SQLException | DataAccessException e) {
            throw SqlErrors.forView(e, view, "read the edge_function_url");
        }
        if (url == null || url.isBlank()) {
            throw misconfigured(view, "view " + view + " has no edge_function_url: register it with one");
        }
        try {
            URI uri = new URI(url);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw misconfigured(view, "the edge_function_url of view " + view + " is not http(s): " + url);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new EventStoreAccessException(
                    "view " + view, "the edge_function_url of view " + view + " is not a URI: " + url, null, e);
        }
    }

    /** A view the processor cannot push: typed like every failure of the adapter, {@code stream()} names the view. */
    private static EventStoreAccessException misconfigured(String view, String message) {
        return new EventStoreAccessException("view " + view, message, null, null);
    }

    @Override
    Outcome deliver(Connection connection, Batch batch) throws SQLException {
        int answered = 0;
        Sent.@Nullable Failed failure = null;
        rows:
        for (Row row : batch.rows()) {
            if (isClosing()) {
                break; // what was answered is acknowledged; the rest is handed over
            }
            List<EventDecoder.Current> documents;
            try {
                documents = documents(batch.partition(), row);
            } catch (RuntimeException e) {
                failure = new Sent.Failed(e, true, null); // an upcaster that fails: retried, then parked
                break;
            }
            // a stored event upcast into several is answered once all of them are; a dropped one at once
            for (int part = 0; part < documents.size(); part++) {
                if (post(row, documents.get(part), part, batch) instanceof Sent.Failed f) {
                    failure = f;
                    break rows;
                }
            }
            answered++;
        }
        if (answered > 0) {
            try {
                ack(connection, batch, batch.rows().get(answered - 1).offset());
            } catch (SQLException e) {
                if (!isLeaseLost(e)) {
                    throw e; // a lost connection: the lease expires and the events are sent again (at least once)
                }
                return new Outcome.LeaseLost(e);
            }
        }
        return failure == null
                ? new Outcome.Acked(answered)
                : new Outcome.Failed(answered, failure.failure(), failure.retryable(), failure.retryAfter());
    }

    /** {@return the documents to push for a stored event: upcast for the deciders given, else the row as it is} */
    private List<EventDecoder.Current> documents(Partition partition, Row row) {
        EventDecoder<?> decoder = decoders.get(partition.decider());
        if (decoder == null) {
            return List.of(new EventDecoder.Current(row.name(), row.version(), row.data()));
        }
        return decoder.currentDocuments(partition.deciderId(), row.offset(), row.name(), row.version(), row.data());
    }

    /**
     * {@return the request body: {@code event, event_id, event_version, decider, decider_id, offset, data,
     * created_at, metadata}, with {@code data} the JSON document of {@code document} as it is and {@code metadata}
     * the stored one ({@code {}} for an event stored without)}
     */
    static byte[] body(Partition partition, Row row, EventDecoder.Current document) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(document.data().length() + 256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("event", document.name());
            json.writeStringField("event_id", row.eventId().toString());
            json.writeNumberField("event_version", document.version());
            json.writeStringField("decider", partition.decider());
            json.writeStringField("decider_id", partition.deciderId());
            json.writeNumberField("offset", row.offset());
            json.writeFieldName("data");
            json.writeRawValue(document.data());
            OffsetDateTime createdAt = Objects.requireNonNull(row.createdAt(), "created_at");
            json.writeStringField("created_at", CREATED_AT.format(createdAt.withOffsetSameInstant(ZoneOffset.UTC)));
            json.writeFieldName("metadata");
            json.writeRawValue(row.metadata() == null ? "{}" : row.metadata());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private Sent post(Row row, EventDecoder.Current document, int part, Batch batch) {
        byte[] body = body(batch.partition(), row, document);
        // the receiver dedupes by this key: the events a stored event was split into need one each
        String key = part == 0 ? row.eventId().toString() : row.eventId() + "/" + part;
        String signature = WebhookSignature.sign(secret, Instant.now().getEpochSecond(), body);
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "fmodel-postgres")
                .header("Idempotency-Key", key)
                .header("X-Fmodel-Event-Id", row.eventId().toString())
                .header("X-Fmodel-View", view)
                .header("X-Fmodel-Attempt", Integer.toString(batch.attempt()))
                .header(WebhookSignature.HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            responded(batch.partition(), status);
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
            stop();
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

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    void closed() {
        client.close();
    }
}
