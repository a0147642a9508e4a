package dev.livepad.cluster;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscriber side of {@link RedisRoomBus}: which channels the bus listens to, the SUBSCRIBE and
 * UNSUBSCRIBE that keep Redis in step, delivery of each message on Lettuce's event loop, and the
 * resubscription after a reconnect.
 *
 * <p>SUBSCRIBE and UNSUBSCRIBE are issued under one lock, in the order the listener counts change,
 * so Redis, which runs them in that order, ends up subscribed exactly to the channels with
 * listeners. Lettuce resubscribes by itself when the connection comes back, but only to the
 * channels whose confirmation it saw, and an UNSUBSCRIBE refused while disconnected leaves its
 * channel among them. So after a reconnect this class issues its own SUBSCRIBE for every channel
 * it has (Redis runs a whole SUBSCRIBE before any later PUBLISH, so its first reply means all are
 * active) and an UNSUBSCRIBE for every orphan, and only then reports the reconnect.
 */
final class RedisSubscriptions extends RedisPubSubAdapter<String, String> implements RedisConnectionStateListener {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSubscriptions.class);

    private final StatefulRedisPubSubConnection<String, String> connection;
    private final ReconnectListeners reconnectListeners = new ReconnectListeners();
    private final Object lock = new Object();
    /** Channels with listeners; changed under {@link #lock}, read on every message without it. */
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    /** Channels whose UNSUBSCRIBE failed, which Lettuce will resubscribe on reconnect; under lock. */
    private final Set<String> orphans = new HashSet<>();
    /** Counts disconnects and reconnects, so a late resubscription reports nothing; under lock. */
    private long generation;
    /** False from a disconnect until the resubscription after it is confirmed. */
    private volatile boolean resubscribed = true;
    private volatile boolean closing;

    RedisSubscriptions(StatefulRedisPubSubConnection<String, String> connection) {
        this.connection = connection;
    }

    /** Starts listening; called once the connection is open, so every later activation is a reconnect. */
    void start() {
        connection.addListener((RedisPubSubAdapter<String, String>) this);
        connection.addListener((RedisConnectionStateListener) this);
    }

    /** The bus is closing the connection: that disconnect is no outage. */
    void closing() {
        closing = true;
    }

    void onReconnect(Runnable listener) {
        reconnectListeners.add(listener);
    }

    /** Whether the subscriber connection is open and every subscription is active on it. */
    boolean isUp() {
        return resubscribed && connection.isOpen();
    }

    CompletableFuture<RoomBus.Subscription> subscribe(String name, Consumer<String> listener) {
        Topic topic;
        Topic.Entry entry;
        synchronized (lock) {
            if (!isUp()) {
                return CompletableFuture.failedFuture(new BusException("Redis subscriber connection is down"));
            }
            topic = topics.get(name);
            if (topic == null) {
                topic = new Topic(name);
                topic.active = connection.async().subscribe(name).toCompletableFuture();
                topics.put(name, topic);
                orphans.remove(name);
            }
            Topic joined = topic;
            entry = topic.add(listener, cancelled -> remove(name, joined, cancelled));
        }
        return topic.active.handle((ok, failure) -> {
            if (failure != null) {
                entry.cancel();
                throw new CompletionException(new BusException("SUBSCRIBE " + name + " failed", failure));
            }
            return entry;
        });
    }

    private void remove(String name, Topic topic, Topic.Entry entry) {
        synchronized (lock) {
            if (topic.remove(entry) && topics.remove(name, topic)) {
                unsubscribe(name);
            }
        }
    }

    /** Under lock. A failure (disconnected) leaves the channel to Lettuce's resubscription: see class doc. */
    private void unsubscribe(String name) {
        connection.async().unsubscribe(name).whenComplete((ok, failure) -> {
            if (failure != null) {
                synchronized (lock) {
                    if (!topics.containsKey(name)) {
                        orphans.add(name);
                    }
                }
            }
        });
    }

    /** On Lettuce's event loop, for every message: hand it over, no I/O (see {@link RoomBus#subscribe}). */
    @Override
    public void message(String channel, String message) {
        Topic topic = topics.get(channel);
        if (topic != null) {
            topic.deliver(message);
        }
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> ignored) {
        boolean wasUp;
        synchronized (lock) {
            generation++;
            wasUp = resubscribed;
            resubscribed = false;
        }
        if (wasUp && !closing) { // once per outage, not once per failed attempt; not on close
            LOG.warn("Redis subscriber connection lost; messages are lost until it is back");
        }
    }

    /** On Lettuce's event loop after a reconnect's handshake, once Lettuce has written its own SUBSCRIBE. */
    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> ignored, SocketAddress address) {
        long mine;
        Set<String> leftovers;
        synchronized (lock) {
            mine = ++generation;
            leftovers = Set.copyOf(orphans);
            orphans.clear(); // before: a refused UNSUBSCRIBE puts its channel back at once
            leftovers.forEach(this::unsubscribe);
        }
        resubscribe(mine);
    }

    private void resubscribe(long mine) {
        CompletableFuture<Void> active;
        synchronized (lock) {
            if (mine != generation) {
                return; // the connection dropped again meanwhile; the next reconnect reports
            }
            String[] channels = topics.keySet().toArray(String[]::new);
            active = channels.length == 0 ? CompletableFuture.completedFuture(null)
                    : connection.async().subscribe(channels).toCompletableFuture();
            topics.values().forEach(topic -> topic.active = active);
        }
        active.whenComplete((ok, failure) -> resubscribed(mine, failure));
    }

    private void resubscribed(long mine, Throwable failure) {
        synchronized (lock) {
            if (mine != generation) {
                return;
            }
            if (failure == null) {
                resubscribed = true;
            }
        }
        if (failure != null) {
            if (!closing) { // still connected (a timeout, say), so no reconnect will come to retry for us
                LOG.warn("resubscribing after a Redis reconnect failed; retrying in a second", failure);
                connection.getResources().eventExecutorGroup().schedule(() -> resubscribe(mine), 1, TimeUnit.SECONDS);
            }
            return;
        }
        LOG.info("Redis subscriber connection is back with {} channel(s)", topics.size());
        reconnectListeners.fire();
    }
}
