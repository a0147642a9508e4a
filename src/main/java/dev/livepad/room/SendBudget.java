package dev.livepad.room;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all connections together may have waiting to be sent. Each outbox is bounded on its
 * own, but a client that opens many connections and reads none of them multiplies that bound
 * (a join reply carries the whole text); past this budget, the connection whose frame does not fit
 * is closed as too slow (1013: it may come back and resume) rather than queue more. Frames
 * shared by a broadcast are counted once per connection, so the sum errs on the safe side.
 */
public final class SendBudget {
    /** No limit beyond each outbox's own. */
    public static final SendBudget UNLIMITED = new SendBudget(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public SendBudget(long limit) {
        this.limit = limit;
    }

    /** Takes {@code bytes} unless that would pass the limit. */
    boolean tryTake(long bytes) {
        long now = used.addAndGet(bytes);
        if (now > limit) {
            used.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    boolean fits(long bytes) {
        return used.get() + bytes <= limit;
    }

    void give(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes waiting in every outbox now. */
    public long used() {
        return used.get();
    }
}
