package dev.livepad.room;

import dev.livepad.metrics.ServerStats;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection's bounded queue of outgoing frames, written one at a time. A peer that falls
 * behind by more than the bound, or whose write fails, is closed with 1013 so that it resumes
 * rather than silently missing an op; nobody else ever waits for it.
 */
public final class Outbox {
    public static final int TRY_AGAIN_LATER = 1013;

    private final Transport transport;
    private final int maxFrames;
    private final long maxChars;
    private final ServerStats stats;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private long queuedChars;
    private boolean writing;
    private boolean closed;

    public Outbox(Transport transport, int maxFrames, long maxChars, ServerStats stats) {
        this.transport = transport;
        this.maxFrames = maxFrames;
        this.maxChars = maxChars;
        this.stats = stats;
    }

    /** Queues a frame; returns false if the outbox is closed or just overflowed and closed. */
    public boolean send(String frame) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (queue.size() >= maxFrames || queuedChars + frame.length() > maxChars) {
                closed = true;
            } else {
                queue.add(frame);
                queuedChars += frame.length();
                if (writing) {
                    return true;
                }
                writing = true;
            }
        }
        if (closed) {
            stats.slowConsumersClosed.increment();
            abort(TRY_AGAIN_LATER, "outbound queue full: the client is not keeping up");
            return false;
        }
        writeLoop();
        return true;
    }

    /** Marks the outbox closed (the socket is gone) and drops what is queued. */
    public synchronized void close() {
        closed = true;
        writing = false;
        queue.clear();
        queuedChars = 0;
    }

    /** Drops what is queued and closes the connection with {@code statusCode}. */
    public void abort(int statusCode, String reason) {
        close();
        transport.close(statusCode, reason);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    public synchronized int queuedFrames() {
        return queue.size();
    }

    /**
     * Writes queued frames until one completes asynchronously. A write that completes inline
     * loops here instead of recursing from its callback, so a fast socket cannot overflow the stack.
     */
    private void writeLoop() {
        while (true) {
            String frame;
            synchronized (this) {
                frame = queue.peek();
                if (frame == null || closed) {
                    writing = false;
                    return;
                }
            }
            AtomicInteger state = new AtomicInteger(); // 0 pending, 1 completed inline, 2 caller returned
            transport.send(frame, () -> {
                written(frame);
                if (!state.compareAndSet(0, 1)) {
                    writeLoop();
                }
            }, this::failed);
            if (state.compareAndSet(0, 2)) {
                return;
            }
        }
    }

    private void written(String frame) {
        synchronized (this) {
            if (queue.peek() == frame) {
                queue.poll();
                queuedChars -= frame.length();
            }
        }
        stats.messagesOut.increment();
    }

    private void failed(Throwable cause) {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        abort(TRY_AGAIN_LATER, "send failed");
    }
}
