package dev.livepad.web;

import dev.livepad.protocol.ErrorCode;
import dev.livepad.protocol.ProtocolException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits per client address: open WebSockets (and event streams), room creations, failed token
 * checks, and writes over HTTP (ops, appends, replacements, restores: as many per second as one
 * WebSocket may send messages). Each
 * address has its own budget, so one abusive address never locks out another. Buckets that have
 * refilled are forgotten by {@link #sweep}, so memory follows the number of recently active addresses.
 * Loopback addresses are limited like any other unless {@code EXEMPT_LOOPBACK} is set for local
 * load tests: a proxy on the same host must not exempt everyone behind it (it passes the real
 * addresses on instead).
 */
final class AddressLimits {
    private static final Logger LOG = LoggerFactory.getLogger(AddressLimits.class);
    private final boolean exemptLoopback;
    private final int maxConnections;
    private final double createsPerSecond;
    private final int createBurst;
    private final double authFailuresPerSecond;
    private final int authFailureBurst;
    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> creations = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> authFailures = new ConcurrentHashMap<>();
    private final double writesPerSecond;
    private final int writeBurst;
    private final Map<String, TokenBucket> writes = new ConcurrentHashMap<>();

    AddressLimits(boolean exemptLoopback, int maxConnections, int createsPerMinute, int authFailuresPerMinute,
                  int writesPerSecond, int writeBurst) {
        this.writesPerSecond = writesPerSecond;
        this.writeBurst = Math.max(1, writeBurst);
        this.exemptLoopback = exemptLoopback;
        this.maxConnections = maxConnections;
        this.createsPerSecond = createsPerMinute / 60.0;
        this.createBurst = Math.max(1, createsPerMinute);
        this.authFailuresPerSecond = authFailuresPerMinute / 60.0;
        this.authFailureBurst = Math.max(1, authFailuresPerMinute);
    }

    /**
     * Takes one of the address's connection slots (a WebSocket or an event stream), or returns null
     * when all are in use. Check and take are one step, so connections opened at the same moment
     * cannot all pass a check that only one of them should. The slot is given back by
     * {@link Slot#release}, once, however often it is called.
     */
    Slot tryConnect(String address) {
        if (exempt(address)) {
            return new Slot(null);
        }
        boolean[] taken = {false};
        connections.compute(address, (a, open) -> {
            int now = open == null ? 0 : open.get();
            if (now >= maxConnections) {
                return open;
            }
            taken[0] = true;
            if (open == null) {
                return new AtomicInteger(1);
            }
            open.incrementAndGet();
            return open;
        });
        return taken[0] ? new Slot(address) : null;
    }

    /** One connection's hold on its address's budget. */
    final class Slot {
        private final String address; // null: exempt, nothing to give back
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Slot(String address) {
            this.address = address;
        }

        void release() {
            if (address != null && held.getAndSet(false)) {
                connections.computeIfPresent(address, (a, open) -> open.decrementAndGet() <= 0 ? null : open);
            }
        }
    }

    /** Takes one room creation from the address's budget, or refuses with {@code rate_limited}. */
    void takeCreation(String address) {
        if (exempt(address)) {
            return;
        }
        TokenBucket bucket = creations.computeIfAbsent(address,
                a -> new TokenBucket(createsPerSecond, createBurst, System.nanoTime()));
        if (!bucket.tryTake(System.nanoTime())) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many rooms created from this address; try later");
        }
    }

    /** Takes one HTTP write from the address's budget, or refuses with {@code rate_limited}. */
    void takeWrite(String address) {
        if (exempt(address)) {
            return;
        }
        long now = System.nanoTime();
        TokenBucket bucket = writes.computeIfAbsent(address, a -> new TokenBucket(writesPerSecond, writeBurst, now));
        if (!bucket.tryTake(now)) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many writes from this address; this one was"
                    + " dropped: send it again later");
        }
    }

    /** Refuses token checks from an address that has failed too many recently. */
    void requireAuthBudget(String address) {
        if (exempt(address)) {
            return;
        }
        TokenBucket bucket = authFailures.get(address);
        if (bucket != null && bucket.isEmpty(System.nanoTime())) {
            throw new ProtocolException(
                    ErrorCode.RATE_LIMITED, "too many failed token checks from this address; try later");
        }
    }

    /** Counts a failed token check; the failure that empties the budget is logged with the address. */
    void authFailed(String address) {
        if (exempt(address)) {
            return;
        }
        long now = System.nanoTime();
        TokenBucket bucket = authFailures.computeIfAbsent(address,
                a -> new TokenBucket(authFailuresPerSecond, authFailureBurst, now));
        if (bucket.tryTake(now) && bucket.isEmpty(now)) {
            LOG.warn("client {} used up its {} failed token checks per minute; refusing its token checks for now",
                    address, authFailureBurst);
        }
    }

    private boolean exempt(String address) {
        return exemptLoopback && (address.startsWith("127.") || address.equals("::1")
                || address.equals("0:0:0:0:0:0:0:1"));
    }

    /** Forgets buckets that have refilled: they would behave exactly like new ones. */
    void sweep() {
        long now = System.nanoTime();
        creations.values().removeIf(b -> b.isFull(now));
        authFailures.values().removeIf(b -> b.isFull(now));
        writes.values().removeIf(b -> b.isFull(now));
    }
}
