package dev.livepad.protocol;

/**
 * A request that cannot be carried out, with the code the client receives. Thrown anywhere,
 * caught in one place at the edge (the WebSocket dispatcher or the HTTP error handler).
 */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
