package io.fmodel.postgres;

import java.io.Serial;

/**
 * The endpoint answered a push delivery with a status other than 2xx. Reported to {@link ProcessorListener} and kept
 * (as text) in the parked partition's error. Timeouts and connection failures are reported as the
 * {@link java.io.IOException} the HTTP client raised instead.
 */
public final class HttpDeliveryException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String body;

    /** Creates the exception for a response with {@code status} and the (truncated) {@code body}. */
    public HttpDeliveryException(int status, String body) {
        super("HTTP " + status + (body.isEmpty() ? "" : ": " + body));
        this.status = status;
        this.body = body;
    }

    /** {@return the HTTP status of the response} */
    public int status() {
        return status;
    }

    /** {@return the start of the response body (at most a few kilobytes), possibly empty} */
    public String body() {
        return body;
    }

    /** {@return whether a later attempt may succeed: 5xx, 408 Request Timeout and 429 Too Many Requests} */
    public boolean retryable() {
        return status >= 500 || status == 408 || status == 429;
    }
}
