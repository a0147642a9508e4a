package dev.livepad.web;

import dev.livepad.room.Transport;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * A room {@link Transport} on a Jetty WebSocket session. A batch of frames goes to Jetty's core
 * session with every frame but the last marked "batch", so Jetty's flusher copies small frames
 * into its aggregation buffer and writes them together, a few KB per system call, instead of one
 * call per frame (the session API's {@code sendText} never batches). Completion is reported through Jetty's
 * callback (Javalin's {@code ctx.send} would drop failures), and a close that the peer does not
 * answer in time becomes a hard disconnect.
 */
final class JettyTransport implements Transport {
    private static final long CLOSE_GRACE_MILLIS = 5_000;

    private final Session session;
    private final CoreSession core;
    private final ScheduledExecutorService scheduler;

    JettyTransport(Session session, ScheduledExecutorService scheduler) {
        this.session = session;
        this.core = ((WebSocketSession) session).getCoreSession();
        this.scheduler = scheduler;
    }

    @Override
    public void send(byte[][] frames, Runnable onSent, Consumer<Throwable> onFailed) {
        // A batched frame's callback succeeds once it is copied into the aggregate, so only its
        // failure matters. Any frame's failure is reported once, and then the batch never succeeds:
        // a frame lost in the middle must close the connection, never pass silently.
        AtomicBoolean failed = new AtomicBoolean();
        Consumer<Throwable> failOnce = failure -> {
            if (failed.compareAndSet(false, true)) {
                onFailed.accept(failure);
            }
        };
        Callback last = Callback.from(() -> {
            if (!failed.get()) {
                onSent.run();
            }
        }, failOnce);
        Callback batched = Callback.from(() -> { }, failOnce);
        for (int i = 0; i < frames.length; i++) {
            boolean more = i < frames.length - 1;
            core.sendFrame(new Frame(OpCode.TEXT).setPayload(ByteBuffer.wrap(frames[i])),
                    more ? batched : last, more);
        }
    }

    @Override
    public void close(int statusCode, String reason) {
        session.close(statusCode, reason, org.eclipse.jetty.websocket.api.Callback.NOOP);
        // isOpen() turns false as soon as the close frame is queued, even if a stalled peer never
        // reads it; disconnecting an already closed session does nothing, so do it regardless.
        scheduler.schedule(session::disconnect, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }
}
