package dev.livepad.loadgen;

/** Callbacks of a {@link WsConnection}, all on its event-loop thread, in order. */
interface WsListener {
    /** A whole text message; {@code receivedNanos} is {@link System#nanoTime()} when its last byte was read. */
    void onText(String message, long receivedNanos);

    /** The connection ended: the server's close status, or 1006 if the socket simply went away. */
    void onClose(int statusCode);
}
