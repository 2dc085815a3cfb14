package io.fmodel.postgres.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Event ids: time-ordered UUIDs (version 7, RFC 9562), so that the event_id index grows at its right edge. */
public final class Uuids {

    private Uuids() {}

    /** {@return a new version 7 UUID: 48 bits of Unix milliseconds, then random bits} */
    public static UUID v7() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
