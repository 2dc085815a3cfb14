package io.fmodel.postgres;

import java.util.Objects;

/**
 * A partition of the event log: one stream, {@code (decider, deciderId)}. Its events are delivered in order, to one
 * consumer at a time.
 *
 * @param decider the decider name (the {@code decider} column)
 * @param deciderId the stream's business id (the {@code decider_id} column)
 */
public record Partition(String decider, String deciderId) {

    /** Checks that no component is null. */
    public Partition {
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(deciderId, "deciderId");
    }

    @Override
    public String toString() {
        return decider + "/" + deciderId;
    }
}
