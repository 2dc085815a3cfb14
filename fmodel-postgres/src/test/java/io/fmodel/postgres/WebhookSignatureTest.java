package io.fmodel.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final String SECRET = "whsec_test";
    private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    private static final long T = 1_700_000_000L;
    private static final Instant NOW = Instant.ofEpochSecond(T + 10);
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void the_signature_is_hmac_sha256_of_timestamp_dot_body_in_hex() {
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assertThat(WebhookSignature.sign(SECRET, T, BODY))
                .isEqualTo("t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789");
    }

    @Test
    void a_signed_body_verifies_within_the_tolerance() {
        String header = WebhookSignature.sign(SECRET, T, BODY);
        assertThat(WebhookSignature.verify(SECRET, header, BODY, TOLERANCE, NOW))
                .isTrue();
        assertThat(WebhookSignature.verify(SECRET, header, BODY, TOLERANCE, Instant.ofEpochSecond(T - 299)))
                .isTrue();
    }

    @Test
    void a_tampered_body_a_wrong_secret_or_a_replay_outside_the_tolerance_is_rejected() {
        String header = WebhookSignature.sign(SECRET, T, BODY);
        assertThat(WebhookSignature.verify(
                        SECRET, header, "{\"a\":2}".getBytes(StandardCharsets.UTF_8), TOLERANCE, NOW))
                .isFalse();
        assertThat(WebhookSignature.verify("other", header, BODY, TOLERANCE, NOW))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, header, BODY, TOLERANCE, Instant.ofEpochSecond(T + 301)))
                .isFalse();
        // the timestamp is signed: moving it forward breaks the signature
        assertThat(WebhookSignature.verify(SECRET, header.replace("t=" + T, "t=" + (T + 10)), BODY, TOLERANCE, NOW))
                .isFalse();
    }

    @Test
    void a_missing_or_garbled_header_is_rejected() {
        assertThat(WebhookSignature.verify(SECRET, null, BODY, TOLERANCE, NOW)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "", BODY, TOLERANCE, NOW)).isFalse();
        assertThat(WebhookSignature.verify(SECRET, "t=abc,v1=00", BODY, TOLERANCE, NOW))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, "v1=00", BODY, TOLERANCE, NOW))
                .isFalse();
        assertThat(WebhookSignature.verify(SECRET, "t=" + T + ",v1=zz", BODY, TOLERANCE, NOW))
                .isFalse();
    }

    @Test
    void any_matching_v1_entry_is_enough_so_secrets_can_be_rotated() {
        String old = WebhookSignature.sign("old-secret", T, BODY);
        String header = old + "," + WebhookSignature.sign(SECRET, T, BODY).substring(("t=" + T + ",").length());
        assertThat(WebhookSignature.verify(SECRET, header, BODY, TOLERANCE, NOW))
                .isTrue();
        assertThat(WebhookSignature.verify("old-secret", header, BODY, TOLERANCE, NOW))
                .isTrue();
    }

    @Test
    void options_take_a_lease_shorter_than_a_batch_of_requests_since_it_is_extended_and_back_off_to_five_minutes() {
        HttpDeliveryOptions options =
                HttpDeliveryOptions.defaults().withBatchSize(100).withLeaseTimeout(Duration.ofSeconds(2));
        assertThat(options.leaseTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(HttpDeliveryOptions.defaults().leaseTimeout()).isEqualTo(Duration.ofSeconds(10));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> HttpDeliveryOptions.defaults().withLeaseTimeout(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaseTimeout");
        assertThat(HttpDeliveryOptions.defaults().retries().maxDelay()).isEqualTo(Duration.ofMinutes(5));
    }
}
