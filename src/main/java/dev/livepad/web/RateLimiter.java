package dev.livepad.web;

/**
 * One connection's incoming budget, in messages and in bytes (UTF-8): a flood of small messages
 * and a stream of large ones both cost the server. A message over either budget is dropped with
 * {@code rate_limited}; a client that keeps sending a whole further burst of messages while
 * limited, or drops more than a further burst of bytes (refilled at the same rate, so small
 * messages in between do not hide a stream of large ones), is abusing the server and is
 * disconnected (1008).
 */
final class RateLimiter {
    enum Verdict { ALLOW, DROP, DISCONNECT }

    /** Work a message may cause for free; about 20 µs of transforming on this project's machines. */
    static final int STEPS_PER_MESSAGE = 10_000;

    private final TokenBucket messages;
    private final TokenBucket bytes;
    private final TokenBucket droppedBytes;
    private final int burst;
    private int consecutiveDrops;

    RateLimiter(int ratePerSecond, int burst, int bytesPerSecond, int bytesBurst, long nowNanos) {
        this.messages = new TokenBucket(ratePerSecond, burst, nowNanos);
        this.bytes = new TokenBucket(bytesPerSecond, bytesBurst, nowNanos);
        this.droppedBytes = new TokenBucket(bytesPerSecond, bytesBurst, nowNanos);
        this.burst = Math.max(1, burst);
    }

    /** Takes one message of {@code size} bytes from both budgets, or neither. */
    synchronized Verdict acquire(long nowNanos, int size) {
        if (messages.canTake(nowNanos, 1) && bytes.canTake(nowNanos, size)) {
            messages.tryTake(nowNanos, 1);
            bytes.tryTake(nowNanos, size);
            consecutiveDrops = 0;
            return Verdict.ALLOW;
        }
        boolean tolerated = droppedBytes.tryTake(nowNanos, size);
        return ++consecutiveDrops > burst || !tolerated ? Verdict.DISCONNECT : Verdict.DROP;
    }

    /**
     * Charges work a room did for one of this connection's messages (steps of transforming ops
     * and moving ranges), at one message per {@link #STEPS_PER_MESSAGE}: a cheap message that
     * causes expensive work pays for it with the messages after it.
     */
    void charge(long steps) {
        messages.charge(System.nanoTime(), steps / (double) STEPS_PER_MESSAGE);
    }

    /** The UTF-8 length of a frame Jetty has already decoded, without encoding it again. */
    static int utf8Length(CharSequence text) {
        int length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }
}
