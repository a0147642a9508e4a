package dev.livepad.web;

/**
 * A token bucket for one connection's incoming messages: {@code ratePerSecond} sustained, bursts
 * up to {@code burst}. A message over the limit is dropped with {@code rate_limited}; a client that
 * keeps sending a whole further burst while empty is abusing the server and is disconnected.
 */
final class RateLimiter {
    enum Verdict { ALLOW, DROP, DISCONNECT }

    private final double ratePerNano;
    private final int burst;
    private double tokens;
    private long lastRefill;
    private int consecutiveDrops;

    RateLimiter(int ratePerSecond, int burst, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
        this.lastRefill = nowNanos;
    }

    synchronized Verdict acquire(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastRefill) * ratePerNano);
        lastRefill = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            consecutiveDrops = 0;
            return Verdict.ALLOW;
        }
        return ++consecutiveDrops > burst ? Verdict.DISCONNECT : Verdict.DROP;
    }
}
