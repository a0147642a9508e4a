package dev.livepad.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The bus of a single process (the embedded default), and of tests that run several instances in
 * one JVM: each instance gets its own view of one {@link InProcessHub}, with its own subscriptions
 * and reconnect listeners. It is asynchronous like Redis (see {@link InProcessHub}) and never
 * down, but it can be told to lose messages and to report a reconnect, so the recovery paths of
 * the code above it are tested without Redis.
 */
public final class InProcessRoomBus implements RoomBus {
    private final InProcessHub hub;
    private final String prefix;
    private final boolean ownsHub;
    private final ReconnectListeners reconnectListeners = new ReconnectListeners();
    // Touched only on the hub's delivery thread:
    private final Map<String, Topic> topics = new HashMap<>();
    private final Map<String, Integer> drops = new HashMap<>();
    private volatile boolean closed;

    InProcessRoomBus(InProcessHub hub, String deploymentPrefix, boolean ownsHub) {
        if (deploymentPrefix == null || deploymentPrefix.isEmpty()) {
            throw new IllegalArgumentException("deployment prefix must not be empty");
        }
        this.hub = hub;
        this.prefix = deploymentPrefix + ":";
        this.ownsHub = ownsHub;
    }

    /** A bus with a hub of its own, which it closes on {@link #close}: one process, one instance. */
    public static InProcessRoomBus create() {
        return new InProcessRoomBus(new InProcessHub(), "livepad", true);
    }

    @Override
    public CompletableFuture<Subscription> subscribe(String channel, Consumer<String> listener) {
        String name = prefix + channel;
        return onHub(() -> {
            Topic topic = topics.computeIfAbsent(name, Topic::new);
            hub.route(name, this);
            return topic.add(listener, entry -> hub.submit(() -> remove(name, topic, entry)));
        });
    }

    private void remove(String name, Topic topic, Topic.Entry entry) {
        if (topic.remove(entry) && topics.get(name) == topic) {
            topics.remove(name);
            hub.unroute(name, this);
        }
    }

    @Override
    public CompletableFuture<Void> publish(String channel, String message) {
        String name = prefix + channel;
        if (closed || !hub.submit(() -> hub.deliver(name, message))) {
            return CompletableFuture.failedFuture(new BusException("bus closed"));
        }
        return CompletableFuture.completedFuture(null); // handed over; delivered later on the hub thread
    }

    /** Called by the hub, on its thread, for a message on a channel this view listens to. */
    void receive(String name, String message) {
        Integer dropping = drops.remove(name);
        if (dropping != null) {
            if (dropping > 1) {
                drops.put(name, dropping - 1);
            }
            return;
        }
        Topic topic = topics.get(name);
        if (topic != null) {
            topic.deliver(message);
        }
    }

    @Override
    public void onReconnect(Runnable listener) {
        reconnectListeners.add(listener);
    }

    /** Always, until closed: nothing between the views can fail. */
    @Override
    public boolean isUp() {
        return !closed;
    }

    @Override
    public CompletableFuture<Void> putField(String key, String field, String value) {
        return onHub(() -> {
            hub.hash(prefix + key).put(field, value);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> removeField(String key, String field) {
        return onHub(() -> {
            hub.hash(prefix + key).remove(field);
            hub.dropHashIfEmpty(prefix + key);
            return null;
        });
    }

    @Override
    public CompletableFuture<Map<String, String>> readFields(String key) {
        return onHub(() -> {
            Map<String, String> fields = Map.copyOf(hub.hash(prefix + key));
            hub.dropHashIfEmpty(prefix + key);
            return fields;
        });
    }

    /**
     * Test fault: this view loses the next {@code count} messages published on {@code channel}
     * after this call (those already queued are still delivered), as an instance does whose
     * subscriber connection dropped. Other views still receive them.
     */
    public void dropNext(String channel, int count) {
        hub.submit(() -> drops.merge(prefix + channel, count, Integer::sum));
    }

    /**
     * Test fault: runs this view's reconnect listeners on the hub thread, after every message
     * already queued, as if the subscriber connection had just come back. Other views are not told.
     */
    public void simulateReconnect() {
        hub.submit(reconnectListeners::fire);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        hub.submit(() -> {
            topics.keySet().forEach(name -> hub.unroute(name, this));
            topics.clear();
        });
        if (ownsHub) {
            hub.close();
        }
    }

    /** Runs {@code work} on the hub thread, where this view's state lives. */
    private <T> CompletableFuture<T> onHub(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable task = () -> {
            if (closed) {
                result.completeExceptionally(new BusException("bus closed"));
                return;
            }
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        };
        if (closed || !hub.submit(task)) {
            result.completeExceptionally(new BusException("bus closed"));
        }
        return result;
    }
}
