package dev.livepad.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ClientOptions.DisconnectedBehavior;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus of a cluster: Redis pub/sub through Lettuce, with one connection that only subscribes and
 * one for PUBLISH and the presence hashes (a subscribed connection may not run other commands).
 * Lettuce reconnects by itself; while a connection is down, commands fail at once rather than wait
 * in a buffer, because a stale message is worth nothing to a room that will catch up from the
 * database anyway (see {@link RedisSubscriptions} for what happens on reconnect).
 */
public final class RedisRoomBus implements RoomBus {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRoomBus.class);
    /** Command, handshake and connect timeout: long for Redis on a LAN, short for a caller waiting on /ready. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Commands that may wait for their reply per connection; beyond that they fail instead of piling up. */
    private static final int REQUEST_QUEUE = 10_000;

    private final String prefix;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands;
    private final RedisSubscriptions subscriptions;
    private volatile boolean closed;

    private RedisRoomBus(
            String prefix,
            ClientResources resources,
            RedisClient client,
            StatefulRedisConnection<String, String> commands,
            StatefulRedisPubSubConnection<String, String> subscriber) {
        this.prefix = prefix;
        this.resources = resources;
        this.client = client;
        this.commands = commands;
        this.subscriptions = new RedisSubscriptions(subscriber);
    }

    /**
     * Connects to {@code redisUrl} ({@code redis://[:password@]host[:port][/db]}, or any URL Lettuce's
     * {@link RedisURI} takes) with both connections, or throws {@link BusException}: an instance
     * that cannot reach Redis at start should not start as part of a cluster. A URL Lettuce cannot
     * parse is an {@link IllegalArgumentException}.
     */
    public static RedisRoomBus open(String redisUrl, String deploymentPrefix) {
        if (deploymentPrefix == null || deploymentPrefix.isEmpty()) {
            throw new IllegalArgumentException("deployment prefix must not be empty");
        }
        RedisURI uri = RedisURI.create(redisUrl);
        if (uri.getTimeout().equals(RedisURI.DEFAULT_TIMEOUT_DURATION)) {
            uri.setTimeout(TIMEOUT);
        }
        if (uri.getClientName() == null) {
            uri.setClientName(clientName(deploymentPrefix)); // whose connection it is, in CLIENT LIST
        }
        ClientResources resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2) // two connections; Lettuce's minimum
                .computationThreadPoolSize(2)
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled())
                // Retry soon, then every second or two at most: while the bus is down, rooms go stale.
                .reconnectDelay(Delay.fullJitter(Duration.ofMillis(10), TIMEOUT, 10, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(options());
        try {
            StatefulRedisConnection<String, String> commands = client.connect();
            StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
            RedisRoomBus bus = new RedisRoomBus(deploymentPrefix + ":", resources, client, commands, subscriber);
            bus.subscriptions.start();
            return bus;
        } catch (RuntimeException e) {
            shutdown(client, resources);
            throw new BusException("cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort(), e);
        }
    }

    private static ClientOptions options() {
        return ClientOptions.builder()
                .disconnectedBehavior(DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(REQUEST_QUEUE)
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).keepAlive(true).build())
                .maintNotificationsConfig(MaintNotificationsConfig.disabled()) // a Redis Enterprise feature
                .build();
    }

    private static String clientName(String prefix) {
        return "livepad-" + prefix.replaceAll("[^A-Za-z0-9._:-]", "_");
    }

    @Override
    public CompletableFuture<Subscription> subscribe(String channel, Consumer<String> listener) {
        if (closed) {
            return CompletableFuture.failedFuture(new BusException("bus closed"));
        }
        return subscriptions.subscribe(prefix + channel, listener);
    }

    @Override
    public CompletableFuture<Void> publish(String channel, String message) {
        return call(() -> commands.async().publish(prefix + channel, message)).thenApply(receivers -> null);
    }

    @Override
    public void onReconnect(Runnable listener) {
        subscriptions.onReconnect(listener);
    }

    @Override
    public boolean isUp() {
        return !closed && commands.isOpen() && subscriptions.isUp();
    }

    @Override
    public CompletableFuture<Void> putField(String key, String field, String value) {
        return call(() -> commands.async().hset(prefix + key, field, value)).thenApply(added -> null);
    }

    @Override
    public CompletableFuture<Void> removeField(String key, String field) {
        return call(() -> commands.async().hdel(prefix + key, field)).thenApply(removed -> null);
    }

    @Override
    public CompletableFuture<Map<String, String>> readFields(String key) {
        return call(() -> commands.async().hgetall(prefix + key)).thenApply(Map::copyOf);
    }

    /** Runs a command, mapping Lettuce's failures to {@link BusException} at this one seam. */
    private <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> command) {
        if (closed) {
            return CompletableFuture.failedFuture(new BusException("bus closed"));
        }
        return command.get().toCompletableFuture().handle((result, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                throw new CompletionException(new BusException("Redis: " + cause.getMessage(), cause));
            }
            return result;
        });
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        subscriptions.closing();
        shutdown(client, resources); // closes both connections too
    }

    /** Waits (briefly) for Lettuce's threads to end, so a closed bus leaves none behind. */
    private static void shutdown(RedisClient client, ClientResources resources) {
        client.shutdown(Duration.ZERO, TIMEOUT);
        try {
            resources.shutdown(0, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("Lettuce's threads did not stop cleanly", e.getCause());
        }
    }
}
