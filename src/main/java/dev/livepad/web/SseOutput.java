package dev.livepad.web;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An event stream's response body, written without ever blocking a thread (the servlet's
 * non-blocking output): bytes go to the socket at once if it takes them, else they wait here
 * until Jetty reports it writable again. A client that stops reading holds its bytes (bounded by
 * its outbox) and no thread. With blocking writes on a pool, a few such clients held every
 * writer, and every other client's stream, in any room, was ended for want of one.
 */
final class SseOutput implements WriteListener {
    /** Bytes to write, and what runs once they are flushed, or once they cannot be. */
    private record Chunk(byte[] bytes, Runnable onSent, Consumer<Throwable> onFailed) {
    }

    /**
     * A chunk is handed to the socket this much at a time, so a large one (a join reply with a
     * megabyte of text) shows its progress to {@link #waitingSince}, over a slow link too.
     */
    private static final int SLICE_BYTES = 64 * 1024;

    private final ServletOutputStream out;
    private final Consumer<Throwable> onError;
    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private Chunk current; // being written: its first `offset` bytes are, then it is flushed
    private int offset;
    private boolean flushed;
    private Throwable failure;
    private long progressNanos; // when the socket last took bytes, or was given some while idle

    /** Takes over {@code out}, whose request must be asynchronous; {@code onError} runs once if it fails. */
    SseOutput(ServletOutputStream out, Consumer<Throwable> onError) {
        this.out = out;
        this.onError = onError;
        out.setWriteListener(this);
    }

    /** Writes {@code bytes} after everything before them; exactly one of the two callbacks runs. */
    void write(byte[] bytes, Runnable onSent, Consumer<Throwable> onFailed) {
        List<Runnable> done;
        Throwable failed;
        synchronized (this) {
            failed = failure;
            if (failed == null) {
                if (current == null && queue.isEmpty()) {
                    progressNanos = System.nanoTime();
                }
                queue.add(new Chunk(bytes, onSent, onFailed));
                done = pump();
            } else {
                done = List.of();
            }
        }
        if (failed != null) {
            onFailed.accept(failed);
        }
        done.forEach(Runnable::run);
    }

    /**
     * Since when (in {@link System#nanoTime}) bytes have waited with the socket taking none of
     * them; 0 when nothing waits.
     */
    synchronized long waitingSince() {
        return current == null && queue.isEmpty() ? 0 : progressNanos;
    }

    @Override
    public void onWritePossible() {
        List<Runnable> done;
        synchronized (this) {
            done = pump();
        }
        done.forEach(Runnable::run);
    }

    @Override
    public void onError(Throwable t) {
        fail(t);
    }

    /**
     * Writes and flushes what it can now, in order, and returns the callbacks of the chunks that
     * are done, to run once the lock is released (they may write again).
     */
    private List<Runnable> pump() {
        List<Runnable> done = new ArrayList<>(1);
        try {
            while (failure == null && out.isReady()) {
                progressNanos = System.nanoTime(); // whatever was handed over before is taken
                if (current != null && offset < current.bytes().length) {
                    int length = Math.min(SLICE_BYTES, current.bytes().length - offset);
                    out.write(current.bytes(), offset, length);
                    offset += length;
                } else if (current != null && !flushed) {
                    flushed = true;
                    out.flush();
                } else if (current != null) {
                    done.add(current.onSent());
                    current = null;
                } else if (!queue.isEmpty()) {
                    current = queue.poll();
                    offset = 0;
                    flushed = false;
                } else {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not here, under the lock: from whichever thread called, once it has let go.
            done.add(() -> fail(e));
        }
        return done;
    }

    /** The stream broke: every waiting chunk fails, then the stream is told, once. */
    private void fail(Throwable cause) {
        List<Chunk> lost = new ArrayList<>();
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = cause;
            if (current != null) {
                lost.add(current);
                current = null;
            }
            lost.addAll(queue);
            queue.clear();
        }
        lost.forEach(chunk -> chunk.onFailed().accept(cause));
        onError.accept(cause);
    }
}
