package dev.livepad.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The figures {@code GET /status} reports, from the counters and the room registry. */
public final class StatusReport {
    private final ServerStats stats;
    private final LongSupplier rooms;
    private final IntSupplier activeRooms;
    private final IntSupplier loadedRooms;
    private final Supplier<Map<String, Object>> cluster;

    public StatusReport(ServerStats stats, LongSupplier rooms, IntSupplier activeRooms, IntSupplier loadedRooms) {
        this(stats, rooms, activeRooms, loadedRooms, Map::of);
    }

    /** {@code cluster} adds what a cluster instance reports: its id, and members on every instance. */
    public StatusReport(ServerStats stats, LongSupplier rooms, IntSupplier activeRooms, IntSupplier loadedRooms,
                        Supplier<Map<String, Object>> cluster) {
        this.stats = stats;
        this.rooms = rooms;
        this.activeRooms = activeRooms;
        this.loadedRooms = loadedRooms;
        this.cluster = cluster;
    }

    public double rooms() {
        return rooms.getAsLong();
    }

    public double activeRooms() {
        return activeRooms.getAsInt();
    }

    public double loadedRooms() {
        return loadedRooms.getAsInt();
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("uptimeSeconds", (System.currentTimeMillis() - stats.startedAtMillis) / 1000);
        status.put("connections", stats.connections.get());
        status.put("eventStreams", stats.eventStreams.get());
        status.put("rooms", rooms.getAsLong());
        status.put("activeRooms", activeRooms.getAsInt());
        status.put("loadedRooms", loadedRooms.getAsInt());
        status.put("members", stats.members.get());
        status.put("messagesIn", stats.messagesIn.sum());
        status.put("messagesOut", stats.messagesOut.sum());
        status.put("opsApplied", stats.opsApplied.sum());
        status.put("errors", stats.errors());
        status.put("slowConsumersClosed", stats.slowConsumersClosed.sum());
        status.put("storeFailures", stats.storeFailures.sum());
        status.putAll(cluster.get());
        return status;
    }
}
