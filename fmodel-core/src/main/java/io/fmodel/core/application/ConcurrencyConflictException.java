package io.fmodel.core.application;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a repository when an append lost an optimistic-locking race: the stream changed after it was read.
 *
 * <p>Nothing was written. Retrying (re-reading the stream and deciding again) is safe, and is what
 * {@code EventSourcingAggregate} does by itself.
 */
public final class ConcurrencyConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String stream;
    private final @Nullable Object expectedVersion;

    /**
     * @param stream a human-readable name of the stream, for example {@code "training/42"}
     * @param expectedVersion the version the writer expected, {@code null} for an empty stream
     * @param cause the underlying failure, if any
     */
    public ConcurrencyConflictException(String stream, @Nullable Object expectedVersion, @Nullable Throwable cause) {
        super(
                "concurrent modification of stream " + stream + ": expected version "
                        + (expectedVersion == null ? "<empty stream>" : expectedVersion)
                        + " is no longer the latest",
                cause);
        this.stream = stream;
        this.expectedVersion = expectedVersion;
    }

    /** {@return the stream that was modified concurrently} */
    public String stream() {
        return stream;
    }

    /** {@return the version the writer expected, {@code null} when it expected an empty stream} */
    public @Nullable Object expectedVersion() {
        return expectedVersion;
    }
}
