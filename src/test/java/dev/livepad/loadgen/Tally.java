package dev.livepad.loadgen;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The run's bookkeeping, shared by every editor: which phase ops are being sent in now, each phase's counts and
 * latencies, and every error seen (server {@code error} replies by code, unexpected closes, revision gaps).
 */
final class Tally {
    final String run = "lg" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private volatile Phase current = phase("setup");

    Phase phase(String name) {
        return phases.computeIfAbsent(name, Phase::new);
    }

    /** Ops sent from now on belong to a fresh phase called {@code name}. */
    Phase begin(String name) {
        Phase p = phase(name);
        current = p;
        return p;
    }

    Phase current() {
        return current;
    }

    /** The phase an op id of this run was sent in, or null for someone else's op. */
    Phase phaseOf(OpStamp stamp) {
        return stamp == null ? null : phases.get(stamp.phase());
    }

    void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Error counts by kind, sorted, e.g. {@code {"rate_limited": 3}}. */
    Map<String, Long> errorsByKind() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** True when every op sent in any phase is acked and delivered to everyone who should see it. */
    boolean allDelivered() {
        return phases.values().stream().allMatch(Phase::complete);
    }
}
