package dev.livepad.room;

import dev.livepad.metrics.ServerStats;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection's bounded queue of outgoing frames, written in order in small batches. A peer that
 * falls behind by more than the bound (frames queued or being written; characters waiting), or
 * whose write fails, is closed with 1013 so that it resumes rather than silently missing an op;
 * nobody else ever waits for it. A single frame larger than the character bound (a join reply
 * with a large document) is still accepted when nothing else is waiting.
 */
public final class Outbox {
    public static final int TRY_AGAIN_LATER = 1013;
    private static final int MAX_BATCH = 32;

    private final Transport transport;
    private final int maxFrames;
    private final long maxChars;
    private final ServerStats stats;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private long queuedChars; // of the frames waiting, not those being written
    private int inFlight;
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
        return send(frame, null);
    }

    /**
     * Queues a frame; if this starts a write, it runs on {@code writer} rather than the calling
     * thread (null: the calling thread). A room broadcasting to many members uses this so that
     * its own thread only queues, and the writes spread over the pool.
     */
    public boolean send(String frame, Executor writer) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (queue.size() + inFlight >= maxFrames
                    || (!queue.isEmpty() && queuedChars + frame.length() > maxChars)) {
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
        if (writer == null) {
            writeLoop();
        } else {
            writer.execute(this::writeLoop);
        }
        return true;
    }

    /** Marks the outbox closed (the socket is gone) and drops what is queued. */
    public synchronized void close() {
        closed = true;
        queue.clear();
    }

    /** Drops what is queued and closes the connection with {@code statusCode}. */
    public void abort(int statusCode, String reason) {
        close();
        transport.close(statusCode, reason);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Frames waiting or being written. */
    public synchronized int queuedFrames() {
        return queue.size() + inFlight;
    }

    /**
     * Hands queued frames to the transport a batch at a time, so Jetty can gather a burst into one
     * write, and takes the next batch once the whole batch is written. A batch that completes
     * inline loops here instead of recursing from its callback, so a fast socket cannot overflow
     * the stack. Only the thread that set {@code writing} sends, so frames keep their order.
     */
    private void writeLoop() {
        while (true) {
            String[] batch;
            synchronized (this) {
                if (closed || queue.isEmpty()) {
                    writing = false;
                    return;
                }
                batch = new String[Math.min(MAX_BATCH, queue.size())];
                for (int i = 0; i < batch.length; i++) {
                    batch[i] = queue.poll();
                    queuedChars -= batch[i].length();
                }
                inFlight += batch.length;
            }
            AtomicInteger remaining = new AtomicInteger(batch.length);
            AtomicBoolean handedOff = new AtomicBoolean(); // set first by the caller returning or the last callback
            for (String frame : batch) {
                transport.send(frame, () -> {
                    written(frame);
                    if (remaining.decrementAndGet() == 0 && !handedOff.compareAndSet(false, true)) {
                        writeLoop();
                    }
                }, this::failed);
            }
            if (handedOff.compareAndSet(false, true)) {
                return; // the batch's last callback continues
            }
        }
    }

    private void written(String frame) {
        synchronized (this) {
            inFlight--;
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
