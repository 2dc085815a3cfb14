package io.fmodel.postgres.internal;

import io.fmodel.postgres.InvalidValueException;
import java.nio.charset.StandardCharsets;

/**
 * The limits of {@code sql/} on identifiers, checked in Java before any I/O (the SQL checks them again). Lengths are
 * in UTF-8 bytes, as PostgreSQL's {@code octet_length}: well under the 2,704 bytes of a btree index entry.
 */
public final class Identifiers {

    /** Bytes of a decider, event or view name, and of a snapshot revision. */
    public static final int NAME_BYTES = 128;

    /** Bytes of a stream id ({@code decider_id}). */
    public static final int STREAM_ID_BYTES = 512;

    private Identifiers() {}

    /**
     * {@return {@code value}, a name of 1 to {@value #NAME_BYTES} bytes}
     *
     * @throws IllegalArgumentException if it is empty or longer (a configuration error)
     */
    public static String requireName(String what, String value) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > NAME_BYTES) {
            throw new IllegalArgumentException(what + " must be 1 to " + NAME_BYTES + " bytes long, got " + bytes
                    + ": '" + abbreviate(value) + "'");
        }
        return value;
    }

    /**
     * {@return {@code id}, a stream id of 1 to {@value #STREAM_ID_BYTES} bytes}
     *
     * @throws InvalidValueException if it is empty or longer (stream ids often come from user input)
     */
    public static String requireStreamId(String decider, String id) {
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > STREAM_ID_BYTES) {
            throw new InvalidValueException(
                    decider + "/" + abbreviate(id),
                    "decider_id (the stream id) must be 1 to " + STREAM_ID_BYTES + " bytes long, got " + bytes,
                    null,
                    null);
        }
        return id;
    }

    /** {@return {@code value} as is, or its first 40 characters and its length when it is longer} */
    static String abbreviate(String value) {
        return value.length() <= 48 ? value : value.substring(0, 40) + "... (" + value.length() + " characters)";
    }
}
