package io.fmodel.postgres;

import org.jspecify.annotations.Nullable;

/**
 * A stored event could not be turned back into a Java event: its (event, version) has no class in
 * {@link EventTypes} and no upcaster leads from it to one ({@link NoUpcastPathException}), its JSON does not fit the
 * class, or an upcaster failed on it.
 *
 * <p>Names the stream, the offset and the type of the event, so that it can be found with
 * {@code SELECT * FROM events WHERE "offset" = ...}. Detected in Java, on read; nothing was written.
 *
 * {@snippet :
 * catch (EventDecodingException e) {
 *     log.error("cannot read {} v{} at offset {} of {}", e.eventType(), e.eventVersion(), e.offset(), e.stream(), e);
 * }
 * }
 */
public sealed class EventDecodingException extends EventStoreException permits NoUpcastPathException {

    private static final long serialVersionUID = 1L;

    private final long offset;
    private final String eventType;
    private final long eventVersion;

    /**
     * @param stream the stream, as {@code decider/deciderId}
     * @param offset the offset of the event in the log
     * @param eventType the stored event name
     * @param eventVersion the stored event version
     * @param reason why it cannot be decoded
     * @param cause the underlying failure, if any
     */
    public EventDecodingException(
            String stream, long offset, String eventType, long eventVersion, String reason, @Nullable Throwable cause) {
        super(
                stream,
                "cannot decode event " + eventType + " (version " + eventVersion + ") at offset " + offset
                        + " of stream " + stream + ": " + reason,
                null,
                cause);
        this.offset = offset;
        this.eventType = eventType;
        this.eventVersion = eventVersion;
    }

    /** {@return the offset of the event in the log of all events} */
    public long offset() {
        return offset;
    }

    /** {@return the stored event name} */
    public String eventType() {
        return eventType;
    }

    /** {@return the stored event version} */
    public long eventVersion() {
        return eventVersion;
    }
}
