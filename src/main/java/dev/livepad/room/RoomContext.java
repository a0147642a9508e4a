package dev.livepad.room;

import dev.livepad.metrics.ServerStats;
import dev.livepad.store.DocumentStore;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/** What every room of a server shares: the store, the thread pools, settings and counters. */
record RoomContext(
        DocumentStore store,
        Executor pool,
        Executor snapshots,
        ScheduledExecutorService scheduler,
        RoomSettings settings,
        ServerStats stats,
        MemoryBudget memory,
        Consumer<Room> onClosed) {
}
