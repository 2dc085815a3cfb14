package io.fmodel.postgres;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Observes a {@link StreamProcessor}: hook metrics (Micrometer, logs, ...) and tracing here. Called on worker threads;
 * must be thread-safe and fast, and must not throw (what it throws is logged and ignored).
 *
 * <p>For each leased batch of one partition, in the worker thread that delivers it: {@link #delivering} before the
 * processor's work, then {@link Delivery#ended} on what it returned, then {@link #processed} (if events were
 * acknowledged), {@link #failed} and {@link #parked} as they apply. A push processor also reports each answer of its
 * receiver ({@link #responded}).
 *
 * {@snippet :
 * ProcessorListener metrics = new ProcessorListener() {
 *     @Override
 *     public void processed(String view, Partition partition, int events) {
 *         counter.increment(events);
 *     }
 * };
 * }
 */
public interface ProcessorListener {

    /** Events of {@code partition} were processed and acknowledged (committed). */
    default void processed(String view, Partition partition, int events) {}

    /**
     * A delivery of {@code partition} failed; it will be retried after a backoff, or at once (not counted as an
     * attempt) if the events before it in its batch were acknowledged.
     */
    default void failed(String view, Partition partition, int attempt, Throwable error) {}

    /** {@code partition} was parked after {@code attempts} failed deliveries. */
    default void parked(String view, Partition partition, int attempts, Throwable error) {}

    /**
     * A batch is about to be delivered, in the worker thread that delivers it: {@return what is told how its delivery
     * ended} ({@link Delivery#NONE} by default). What the processor does meanwhile (the SQL of a view, the commands a
     * saga sends) runs in this thread, so a tracer that opens a span here and closes it in {@link Delivery#ended}
     * gets that work inside the span.
     */
    default Delivery delivering(Batch batch) {
        return Delivery.NONE;
    }

    /**
     * {@return whether {@link #delivering} reads {@link Batch#traceContext}} Asked once, when a processor starts. If
     * so, the processors read the metadata of every event they lease (one more index probe per event); else
     * {@code traceContext} is empty.
     */
    default boolean readsTraceContext() {
        return false;
    }

    /**
     * The receiver of a push processor answered an event of {@code partition} with HTTP {@code status} (any status,
     * 2xx included); a request that got no answer (timeout, refused connection) is reported to {@link #failed} only.
     */
    default void responded(String view, Partition partition, int status) {}

    /** {@return a listener that does nothing} */
    static ProcessorListener none() {
        return new ProcessorListener() {};
    }

    /**
     * A leased batch: consecutive events of one partition, delivered in one transaction (a view, a saga) or one
     * request each (push).
     *
     * @param view the view (processor) it is leased to
     * @param partition its stream
     * @param attempt 1 for the first delivery of its first event, more for a retry
     * @param events how many events it holds
     * @param firstOffset the offset of its first event
     * @param traceContext the trace context its first event was appended with (the {@link Metadata#traceContext} of
     *     the command that produced it), empty if none or if the listener does not {@link #readsTraceContext}
     */
    record Batch(
            String view,
            Partition partition,
            int attempt,
            int events,
            long firstOffset,
            Map<String, String> traceContext) {

        /** Copies the trace context; checks that nothing is null. */
        public Batch {
            Objects.requireNonNull(view, "view");
            Objects.requireNonNull(partition, "partition");
            traceContext = Map.copyOf(traceContext);
        }
    }

    /** How the delivery of a batch ended: told once, in the thread that delivered it. */
    @FunctionalInterface
    interface Delivery {
        /** Told nothing. */
        Delivery NONE = (acknowledged, failure) -> {};

        /**
         * The delivery ended.
         *
         * @param acknowledged the events of the batch processed and acknowledged (committed), from its first
         * @param failure why the next event was not, or why the delivery stopped (a lost lease or connection); null if
         *     every event was acknowledged, or the processor closed before the rest
         */
        void ended(int acknowledged, @Nullable Throwable failure);
    }
}
