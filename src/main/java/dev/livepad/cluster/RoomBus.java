package dev.livepad.cluster;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Carries messages between the instances of a livepad cluster, and a little shared presence state.
 * It is a fan-out, not a log: delivery is at most once, and a message is lost whenever a connection
 * is. The ordered op log in the database stays the one authority, so an instance that may have
 * missed messages (see {@link #onReconnect}) catches up from there. The embedded default is
 * {@link InProcessRoomBus}; {@link RedisRoomBus} joins instances through Redis pub/sub.
 *
 * <p>Channel and hash key names are the caller's; the bus prepends its deployment prefix, so two
 * deployments sharing one Redis never see each other. A bus receives its own publications too.
 * Methods never block on the network: they return futures, and fail fast while the bus is down
 * instead of queueing without bound; failures are {@link BusException}s. The futures complete on a
 * bus thread, so whatever a caller chains on them must not block either. Implementations are
 * thread-safe.
 */
public interface RoomBus extends AutoCloseable {

    /**
     * Subscribes {@code listener} to {@code channel}. The future completes once the subscription is
     * active, so anything published after that is received. The listener runs on a bus thread and
     * receives this channel's messages in the one order every subscriber sees (the order Redis, or
     * the in-process hub, took them in, which keeps each bus's publish order). It must not block or
     * do I/O: on Redis it runs on the network thread that reads every channel, so hand the message
     * to the room's own executor and return. A listener that throws is logged and keeps its
     * subscription. Several subscriptions to one channel are allowed (each gets every message); the
     * bus leaves the channel when the last is cancelled. Fails while the bus is down.
     */
    CompletableFuture<Subscription> subscribe(String channel, Consumer<String> listener);

    /**
     * Sends {@code message} to every subscriber of {@code channel} in the deployment, at most once.
     * Never blocks the caller: the future completes once the message is handed over, and fails at
     * once (or within a few seconds, if a connection died silently) while the bus is down.
     */
    CompletableFuture<Void> publish(String channel, String message);

    /**
     * Runs {@code listener} on a bus thread each time the bus comes back after losing its subscriber
     * connection, once every subscription is active again. Messages published in between may be
     * lost, so the listener triggers a catch-up from the database; it must not block.
     */
    void onReconnect(Runnable listener);

    /** Whether the bus can carry messages now: for /ready, and to decide whether to publish at all. */
    boolean isUp();

    /** Sets {@code field} of the shared hash {@code key} (prefixed like a channel); for presence. */
    CompletableFuture<Void> putField(String key, String field, String value);

    /** Removes {@code field} from the shared hash {@code key}; removing an absent field succeeds. */
    CompletableFuture<Void> removeField(String key, String field);

    /** Every field of the shared hash {@code key}; empty when it has none. */
    CompletableFuture<Map<String, String>> readFields(String key);

    /**
     * Cancels every subscription and releases threads and connections; afterwards every call fails.
     * Idempotent. Must not be called from a listener, which runs on a thread this closes.
     */
    @Override
    void close();

    /** One listener's subscription to one channel. */
    interface Subscription {
        /** Stops delivery to this listener (a delivery already running may finish); idempotent. */
        void cancel();
    }
}
