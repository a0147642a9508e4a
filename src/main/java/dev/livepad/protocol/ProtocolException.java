package dev.livepad.protocol;

/**
 * A request that cannot be carried out, with the code the client receives. Thrown anywhere,
 * caught in one place at the edge (the WebSocket dispatcher or the HTTP error handler).
 */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;
    private final int httpStatus;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, code.httpStatus());
    }

    /** The same failure answered over HTTP with another status than the code's usual one. */
    public ProtocolException(ProtocolException failure, int httpStatus) {
        this(failure.code, failure.getMessage(), httpStatus);
    }

    private ProtocolException(ErrorCode code, String message, int httpStatus) {
        super(message, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public ErrorCode code() {
        return code;
    }

    /** The status an HTTP request failing with this is answered with. */
    public int httpStatus() {
        return httpStatus;
    }
}
