package dev.livepad.room;

import dev.livepad.metrics.ServerStats;
import dev.livepad.protocol.CloseCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection's bounded queue of outgoing frames, written in order. Whatever has queued up while
 * the previous write was in progress goes out as one batch, which the transport coalesces into
 * one socket write: a busy connection pays one system call for many frames. A peer that falls
 * behind by more than the bound (frames queued or being written; bytes waiting), or whose write
 * fails, is closed with 1013 so that it resumes rather than silently missing an op; nobody else
 * ever waits for it. A single frame larger than the byte bound (a join reply with a large
 * document) is still accepted when nothing else is waiting.
 *
 * <p>Frames are UTF-8 bytes, so a broadcast is encoded once for all its recipients.
 */
public final class Outbox {
    private static final int MAX_BATCH = 256;
    /** Bytes handed over at once, beyond the first frame: what is being written is not counted against the bound. */
    private static final int MAX_BATCH_BYTES = 64 * 1024;

    private final Transport transport;
    private final int maxFrames;
    private final long maxBytes;
    private final ServerStats stats;
    private final SendBudget shared;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>(4);
    private long queuedBytes; // of the frames waiting, not those being written
    private long inFlightBytes;
    private int inFlight;
    private boolean writing;
    private boolean closed;
    private boolean closeSent;

    public Outbox(Transport transport, int maxFrames, long maxBytes, ServerStats stats) {
        this(transport, maxFrames, maxBytes, stats, SendBudget.UNLIMITED);
    }

    /** An outbox whose waiting and in-flight bytes also count against the server-wide {@code shared}. */
    public Outbox(Transport transport, int maxFrames, long maxBytes, ServerStats stats, SendBudget shared) {
        this.transport = transport;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.stats = stats;
        this.shared = shared;
    }

    /** Queues a frame; returns false if the outbox is closed or just overflowed and closed. */
    public boolean send(String frame) {
        return send(encode(frame), null);
    }

    /** The bytes a frame goes out as; encode a broadcast once and send the same bytes to each member. */
    public static byte[] encode(String frame) {
        return frame.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Queues a frame; if this starts a write, it runs on {@code writer} rather than the calling
     * thread (null: the calling thread). A room broadcasting to many members uses this so that
     * its own thread only queues, and the writes spread over the pool.
     */
    public boolean send(byte[] frame, Executor writer) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (queue.size() + inFlight >= maxFrames
                    || (!queue.isEmpty() && queuedBytes + frame.length > maxBytes)
                    || !shared.tryTake(frame.length)) {
                release();
                closed = true;
            } else {
                queue.add(frame);
                queuedBytes += frame.length;
                if (writing) {
                    return true;
                }
                writing = true;
            }
        }
        if (closed) {
            stats.slowConsumersClosed.increment();
            abort(CloseCode.TRY_AGAIN_LATER, "outbound queue full: the client is not keeping up");
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
        release();
    }

    /** Gives back to the shared budget everything this outbox holds; frames still in flight too. */
    private void release() {
        shared.give(queuedBytes + inFlightBytes);
        queue.clear();
        queuedBytes = 0;
        inFlightBytes = 0;
    }

    /** Drops what is queued and closes the connection with {@code status}. */
    public void abort(CloseCode status, String reason) {
        synchronized (this) {
            closed = true;
            release();
            if (closeSent) {
                return; // closing already: the first code and reason stand
            }
            closeSent = true;
        }
        stats.closeSent(status.code());
        transport.close(status.code(), reason);
    }

    /**
     * Whether a frame of about {@code bytes} would fit the server-wide send budget now: checked
     * before building a large frame (a join reply), so it is not built only to be refused.
     */
    public boolean couldQueue(long bytes) {
        return shared.fits(bytes);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Frames waiting or being written. */
    public synchronized int queuedFrames() {
        return queue.size() + inFlight;
    }

    /**
     * Hands everything queued (up to {@link #MAX_BATCH} frames and about {@link #MAX_BATCH_BYTES})
     * to the transport as one batch, and the next batch once that one is written. A batch that
     * completes inline loops here instead of recursing from its callback, so a fast socket cannot
     * overflow the stack. Only the thread that set {@code writing} sends, so frames keep their order.
     */
    private void writeLoop() {
        while (true) {
            byte[][] batch;
            synchronized (this) {
                if (closed || queue.isEmpty()) {
                    writing = false;
                    return;
                }
                int frames = 0;
                long bytes = 0;
                for (byte[] frame : queue) {
                    if (frames == MAX_BATCH || (frames > 0 && bytes + frame.length > MAX_BATCH_BYTES)) {
                        break;
                    }
                    frames++;
                    bytes += frame.length;
                }
                batch = new byte[frames][];
                for (int i = 0; i < frames; i++) {
                    batch[i] = queue.poll();
                }
                queuedBytes -= bytes;
                inFlightBytes = bytes;
                inFlight = frames;
            }
            AtomicBoolean handedOff = new AtomicBoolean(); // set first by the caller returning or the callback
            transport.send(batch, () -> {
                written(batch.length);
                if (!handedOff.compareAndSet(false, true)) {
                    writeLoop(); // completed later, on another thread: this callback continues
                }
            }, this::failed);
            if (handedOff.compareAndSet(false, true)) {
                return; // not written yet: the callback continues
            }
        }
    }

    private void written(int frames) {
        long bytes;
        synchronized (this) {
            inFlight = 0;
            bytes = inFlightBytes;
            shared.give(inFlightBytes);
            inFlightBytes = 0;
        }
        stats.messagesOut.add(frames);
        stats.bytesOut.add(bytes);
    }
    private void failed(Throwable cause) {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        abort(CloseCode.TRY_AGAIN_LATER, "send failed");
    }
}
