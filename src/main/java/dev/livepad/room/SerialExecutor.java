package dev.livepad.room;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: a room's mailbox. Whatever
 * thread a message arrives on, the room sees its messages one by one, so room state needs no locks.
 *
 * <p>Fair across rooms: a drain runs at most {@link #BATCH} tasks or {@link #SLICE_NANOS} of
 * work, then goes to the back of the line. The line must be the pool's shared queue: a fork-join
 * worker that resubmits puts the task on its own local queue and runs it next, ahead of every
 * other room, so a room that always has work would keep that thread forever. The continuation
 * is therefore resubmitted from outside the pool, through {@code requeue}.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    static final int BATCH = 64;
    static final long SLICE_NANOS = 2_000_000;

    private final Executor pool;
    private final Executor requeue;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** {@code requeue} runs on a thread outside {@code pool}; it only hands the drain back to the pool. */
    SerialExecutor(Executor pool, Executor requeue) {
        this.pool = pool;
        this.requeue = requeue;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) {
            pool.execute(this::drain);
        }
    }

    /**
     * Runs {@code task} on the calling thread if the room is idle, else queues it behind the
     * running drain: no thread is woken for a room that is free. For callers that never hold a
     * lock the room's work could need and may spend a slice of time here: the thread that read
     * the op, and the store's writer delivering a commit. What is still queued after a slice
     * goes to the pool as usual.
     */
    void executeHere(Runnable task) {
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) {
            drain();
        }
    }

    private void drain() {
        long start = System.nanoTime();
        for (int i = 0; i < BATCH && System.nanoTime() - start < SLICE_NANOS; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                break;
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("room task failed", e);
            }
        }
        if (!tasks.isEmpty()) {
            requeue.execute(() -> pool.execute(this::drain)); // still scheduled: to the back of the line
            return;
        }
        scheduled.set(false);
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            pool.execute(this::drain); // a task arrived after the last poll
        }
    }
}
