package dev.livepad.room;

/**
 * The socket under an {@link Outbox}: sends one text frame at a time and reports the outcome.
 * The web layer implements it on a Jetty session, so rooms never see the web framework.
 */
public interface Transport {

    /** Starts sending one frame; exactly one of the two callbacks runs once it is written or failed. */
    void send(String frame, Runnable onSent, java.util.function.Consumer<Throwable> onFailed);

    /** Closes the connection with a WebSocket status code, forcibly if the peer does not respond. */
    void close(int statusCode, String reason);
}
