package dev.livepad.web;

import dev.livepad.room.Transport;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * A room {@link Transport} on a Jetty WebSocket session. Sends report completion through Jetty's
 * callback (Javalin's {@code ctx.send} would drop failures), and a close that the peer does not
 * answer in time becomes a hard disconnect.
 */
final class JettyTransport implements Transport {
    private static final long CLOSE_GRACE_MILLIS = 5_000;

    private final Session session;
    private final ScheduledExecutorService scheduler;

    JettyTransport(Session session, ScheduledExecutorService scheduler) {
        this.session = session;
        this.scheduler = scheduler;
    }

    @Override
    public void send(String frame, Runnable onSent, Consumer<Throwable> onFailed) {
        session.sendText(frame, Callback.from(onSent, onFailed));
    }

    @Override
    public void close(int statusCode, String reason) {
        session.close(statusCode, reason, Callback.NOOP);
        // isOpen() turns false as soon as the close frame is queued, even if a stalled peer never
        // reads it; disconnecting an already closed session does nothing, so do it regardless.
        scheduler.schedule(session::disconnect, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }
}
