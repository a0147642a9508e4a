package dev.livepad.room;

import dev.livepad.metrics.ServerStats;
import dev.livepad.store.DocumentStore;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * What every room of a server shares: the store, the thread pools, settings and counters, and
 * in a cluster the link to the other instances ({@code cluster}, null for a single process).
 */
record RoomContext(
        DocumentStore store,
        Executor pool,
        Executor snapshots,
        ScheduledExecutorService scheduler,
        RoomSettings settings,
        ServerStats stats,
        MemoryBudget memory,
        Consumer<Room> onClosed,
        ClusterLink cluster) {
}
