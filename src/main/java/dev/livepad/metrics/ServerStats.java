package dev.livepad.metrics;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Live counters of one server, read by {@code /status} and {@code /metrics}. */
public final class ServerStats {
    public final long startedAtMillis = System.currentTimeMillis();
    public final AtomicInteger connections = new AtomicInteger();
    public final AtomicInteger members = new AtomicInteger();
    public final LongAdder messagesIn = new LongAdder();
    public final LongAdder messagesOut = new LongAdder();
    public final LongAdder opsApplied = new LongAdder();
    public final LongAdder errors = new LongAdder();
    public final LongAdder slowConsumersClosed = new LongAdder();
    /** Cluster mode: batches that lost their revisions to another instance and were retried. */
    public final LongAdder appendConflicts = new LongAdder();
    /** Cluster mode: batches that lost their revisions and were stored after the winners, transformed past them. */
    public final LongAdder appendsRebased = new LongAdder();
    /** Cluster mode: reads of missed ops from the shared log (gaps, lost last ops, conflicts, reconnects). */
    public final LongAdder logCatchUps = new LongAdder();
    /** Cluster mode: ops of other instances applied here. */
    public final LongAdder remoteOpsApplied = new LongAdder();
}
