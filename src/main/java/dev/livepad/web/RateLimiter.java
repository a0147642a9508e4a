package dev.livepad.web;

/**
 * One connection's incoming message budget. A message over the limit is dropped with
 * {@code rate_limited}; a client that keeps sending a whole further burst while empty is abusing
 * the server and is disconnected (1008).
 */
final class RateLimiter {
    enum Verdict { ALLOW, DROP, DISCONNECT }

    private final TokenBucket bucket;
    private final int burst;
    private int consecutiveDrops;

    RateLimiter(int ratePerSecond, int burst, long nowNanos) {
        this.bucket = new TokenBucket(ratePerSecond, burst, nowNanos);
        this.burst = Math.max(1, burst);
    }

    synchronized Verdict acquire(long nowNanos) {
        if (bucket.tryTake(nowNanos)) {
            consecutiveDrops = 0;
            return Verdict.ALLOW;
        }
        return ++consecutiveDrops > burst ? Verdict.DISCONNECT : Verdict.DROP;
    }
}
