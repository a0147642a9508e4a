package dev.livepad.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The queue between callers and the writer thread. Bounded in commands and in the bytes of the
 * ops they carry (a few thousand large ops would otherwise hold hundreds of megabytes while the
 * disk catches up), so overload blocks callers instead of exhausting memory; closing queues
 * {@link WriteCommand.Stop} last, and nothing is accepted after it.
 */
final class WriteQueue {

    /** The bound is kept in units of this many bytes; every command takes at least one. */
    static final int UNIT_BYTES = 1024;

    private final BlockingQueue<WriteCommand> queue = new LinkedBlockingQueue<>();
    private final Semaphore room;
    private final int maxUnits;

    /** Read-locked to queue a command, write-locked to close, so no command lands behind Stop. */
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile Thread consumer;

    /** At most {@code capacity} commands, and {@code maxBytes} of op JSON, wait at once. */
    WriteQueue(int capacity, long maxBytes) {
        this.maxUnits = (int) Math.min(capacity, Math.max(1, maxBytes / UNIT_BYTES));
        this.room = new Semaphore(maxUnits, true);
    }

    static int units(WriteCommand command) {
        long bytes = command instanceof WriteCommand.Append append ? append.op.opJson().length() : 0;
        return (int) Math.max(1, (bytes + UNIT_BYTES - 1) / UNIT_BYTES);
    }

    /** The thread that takes from this queue: it never waits for room in it (see {@link #offer}). */
    void consumedBy(Thread thread) {
        consumer = thread;
    }

    /**
     * Null when queued, else the exception to report (closed store, or interrupted while full).
     * The consumer's own writes (room work it runs while delivering a commit) are taken over the
     * bound: waiting for itself to make room would never end. They are few, one drain's worth.
     */
    RuntimeException offer(WriteCommand command) {
        closing.readLock().lock();
        try {
            if (closed) {
                return new StoreException("store is closed");
            }
            if (Thread.currentThread() != consumer) {
                command.units = Math.min(units(command), maxUnits);
                room.acquire(command.units);
            }
            queue.add(command);
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
            queue.add(WriteCommand.Stop.INSTANCE); // outside the bound: it carries nothing
            return true;
        } finally {
            closing.writeLock().unlock();
        }
    }

    /** Blocks for the next command, then adds it and up to {@code max - 1} more queued behind it. */
    void takeBatch(List<WriteCommand> batch, int max) throws InterruptedException {
        WriteCommand first = queue.take();
        batch.add(first);
        released(first);
        drainMore(batch, max);
    }

    /** Adds whatever is queued now to {@code batch}, up to {@code max} commands in all; never blocks. */
    void drainMore(List<WriteCommand> batch, int max) {
        int from = batch.size();
        queue.drainTo(batch, Math.max(0, max - batch.size()));
        for (int i = from; i < batch.size(); i++) {
            released(batch.get(i));
        }
    }

    private void released(WriteCommand command) {
        room.release(command.units);
    }

    /** Commands still queued (other than Stop); only non-empty if the writer died early. */
    List<WriteCommand> drainLeftovers() {
        List<WriteCommand> leftovers = new ArrayList<>();
        queue.drainTo(leftovers);
        leftovers.forEach(this::released);
        leftovers.remove(WriteCommand.Stop.INSTANCE);
        return leftovers;
    }
}
