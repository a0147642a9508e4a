package dev.livepad.protocol;

/**
 * WebSocket close statuses (RFC 6455 section 7.4.1, and 1012 and 1013 from the IANA registry), as
 * Javalin's {@code WsCloseStatus} names them. The ones the server sends, and when, are the
 * contract's (docs/protocol.md, "Close codes"); the others are here because a peer may close with them
 * and the metrics count every status by name.
 */
public enum CloseCode {
    /** Sent by well-behaved clients as they leave. */
    NORMAL(1000),
    /** Sent to a connection that sent nothing for the idle timeout. */
    GOING_AWAY(1001),
    /** Sent by Jetty on a frame that breaks RFC 6455. */
    PROTOCOL_ERROR(1002),
    /** Sent on a binary frame: the protocol is JSON text. */
    UNSUPPORTED_DATA(1003),
    /** Reported for a close frame without a status; never sent. */
    NO_STATUS(1005),
    /** Reported for a connection that ended without a close frame; never sent. */
    ABNORMAL(1006),
    /** Sent by Jetty on text that is not UTF-8. */
    INVALID_PAYLOAD(1007),
    /** Sent to a client that keeps sending far faster than its rate limit. */
    POLICY_VIOLATION(1008),
    /** Sent by Jetty on a frame larger than the configured limit. */
    MESSAGE_TOO_BIG(1009),
    /** Sent by a client that needs an extension the server did not offer. */
    MANDATORY_EXTENSION(1010),
    /** Sent by Javalin if a handler fails unexpectedly; livepad answers errors in messages instead. */
    SERVER_ERROR(1011),
    /** Sent to every connection when the server shuts down, after its drain. */
    SERVICE_RESTART(1012),
    /** Sent to a member too slow to keep up with its room, or whose room failed: it may reconnect and resume. */
    TRY_AGAIN_LATER(1013);

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    /** The status number in the close frame. */
    public int code() {
        return code;
    }
}
