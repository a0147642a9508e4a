package dev.livepad.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The queue between callers and the writer thread. Bounded, so overload blocks callers instead of
 * exhausting memory; closing queues {@link WriteCommand.Stop} last, and nothing is accepted after it.
 */
final class WriteQueue {

    private final BlockingQueue<WriteCommand> queue;

    /** Read-locked to queue a command, write-locked to close, so no command lands behind Stop. */
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private volatile boolean closed;

    WriteQueue(int capacity) {
        this.queue = new LinkedBlockingQueue<>(capacity);
    }

    /** Null when queued, else the exception to report (closed store, or interrupted while full). */
    RuntimeException offer(WriteCommand command) {
        closing.readLock().lock();
        try {
            if (closed) {
                return new StoreException("store is closed");
            }
            queue.put(command);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new StoreException("interrupted while the write queue was full");
        } finally {
            closing.readLock().unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Refuses further commands and queues Stop; returns false when it was already closed. */
    boolean close() {
        closing.writeLock().lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            boolean interrupted = false;
            while (true) {
                try {
                    queue.put(WriteCommand.Stop.INSTANCE); // waits while full; the writer is draining
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return true;
        } finally {
            closing.writeLock().unlock();
        }
    }

    /** Blocks for the next command, then adds it and up to {@code max - 1} more queued behind it. */
    void takeBatch(List<WriteCommand> batch, int max) throws InterruptedException {
        batch.add(queue.take());
        queue.drainTo(batch, max - 1);
    }

    /** Adds whatever is queued now to {@code batch}, up to {@code max} commands in all; never blocks. */
    void drainMore(List<WriteCommand> batch, int max) {
        queue.drainTo(batch, Math.max(0, max - batch.size()));
    }

    /** Commands still queued (other than Stop); only non-empty if the writer died early. */
    List<WriteCommand> drainLeftovers() {
        List<WriteCommand> leftovers = new ArrayList<>();
        queue.drainTo(leftovers);
        leftovers.remove(WriteCommand.Stop.INSTANCE);
        return leftovers;
    }
}
