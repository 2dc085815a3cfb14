package io.fmodel.postgres;

/**
 * A stored event has no path to a current version: neither its (event, version) nor a (name, version) its upcasters
 * lead to has a class in {@link EventTypes} or an {@link Upcaster}. Names the event, its version and its stream
 * ({@link #eventType()}, {@link #eventVersion()}, {@link #stream()}) and the step where the path ends
 * ({@link #missingType()}, {@link #missingVersion()}; the stored ones when no upcaster ran). Detected in Java, on read;
 * nothing was written. Register the missing upcaster (docs/event-evolution.md).
 *
 * {@snippet :
 * catch (NoUpcastPathException e) {
 *     log.error("no upcaster from {} v{} (stored as {} v{} in {})", e.missingType(), e.missingVersion(),
 *             e.eventType(), e.eventVersion(), e.stream());
 * }
 * }
 */
public final class NoUpcastPathException extends EventDecodingException {

    private static final long serialVersionUID = 1L;

    private final String missingType;
    private final long missingVersion;

    /**
     * @param stream the stream, as {@code decider/deciderId}
     * @param offset the offset of the event in the log
     * @param eventType the stored event name
     * @param eventVersion the stored event version
     * @param missingType the name where the path ends
     * @param missingVersion the version where the path ends
     */
    public NoUpcastPathException(
            String stream, long offset, String eventType, long eventVersion, String missingType, long missingVersion) {
        super(
                stream,
                offset,
                eventType,
                eventVersion,
                (missingType.equals(eventType) && missingVersion == eventVersion
                                ? ""
                                : "its upcasters lead to " + missingType + " (version " + missingVersion
                                        + "), for which ")
                        + "no class is registered in EventTypes and no upcaster leads to a current version",
                null);
        this.missingType = missingType;
        this.missingVersion = missingVersion;
    }

    /** {@return the event name where the path of upcasters ends} */
    public String missingType() {
        return missingType;
    }

    /** {@return the version where the path of upcasters ends} */
    public long missingVersion() {
        return missingVersion;
    }
}
