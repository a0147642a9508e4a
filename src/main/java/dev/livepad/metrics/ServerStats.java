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
}
