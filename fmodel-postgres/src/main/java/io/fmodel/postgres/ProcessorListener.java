package io.fmodel.postgres;

/**
 * Observes a {@link StreamProcessor}: hook metrics (Micrometer, logs, ...) here. Called on worker threads; must be
 * thread-safe and fast, and must not throw (what it throws is logged and ignored).
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

    /** {@return a listener that does nothing} */
    static ProcessorListener none() {
        return new ProcessorListener() {};
    }
}
