package dev.livepad.testing;

import dev.livepad.ot.TextOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * A legitimate editor on its own thread: makes a random edit, waits for its ack (handling every
 * other member's op meanwhile, in order), and records how long the ack took under the current
 * {@link #phase}, until stopped. Its {@link CollabClient} fails at once on a lost, repeated or
 * out-of-order revision or on any error reply.
 */
public final class Typist implements Runnable {
    private final CollabClient client;
    private final Random random;
    private final BiFunction<Random, String, TextOperation> edits;
    private final long pauseNanos;
    private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
    private volatile String phase = "start";
    private volatile boolean stopped;
    private volatile int edited;

    public Typist(CollabClient client, long seed, BiFunction<Random, String, TextOperation> edits, long pauseNanos) {
        this.client = client;
        this.random = new Random(seed);
        this.edits = edits;
        this.pauseNanos = pauseNanos;
    }

    @Override
    public void run() {
        while (!stopped) {
            TextOperation op = edits.apply(random, client.text());
            String label = phase;
            long start = System.nanoTime();
            client.edit(op);
            client.pumpUntil(client::isSynchronized);
            latencies.computeIfAbsent(label, l -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(System.nanoTime() - start);
            edited++;
            client.pump();
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
            }
        }
    }

    /** Labels the latencies recorded from now on. */
    public void phase(String label) {
        phase = label;
    }

    public void stop() {
        stopped = true;
    }

    public int edits() {
        return edited;
    }

    public CollabClient client() {
        return client;
    }

    /** Ack latencies in nanoseconds recorded under {@code label}. */
    public List<Long> latencies(String label) {
        List<Long> recorded = latencies.get(label);
        if (recorded == null) {
            return List.of();
        }
        synchronized (recorded) {
            return new ArrayList<>(recorded);
        }
    }

    /** "n=…, median …ms, p99 …ms" for the given latencies. */
    public static String summary(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return "n=0";
        }
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        return String.format("n=%d, median %.2f ms, p99 %.2f ms, max %.2f ms", sorted.size(),
                sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) Math.min(sorted.size() - 1,
                        Math.ceil(sorted.size() * 0.99) - 1)) / 1e6, sorted.get(sorted.size() - 1) / 1e6);
    }
}
