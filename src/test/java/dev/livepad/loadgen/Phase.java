package dev.livepad.loadgen;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What happened to the ops sent during one phase of a run (a warm-up, a measurement window, a saturate step):
 * how many were sent, acknowledged and delivered, and their latencies. Ops are attributed to the phase they were
 * sent in, wherever their acks and deliveries arrive, so late deliveries count where they belong.
 */
final class Phase {
    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(5);

    final String name;
    final LongAdder sent = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder expected = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder keystrokes = new LongAdder();
    /** Send to receipt at every other member, in microseconds. */
    final Histogram endToEnd = new ConcurrentHistogram(MAX_MICROS, 3);
    /** Send to the sender's own ack, in microseconds. */
    final Histogram ack = new ConcurrentHistogram(MAX_MICROS, 3);

    Phase(String name) {
        this.name = name;
    }

    void recordSent(int audience) {
        sent.increment();
        expected.add(audience);
    }

    void recordDelivery(long sentNanos, long nowNanos) {
        delivered.increment();
        endToEnd.recordValue(micros(sentNanos, nowNanos));
    }

    void recordAck(long sentNanos, long nowNanos) {
        acked.increment();
        ack.recordValue(micros(sentNanos, nowNanos));
    }

    boolean complete() {
        return delivered.sum() >= expected.sum() && acked.sum() >= sent.sum();
    }

    private static long micros(long from, long to) {
        return Math.min(MAX_MICROS, Math.max(0, (to - from) / 1_000));
    }
}
