package dev.livepad.web;

/** A token bucket: {@code ratePerSecond} sustained, bursts up to {@code burst}. Thread-safe. */
final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long lastRefill;

    TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
        this.lastRefill = nowNanos;
    }

    synchronized boolean tryTake(long nowNanos) {
        return tryTake(nowNanos, 1);
    }

    /** Takes {@code amount} tokens if there are that many. */
    synchronized boolean tryTake(long nowNanos, double amount) {
        if (canTake(nowNanos, amount)) {
            tokens -= amount;
            return true;
        }
        return false;
    }

    /**
     * Takes {@code amount} tokens whether or not there are that many, for a cost known only after
     * the work is done; the bucket may go into debt down to minus its burst, which it then refills.
     */
    synchronized void charge(long nowNanos, double amount) {
        refill(nowNanos);
        tokens = Math.max(-burst, tokens - amount);
    }

    /** Whether {@code amount} tokens are there, without taking them. */
    synchronized boolean canTake(long nowNanos, double amount) {
        refill(nowNanos);
        return tokens >= amount;
    }

    /** True when no token is left, without taking one. */
    synchronized boolean isEmpty(long nowNanos) {
        refill(nowNanos);
        return tokens < 1;
    }

    /** True when the bucket has refilled completely, so forgetting it loses nothing. */
    synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    private void refill(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastRefill) * ratePerNano);
        lastRefill = nowNanos;
    }
}
