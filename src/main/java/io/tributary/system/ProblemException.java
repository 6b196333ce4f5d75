package io.tributary.system;

/**
 * A request Tributary refuses, answered as {@code application/problem+json} with this status. The
 * detail is shown to the caller: it never holds payload values or secrets.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;
    private Long retryAfterSeconds;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, null);
    }

    private ProblemException(int status, String title, String detail, String field) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    /** A 400 about one field of the request body; the problem names it in {@code field}. */
    public static ProblemException invalidField(String field, String detail) {
        return new ProblemException(400, "Bad Request", field + ": " + detail, field);
    }

    /** Seconds the client should wait before trying again ({@code Retry-After}); for 429 and 503. */
    public ProblemException withRetryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The request field the problem is about, or {@code null}. */
    public String field() {
        return field;
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
