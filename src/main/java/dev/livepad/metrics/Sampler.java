package dev.livepad.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the dashboard draws: once a second, the server's figures as rates over that second and
 * latency percentiles of the ops acknowledged in it, with the busiest rooms and the events since
 * the last sample. Keeps the last ten minutes, so a dashboard opened now starts with a history.
 * Called from one thread only.
 */
public final class Sampler {
    public static final int KEPT = 600;
    private static final int BUSIEST = 5;

    /** A loaded room's members and ops applied so far, as the registry reports them. */
    public record RoomLoad(String room, int members, long opsApplied) {
    }

    /** A room's share of the last second. */
    public record BusyRoom(String room, int members, double opsPerSecond) {
    }

    /** One second of the server; latencies are null when nothing was acknowledged or committed in it. */
    public record Sample(long time, int connections, int members, long rooms, int activeRooms, int loadedRooms,
                         double opsPerSecond, double messagesInPerSecond, double messagesOutPerSecond,
                         double errorsPerSecond, Double ackP50Ms, Double ackP99Ms, Double commitP99Ms,
                         long slowConsumersClosed, List<BusyRoom> busiestRooms, List<RecentEvents.Event> events) {
    }

    private final ServerStats stats;
    private final StatusReport status;
    private final RecentEvents events;
    private final Supplier<List<RoomLoad>> rooms;
    private final ArrayDeque<Sample> kept = new ArrayDeque<>();
    private long lastNanos = System.nanoTime();
    private long lastOps;
    private long lastIn;
    private long lastOut;
    private long lastErrors;
    private long lastEvents;
    private Buckets lastAck;
    private Buckets lastCommit;
    private Map<String, Long> lastRoomOps = new HashMap<>();

    public Sampler(ServerStats stats, StatusReport status, RecentEvents events, Supplier<List<RoomLoad>> rooms) {
        this.stats = stats;
        this.status = status;
        this.events = events;
        this.rooms = rooms;
        sample(); // the baseline the first real sample is a difference from
        kept.clear();
    }

    /** Takes the sample of the time since the last one, keeps it and returns it. */
    public synchronized Sample sample() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        lastNanos = now;
        long ops = stats.opsApplied.sum();
        long in = stats.messagesIn.sum();
        long out = stats.messagesOut.sum();
        long errors = stats.errors();
        long eventCount = events.added();
        Buckets ack = Buckets.of(stats.opAck);
        Buckets commit = Buckets.of(stats.storeCommit);
        Sample sample = new Sample(System.currentTimeMillis(), stats.connections.get(), stats.members.get(),
                storedRooms(), (int) status.activeRooms(), (int) status.loadedRooms(),
                (ops - lastOps) / seconds, (in - lastIn) / seconds, (out - lastOut) / seconds,
                (errors - lastErrors) / seconds,
                quantileMs(lastAck, ack, 0.50), quantileMs(lastAck, ack, 0.99), quantileMs(lastCommit, commit, 0.99),
                stats.slowConsumersClosed.sum(), busiest(seconds), events.since(lastEvents));
        lastOps = ops;
        lastIn = in;
        lastOut = out;
        lastErrors = errors;
        lastEvents = eventCount;
        lastAck = ack;
        lastCommit = commit;
        if (kept.size() == KEPT) {
            kept.removeFirst();
        }
        kept.addLast(sample);
        return sample;
    }

    /** The samples kept, oldest first. */
    public synchronized List<Sample> history() {
        return new ArrayList<>(kept);
    }

    private long storedRooms() {
        try {
            return (long) status.rooms();
        } catch (RuntimeException e) { // the store does not answer: /ready says so; the dashboard goes on
            return -1;
        }
    }

    private List<BusyRoom> busiest(double seconds) {
        Map<String, Long> opsNow = new HashMap<>();
        List<BusyRoom> busy = new ArrayList<>();
        for (RoomLoad load : rooms.get()) {
            opsNow.put(load.room(), load.opsApplied());
            long before = lastRoomOps.getOrDefault(load.room(), load.opsApplied());
            if (load.opsApplied() > before || load.members() > 0) {
                busy.add(new BusyRoom(load.room(), load.members(), (load.opsApplied() - before) / seconds));
            }
        }
        lastRoomOps = opsNow;
        busy.sort(Comparator.comparingDouble(BusyRoom::opsPerSecond).reversed()
                .thenComparing(Comparator.comparingInt(BusyRoom::members).reversed()));
        return List.copyOf(busy.subList(0, Math.min(BUSIEST, busy.size())));
    }

    /** A timer's cumulative counts at one moment: all values, and those at or under each bound (ms). */
    record Buckets(long count, double[] boundsMs, double[] atOrUnder) {
        static Buckets of(Timer timer) {
            HistogramSnapshot snapshot = timer.takeSnapshot();
            CountAtBucket[] buckets = snapshot.histogramCounts();
            double[] bounds = new double[buckets.length];
            double[] counts = new double[buckets.length];
            for (int i = 0; i < buckets.length; i++) {
                bounds[i] = buckets[i].bucket(TimeUnit.MILLISECONDS);
                counts[i] = buckets[i].count();
            }
            return new Buckets(snapshot.count(), bounds, counts);
        }
    }

    /**
     * The {@code q} quantile, in ms, of the values recorded between two snapshots of a timer,
     * interpolated linearly within its bucket as Prometheus's histogram_quantile does; null when
     * nothing was recorded in between. A quantile beyond the last bound is reported as that bound.
     */
    static Double quantileMs(Buckets before, Buckets now, double q) {
        long total = now.count() - (before == null ? 0 : before.count());
        if (total <= 0) {
            return null;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (int i = 0; i < now.boundsMs().length; i++) {
            double count = now.atOrUnder()[i] - (before == null ? 0 : before.atOrUnder()[i]);
            if (count >= rank) {
                double share = count == lowerCount ? 1 : (rank - lowerCount) / (count - lowerCount);
                return lowerBound + (now.boundsMs()[i] - lowerBound) * share;
            }
            lowerBound = now.boundsMs()[i];
            lowerCount = count;
        }
        return lowerBound;
    }
}
