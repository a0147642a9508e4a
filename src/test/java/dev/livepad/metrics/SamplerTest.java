package dev.livepad.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Percentiles of one second's acks, estimated from the latency histogram's buckets. */
class SamplerTest {
    private final ServerStats stats = new ServerStats();

    @Test
    void percentiles_come_from_the_values_recorded_between_two_snapshots_only() {
        for (int i = 0; i < 1000; i++) {
            stats.opAck.record(900, TimeUnit.MILLISECONDS); // before: must not count
        }
        Sampler.Buckets before = Sampler.Buckets.of(stats.opAck);
        for (int i = 0; i < 98; i++) {
            stats.opAck.record(4, TimeUnit.MILLISECONDS);
        }
        stats.opAck.record(400, TimeUnit.MILLISECONDS);
        stats.opAck.record(400, TimeUnit.MILLISECONDS);
        Sampler.Buckets now = Sampler.Buckets.of(stats.opAck);

        double p50 = Sampler.quantileMs(before, now, 0.50);
        double p99 = Sampler.quantileMs(before, now, 0.99);
        assertTrue(p50 > 2 && p50 <= 5, "p50 " + p50 + " lies in the 2-5 ms bucket");
        assertTrue(p99 > 300 && p99 <= 500, "p99 " + p99 + " lies in the 300-500 ms bucket");
        assertNull(Sampler.quantileMs(now, Sampler.Buckets.of(stats.opAck), 0.5), "nothing recorded since");
    }

    @Test
    void a_quantile_beyond_the_last_bucket_is_reported_as_its_bound() {
        stats.opAck.record(60, TimeUnit.SECONDS);
        assertEquals(10_000.0, Sampler.quantileMs(null, Sampler.Buckets.of(stats.opAck), 0.5));
    }
}
