package io.fmodel.postgres;

import java.time.OffsetDateTime;
import org.jspecify.annotations.Nullable;

/**
 * A parked (dead-lettered) partition of a view: its next event failed {@code attempts} times; nothing of the partition
 * is delivered until it is released with {@link StreamProcessor#release(Partition)}.
 *
 * @param view the view
 * @param partition the parked stream
 * @param position the offset of its last processed event
 * @param attempts the failed deliveries of the next event
 * @param error the last error, as the processor reported it
 * @param parkedAt when it was parked
 */
public record ParkedPartition(
        String view,
        Partition partition,
        long position,
        int attempts,
        @Nullable String error,
        OffsetDateTime parkedAt) {}
