package dev.livepad.metrics;

import dev.livepad.protocol.ErrorCode;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one server, read by {@code /status}, {@code /metrics} and the dashboard.
 * Everything here is written on hot paths, so counters are {@link LongAdder}s (no contended
 * cache line) and the latency histograms Micrometer timers with fixed buckets.
 */
public final class ServerStats {
    /**
     * Bucket bounds of the latency histograms: 1 ms to 10 s, dense where livepad's latencies and
     * alert bounds lie (10 ms to 1 s), so that percentiles estimated from them are close.
     */
    static final Duration[] LATENCY_BUCKETS = millis(1, 2, 5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750,
            1000, 2000, 5000, 10000);
    /** Bucket bounds of ops per commit: powers of two up to the writers' batch limit. */
    static final double[] COMMIT_OPS_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    public final long startedAtMillis = System.currentTimeMillis();
    public final AtomicInteger connections = new AtomicInteger();
    /** Open server-sent event streams of rooms ({@code GET /api/rooms/R/events}). */
    public final AtomicInteger eventStreams = new AtomicInteger();
    public final AtomicInteger members = new AtomicInteger();
    public final LongAdder connectionsOpened = new LongAdder();
    public final LongAdder joins = new LongAdder();
    public final LongAdder leaves = new LongAdder();
    public final LongAdder messagesIn = new LongAdder();
    public final LongAdder messagesOut = new LongAdder();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    public final LongAdder opsApplied = new LongAdder();
    public final LongAdder slowConsumersClosed = new LongAdder();
    /** Store commits that failed (every write in them was refused). */
    public final LongAdder storeFailures = new LongAdder();
    /** Cluster mode: batches that lost their revisions to another instance and were retried. */
    public final LongAdder appendConflicts = new LongAdder();
    /** Cluster mode: batches that lost their revisions and were stored after the winners, transformed past them. */
    public final LongAdder appendsRebased = new LongAdder();
    /** Cluster mode: reads of missed ops from the shared log (gaps, lost last ops, conflicts, reconnects). */
    public final LongAdder logCatchUps = new LongAdder();
    /** Cluster mode: ops of other instances applied here. */
    public final LongAdder remoteOpsApplied = new LongAdder();

    /** From an op's arrival to its ack leaving: transform, commit and queueing, as its sender waits. */
    public final Timer opAck;
    /** One store transaction, from its first statement to its commit returning (fsync included). */
    public final Timer storeCommit;
    /** Ops stored by one commit: group commit at work when it is above 1. */
    public final DistributionSummary commitOps;
    /** Cluster mode: from an op being stored by its instance to its arrival here over the bus. */
    public final Timer busDelay;

    private final LongAdder[] errors = adders(ErrorCode.values().length);
    private final LongAdder[] upgradesRejected = adders(ErrorCode.values().length);
    private final CloseCounts closesSent = new CloseCounts();
    private final CloseCounts connectionsClosed = new CloseCounts();

    /** Counters whose histograms nobody scrapes (tests of parts that need a {@code ServerStats}). */
    public ServerStats() {
        this(new SimpleMeterRegistry());
    }

    /** Counters whose histograms are registered with {@code registry}. */
    public ServerStats(MeterRegistry registry) {
        opAck = Timer.builder("livepad.op.ack")
                .description("From an op's arrival to its ack being sent (after commit)")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        storeCommit = Timer.builder("livepad.store.commit")
                .description("Duration of one store commit, fsync included")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        commitOps = DistributionSummary.builder("livepad.store.commit.ops")
                .description("Ops stored by one commit")
                .serviceLevelObjectives(COMMIT_OPS_BUCKETS)
                .register(registry);
        busDelay = Timer.builder("livepad.cluster.bus.delay")
                .description("From an op being stored by another instance to its arrival here over Redis")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
    }

    /** An {@code error} reply was sent. */
    public void error(ErrorCode code) {
        errors[code.ordinal()].increment();
    }

    public long errors(ErrorCode code) {
        return errors[code.ordinal()].sum();
    }

    /** Error replies of every code. */
    public long errors() {
        long sum = 0;
        for (LongAdder adder : errors) {
            sum += adder.sum();
        }
        return sum;
    }

    /** A WebSocket upgrade was refused with {@code code}. */
    public void upgradeRejected(ErrorCode code) {
        upgradesRejected[code.ordinal()].increment();
    }

    public long upgradesRejected(ErrorCode code) {
        return upgradesRejected[code.ordinal()].sum();
    }

    /** The server closed a connection with {@code statusCode}. */
    public void closeSent(int statusCode) {
        closesSent.add(statusCode);
    }

    /** A connection ended, with {@code statusCode} as Jetty reports it (1006 when it just dropped). */
    public void connectionClosed(int statusCode) {
        connectionsClosed.add(statusCode);
    }

    public CloseCounts closesSent() {
        return closesSent;
    }

    public CloseCounts connectionsClosed() {
        return connectionsClosed;
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    private static Duration[] millis(long... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofMillis(values[i]);
        }
        return durations;
    }
}
