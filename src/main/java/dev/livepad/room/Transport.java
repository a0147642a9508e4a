package dev.livepad.room;

import java.util.function.Consumer;

/**
 * The socket under an {@link Outbox}: writes text frames and reports the outcome. The web layer
 * implements it on a Jetty session, so rooms never see the web framework.
 */
public interface Transport {

    /**
     * Starts writing {@code frames} (UTF-8 text payloads) in order, coalesced into as few socket
     * writes as it can; exactly one of the two callbacks runs, once every frame is written or
     * when the write failed.
     */
    void send(byte[][] frames, Runnable onSent, Consumer<Throwable> onFailed);

    /** Closes the connection with a WebSocket status code, forcibly if the peer does not respond. */
    void close(int statusCode, String reason);
}
