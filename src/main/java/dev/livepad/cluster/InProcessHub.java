package dev.livepad.cluster;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * What Redis is to {@link RedisRoomBus}, inside one JVM: the switchboard that several
 * {@link InProcessRoomBus} views share, so two livepad instances in one test talk as they would
 * through Redis. Everything happens on one delivery thread, in the order it was submitted: a
 * publish returns at once and is delivered later, as ShareDB's in-memory pub/sub does, so
 * single-process mode cannot hide an ordering bug that Redis would expose; and the routing table
 * needs no locks, because only that thread touches it.
 */
public final class InProcessHub implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread t = new Thread(runnable, "livepad-bus");
        t.setDaemon(true);
        return t;
    });
    /** Full channel name to the views with a listener on it; touched only on the delivery thread. */
    private final Map<String, Set<InProcessRoomBus>> routes = new HashMap<>();
    /** Full hash key to its fields; touched only on the delivery thread. */
    private final Map<String, Map<String, String>> hashes = new HashMap<>();

    /** A view of this hub for one instance; views with the same prefix see each other's messages. */
    public InProcessRoomBus bus(String deploymentPrefix) {
        return new InProcessRoomBus(this, deploymentPrefix, false);
    }

    /** Stops the delivery thread after what is already queued; every view fails from then on. */
    @Override
    public void close() {
        thread.shutdown();
    }

    /** Queues {@code task} on the delivery thread; false once the hub is closed. */
    boolean submit(Runnable task) {
        try {
            thread.execute(task);
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    // The rest runs on the delivery thread only.

    void route(String channel, InProcessRoomBus view) {
        routes.computeIfAbsent(channel, c -> new LinkedHashSet<>()).add(view);
    }

    void unroute(String channel, InProcessRoomBus view) {
        Set<InProcessRoomBus> views = routes.get(channel);
        if (views != null && views.remove(view) && views.isEmpty()) {
            routes.remove(channel);
        }
    }

    void deliver(String channel, String message) {
        for (InProcessRoomBus view : routes.getOrDefault(channel, Set.of())) {
            view.receive(channel, message);
        }
    }

    /** How many views listen on the full {@code channel} name: what PUBSUB NUMSUB is to Redis. */
    CompletableFuture<Integer> subscribers(String channel) {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        if (!submit(() -> count.complete(routes.getOrDefault(channel, Set.of()).size()))) {
            count.completeExceptionally(new BusException("hub closed"));
        }
        return count;
    }

    Map<String, String> hash(String key) {
        return hashes.computeIfAbsent(key, k -> new HashMap<>());
    }

    void dropHashIfEmpty(String key) {
        if (hashes.getOrDefault(key, Map.of()).isEmpty()) {
            hashes.remove(key);
        }
    }
}
