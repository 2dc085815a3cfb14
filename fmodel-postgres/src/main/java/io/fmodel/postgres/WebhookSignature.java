package io.fmodel.postgres;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The signature of a push delivery ({@link HttpDeliveryProcessor}): HMAC-SHA256, keyed with the view's secret, over
 * {@code timestamp + "." + body}, sent as {@code X-Fmodel-Signature: t=<unix seconds>,v1=<lower-case hex>}.
 *
 * <p>A receiver recomputes the HMAC over the raw request body it received (bytes, before any JSON parsing), compares in
 * constant time, and rejects a timestamp outside its tolerance, so a captured request cannot be replayed later. Several
 * {@code v1} entries are accepted (any one matching is enough), for secret rotation. Pure; thread-safe.
 *
 * {@snippet :
 * // in the receiver (any HTTP framework): reject what is not signed with the view's secret, or is too old
 * byte[] body = request.bodyBytes();
 * if (!WebhookSignature.verify(secret, request.header(WebhookSignature.HEADER), body, Duration.ofMinutes(5))) {
 *     return response(401);
 * }
 * // then dedupe by event_id (the Idempotency-Key header): delivery is at least once
 * }
 */
public final class WebhookSignature {

    /** The request header that carries the signature. */
    public static final String HEADER = "X-Fmodel-Signature";

    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {}

    /** {@return the header value signing {@code body} at {@code timestamp} (unix seconds) with {@code secret}} */
    public static String sign(String secret, long timestamp, byte[] body) {
        return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(hmac(secret, timestamp, body));
    }

    /** {@return whether {@code header} signs {@code body} with {@code secret}, at most {@code tolerance} from now} */
    public static boolean verify(String secret, @Nullable String header, byte[] body, Duration tolerance) {
        return verify(secret, header, body, tolerance, Instant.now());
    }

    /** {@return whether {@code header} signs the UTF-8 bytes of {@code body}, at most {@code tolerance} from now} */
    public static boolean verify(String secret, @Nullable String header, String body, Duration tolerance) {
        return verify(secret, header, body.getBytes(StandardCharsets.UTF_8), tolerance, Instant.now());
    }

    /** {@return whether {@code header} signs {@code body} with {@code secret}, at most {@code tolerance} from now} */
    public static boolean verify(String secret, @Nullable String header, byte[] body, Duration tolerance, Instant now) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(body, "body");
        if (header == null) {
            return false;
        }
        long timestamp = -1;
        boolean timestampSeen = false;
        for (String part : header.split(",")) {
            String item = part.strip();
            if (item.startsWith("t=")) {
                try {
                    timestamp = Long.parseLong(item.substring(2));
                    timestampSeen = true;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        if (!timestampSeen || Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = hmac(secret, timestamp, body);
        boolean matches = false;
        for (String part : header.split(",")) {
            String item = part.strip();
            if (item.startsWith("v1=")) {
                byte[] given;
                try {
                    given = HexFormat.of().parseHex(item.substring(3));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                matches |= MessageDigest.isEqual(expected, given); // constant time; no early exit between entries
            }
        }
        return matches;
    }

    private static byte[] hmac(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // HmacSHA256 is required of every Java platform; an empty secret is rejected before we get here
            throw new IllegalStateException("cannot compute " + ALGORITHM + ": " + e.getMessage(), e);
        }
    }
}
