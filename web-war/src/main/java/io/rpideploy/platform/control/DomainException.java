package io.rpideploy.platform.control;

/**
 * A rule of the domain said no. Boundaries turn it into a 4xx JSON error (API) or a message beside the field
 * (console); it never carries a stack trace to a user.
 */
public class DomainException extends RuntimeException {

    /** What kind of "no" it is; the API maps each kind to one HTTP status. */
    public enum Kind { INVALID_INPUT, NOT_FOUND, CONFLICT, FORBIDDEN, TOO_MANY_REQUESTS, UNAVAILABLE,
        /** The server's own disk cannot hold what was sent (RFC 4918 section 11.5: 507). */
        INSUFFICIENT_STORAGE }

    private final Kind kind;
    private final String field;

    public DomainException(Kind kind, String field, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    public static DomainException invalid(String field, String message) {
        return new DomainException(Kind.INVALID_INPUT, field, message);
    }

    public static DomainException notFound(String message) {
        return new DomainException(Kind.NOT_FOUND, null, message);
    }

    public static DomainException conflict(String message) {
        return new DomainException(Kind.CONFLICT, null, message);
    }

    public static DomainException conflict(String field, String message) {
        return new DomainException(Kind.CONFLICT, field, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The input field the message is about (snake_case as in the API), or null. */
    public String field() {
        return field;
    }
}
