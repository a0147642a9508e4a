package dev.livepad.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The queue between callers and the PostgreSQL writer thread, bounded in ops and in the bytes they
 * carry. Unlike SQLite's {@link WriteQueue}, which makes callers wait for a local disk, a full queue
 * refuses at once: it fills when PostgreSQL is slow or gone, and a room thread blocked behind a
 * network outage would stop serving everything else; failing the append lets the room recover.
 */
final class PostgresWriteQueue {

    /** The bound is kept in units of this many characters of op JSON; every op takes at least one. */
    static final int UNIT_CHARS = 1024;

    private final BlockingQueue<PostgresAppend> queue = new LinkedBlockingQueue<>();
    private final Semaphore room;
    private final int maxUnits;

    /** Read-locked to queue, write-locked to close, so nothing lands behind STOP. */
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** At most {@code maxOps} ops, and {@code maxChars} characters of op JSON, wait at once. */
    PostgresWriteQueue(int maxOps, long maxChars) {
        this.maxUnits = (int) Math.min(maxOps, Math.max(1, maxChars / UNIT_CHARS));
        this.room = new Semaphore(maxUnits);
    }

    private int units(PostgresAppend append) {
        long units = Math.max(append.ops.size(), (append.chars() + UNIT_CHARS - 1) / UNIT_CHARS);
        return (int) Math.min(units, maxUnits);
    }

    /** Null when queued, else the exception to fail the append with (closed, or full). */
    RuntimeException offer(PostgresAppend append) {
        closing.readLock().lock();
        try {
            if (closed) {
                return new StoreException("store is closed");
            }
            if (!room.tryAcquire(units(append))) {
                return new StoreException("the PostgreSQL write queue is full (" + maxUnits
                        + " ops or KB waiting); the database is too slow or unreachable");
            }
            queue.add(append);
            return null;
        } finally {
            closing.readLock().unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Refuses further appends and queues STOP; returns false when it was already closed. */
    boolean close() {
        closing.writeLock().lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            queue.add(PostgresAppend.STOP);
            return true;
        } finally {
            closing.writeLock().unlock();
        }
    }

    /** Blocks for the next append, then adds those queued behind it while the group holds under {@code maxOps}. */
    void takeGroup(List<PostgresAppend> group, int maxOps) throws InterruptedException {
        PostgresAppend first = queue.take();
        group.add(first);
        released(first);
        int ops = first.ops.size();
        PostgresAppend next;
        while (ops < maxOps && (next = queue.poll()) != null) {
            group.add(next);
            released(next);
            ops += next.ops.size();
        }
    }

    /** Adds everything queued now to {@code group}; never blocks. */
    void drainAll(List<PostgresAppend> group) {
        int from = group.size();
        queue.drainTo(group);
        for (int i = from; i < group.size(); i++) {
            released(group.get(i));
        }
    }

    private void released(PostgresAppend append) {
        if (append != PostgresAppend.STOP) {
            room.release(units(append));
        }
    }

    /** Appends still queued (other than STOP); only non-empty if the writer died early. */
    List<PostgresAppend> drainLeftovers() {
        List<PostgresAppend> leftovers = new ArrayList<>();
        drainAll(leftovers);
        leftovers.remove(PostgresAppend.STOP);
        return leftovers;
    }
}
