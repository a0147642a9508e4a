package dev.livepad.protocol;

/** The closed vocabulary of errors a client can receive, over WebSocket and HTTP alike. */
public enum ErrorCode {
    BAD_JSON("bad_json", 400),
    BAD_REQUEST("bad_request", 400),
    INVALID_TOKEN("invalid_token", 401),
    TOKEN_EXPIRED("token_expired", 401),
    WRONG_ROOM("wrong_room", 403),
    NO_SUCH_ROOM("no_such_room", 404),
    NOT_JOINED("not_joined", 409),
    FORBIDDEN("forbidden", 403),
    BAD_OP("bad_op", 400),
    BAD_REV("bad_rev", 409),
    DOC_TOO_LARGE("doc_too_large", 413),
    RATE_LIMITED("rate_limited", 429),
    INVALID_ROOM_NAME("invalid_room_name", 400),
    ROOM_EXISTS("room_exists", 409),
    LIMIT_EXCEEDED("limit_exceeded", 429),
    NOT_FOUND("not_found", 404),
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    TOO_LARGE("too_large", 413),
    UNAVAILABLE("unavailable", 503),
    INTERNAL("internal", 500);

    private final String wireName;
    private final int httpStatus;

    ErrorCode(String wireName, int httpStatus) {
        this.wireName = wireName;
        this.httpStatus = httpStatus;
    }

    /** The code as it appears on the wire, e.g. {@code bad_op}. */
    public String wireName() {
        return wireName;
    }

    /** The HTTP status used when this error answers an HTTP request. */
    public int httpStatus() {
        return httpStatus;
    }
}
