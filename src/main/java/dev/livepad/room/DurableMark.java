package dev.livepad.room;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The highest revision the store has confirmed, carried to the room's executor with at most one
 * task in flight: the store confirms a group commit's ops one after another, and a room with
 * several ops in that commit releases all of their replies in one task instead of one each.
 * Safe to advance from any thread.
 */
final class DurableMark {
    private final AtomicLong rev;
    private final AtomicBoolean posted = new AtomicBoolean();
    private final Executor executor;
    private final LongConsumer committed;

    DurableMark(long rev, Executor executor, LongConsumer committed) {
        this.rev = new AtomicLong(rev);
        this.executor = executor;
        this.committed = committed;
    }

    /** Records that every op up to {@code durable} is stored; {@code committed} runs on the executor. */
    void advance(long durable) {
        rev.accumulateAndGet(durable, Math::max);
        if (posted.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    // Cleared before reading: an advance that finds the flag still set has already
                    // raised rev, which this read then sees; one that finds it cleared posts again.
                    posted.set(false);
                    committed.accept(rev.get());
                });
            } catch (RuntimeException e) {
                posted.set(false); // not posted (the pool is shutting down): let a later advance try
                throw e;
            }
        }
    }
}
