package io.fmodel.postgres;

import java.net.URI;

/**
 * Pushes the events of a view registered with an {@code edge_function_url} to that URL ({@link PostgresEventStore#startPush}): the Java counterpart of the
 * seed's pg_cron + pg_net job, for databases without pg_net. Each event is POSTed as JSON
 * <pre>{"event", "event_id", "event_version", "decider", "decider_id", "offset", "data", "created_at"}</pre>
 * with the headers {@code Idempotency-Key} and {@code X-Fmodel-Event-Id} (the event id), {@code X-Fmodel-View},
 * {@code X-Fmodel-Attempt} and {@code X-Fmodel-Signature} ({@link WebhookSignature}, keyed with the view's secret).
 *
 * <p>Guarantees (in addition to those of {@link StreamProcessor}):
 * <ul>
 *   <li>At least once: the fenced acknowledgement ({@code ack_event} with the lease) commits after the 2xx. A crash,
 *       a lost connection or an expired lease between the response and the ack sends the event again. The receiver
 *       must dedupe by {@code event_id}.
 *   <li>Per-partition order: an event is sent only after the previous event of its stream was answered with a 2xx
 *       (and, with the default batch size of 1, acknowledged). Different streams are delivered concurrently, up to
 *       {@link HttpDeliveryOptions#workers()}.
 *   <li>Failures: a timeout, a connection failure, a 5xx, 408 or 429 is retried after a backoff
 *       ({@link HttpDeliveryOptions#retries()}, {@code schedule_nack_event}; a {@code Retry-After} in seconds is the
 *       least pause, up to the policy's cap) and parks the partition after its {@code maxAttempts} attempts; any
 *       other status (4xx, 3xx) parks it at once, with the status and the start of the body as the error. Other partitions keep flowing; {@link #release} replays a parked one.
 * </ul>
 * The URL is read from the view's {@code edge_function_url} when the processor starts; the view is not registered by
 * the processor (see {@code register_view}). No database transaction is open during an HTTP request.
 *
 * {@snippet :
 * // once, in SQL: SELECT * FROM register_view('orders-webhook', now(), 300, 1, 'https://example.com/hooks/orders');
 * try (HttpDeliveryProcessor push = store.startPush(
 *         "orders-webhook", System.getenv("ORDERS_WEBHOOK_SECRET"), HttpDeliveryOptions.defaults())) {
 *     // ... runs until closed
 * }
 * }
 */
public interface HttpDeliveryProcessor extends StreamProcessor {

    /** {@return the endpoint the events are POSTed to (the view's {@code edge_function_url} at start)} */
    URI endpoint();
}
