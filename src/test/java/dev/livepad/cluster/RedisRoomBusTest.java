package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.cluster.RoomBus.Subscription;
import dev.livepad.testing.Redis;
import dev.livepad.testing.TcpProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against the Redis at {@link Redis#URL}, and what only a network can do: fail and come back. */
class RedisRoomBusTest extends RoomBusContract {

    @BeforeAll
    static void requireRedis() {
        Redis.requireRunning();
    }

    @Override
    protected RoomBus newBus(String busPrefix) {
        return RedisRoomBus.open(Redis.URL, busPrefix);
    }

    @Override
    protected long transportSubscribers(String fullChannel) {
        return Redis.subscribers(fullChannel);
    }

    /** Hashes a test left behind; channels need no cleanup, they end with their connections. */
    @AfterEach
    void deleteKeys() {
        for (String p : prefixes) {
            for (Object key : (List<?>) Redis.command("KEYS", p + ":*")) {
                Redis.command("DEL", (String) key);
            }
        }
    }

    @Test
    void on_the_wire_a_channel_is_the_prefix_a_colon_and_the_name() throws Exception {
        Inbox inbox = new Inbox();
        await(bus.subscribe("room-1", inbox));
        assertEquals(List.of(prefix + ":room-1"), Redis.command("PUBSUB", "CHANNELS", prefix + ":*"));
        Redis.command("PUBLISH", prefix + ":room-1", "from redis-cli");
        inbox.expect("from redis-cli");
    }

    @Test
    void after_its_subscriber_connection_is_killed_the_bus_reconnects_reports_it_and_receives_again()
            throws Exception {
        String name = "livepad-kill-" + prefix;
        RoomBus subscriber = openAt(Redis.URL + "?clientName=" + name);
        AtomicInteger reconnects = new AtomicInteger();
        subscriber.onReconnect(reconnects::incrementAndGet);
        Inbox a1 = new Inbox();
        Inbox a2 = new Inbox();
        Inbox b = new Inbox();
        await(subscriber.subscribe("a", a1));
        await(subscriber.subscribe("a", a2));
        await(subscriber.subscribe("b", b));
        await(subscriber.subscribe("gone", new Inbox())).cancel();
        eventually(() -> Redis.subscribers(prefix + ":gone") == 0, "left before the kill");

        assertEquals(1, Redis.killSubscribers(name));
        eventually(() -> reconnects.get() == 1, "onReconnect ran");
        assertTrue(subscriber.isUp());

        await(bus.publish("a", "after a"));
        await(bus.publish("b", "after b"));
        a1.expect("after a");
        a2.expect("after a");
        b.expect("after b");
        assertEquals(0, Redis.subscribers(prefix + ":gone"), "a cancelled channel stays left");
        settle(subscriber);
        assertEquals(1, reconnects.get(), "one kill, one report");
    }

    @Test
    void while_redis_is_unreachable_the_bus_is_down_fails_fast_and_then_comes_back() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(Redis.HOST, Redis.PORT)) {
            RoomBus cut = openAt("redis://127.0.0.1:" + proxy.port());
            AtomicInteger reconnects = new AtomicInteger();
            cut.onReconnect(reconnects::incrementAndGet);
            Inbox inbox = new Inbox();
            await(cut.subscribe("room", inbox));

            proxy.cut();
            eventually(() -> !cut.isUp(), "down once the connections broke");
            long start = System.nanoTime();
            CompletableFuture<Void> publish = cut.publish("room", "lost");
            CompletableFuture<Subscription> subscribe = cut.subscribe("other", new Inbox());
            CompletableFuture<Void> put = cut.putField("presence", "ann", "1");
            assertInstanceOf(BusException.class, failureOf(publish));
            assertInstanceOf(BusException.class, failureOf(subscribe));
            assertInstanceOf(BusException.class, failureOf(put));
            assertTrue(System.nanoTime() - start < 500_000_000L, "failed fast, not after a timeout");

            proxy.restore();
            eventually(() -> reconnects.get() == 1, "onReconnect ran once Redis was reachable again");
            // The subscriptions' connection (whose return runs onReconnect) and the commands' one come back each
            // on its own; the bus is up once both are.
            eventually(cut::isUp, "up once both connections are back");
            await(bus.publish("room", "back"));
            inbox.expect("back");
        }
    }

    @Test
    void a_channel_cancelled_while_redis_is_unreachable_is_left_after_the_reconnect() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(Redis.HOST, Redis.PORT)) {
            RoomBus cut = openAt("redis://127.0.0.1:" + proxy.port());
            AtomicInteger reconnects = new AtomicInteger();
            cut.onReconnect(reconnects::incrementAndGet);
            Subscription subscription = await(cut.subscribe("room", new Inbox()));
            proxy.cut();
            eventually(() -> !cut.isUp(), "down");
            subscription.cancel(); // the UNSUBSCRIBE is refused: Lettuce will resubscribe "room"
            proxy.restore();
            eventually(() -> reconnects.get() == 1, "reconnected");
            eventually(() -> Redis.subscribers(prefix + ":room") == 0, "the orphan was unsubscribed");
        }
    }

    @Test
    void opening_a_bus_where_nothing_listens_fails_fast_without_showing_the_password() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        long start = System.nanoTime();
        BusException refused = assertThrows(BusException.class,
                () -> RedisRoomBus.open("redis://:s3cret-pw@127.0.0.1:" + port, prefix));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "within the connect timeout");
        for (Throwable e = refused; e != null; e = e.getCause()) {
            assertFalse(String.valueOf(e.getMessage()).contains("s3cret-pw"), e.toString());
        }
    }

    /** Redis's default user is {@code nopass}, which takes any password: enough to show the URL is used. */
    @Test
    void a_url_with_a_password_and_a_database_number_keeps_the_hashes_in_that_database() throws Exception {
        RoomBus numbered = openAt("redis://:s3cret-pw@" + Redis.HOST + ":" + Redis.PORT + "/3");
        await(numbered.putField("presence", "ann", "1"));
        try (Redis redis = Redis.connect()) {
            assertNull(redis.call("HGET", prefix + ":presence", "ann"));
            redis.call("SELECT", "3");
            assertEquals("1", redis.call("HGET", prefix + ":presence", "ann"));
            redis.call("DEL", prefix + ":presence");
        }
    }

    /** A bus of this test's prefix, at {@code url}. */
    private RoomBus openAt(String url) {
        return closeAfter(RedisRoomBus.open(url, prefix));
    }
}
