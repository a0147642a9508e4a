package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InProcessRoomBusTest extends RoomBusContract {

    private final InProcessHub hub = new InProcessHub();

    @Override
    protected RoomBus newBus(String busPrefix) {
        return hub.bus(busPrefix);
    }

    @Override
    protected long transportSubscribers(String fullChannel) throws Exception {
        return await(hub.subscribers(fullChannel));
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void publish_returns_at_once_and_delivery_happens_later_on_the_bus_thread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Inbox inbox = new Inbox();
        await(bus.subscribe("room", message -> {
            inbox.accept(message);
            awaitQuietly(release); // a stuck listener: only the hub thread waits
        }));
        CompletableFuture<Void> first = bus.publish("room", "one");
        assertEquals("one", inbox.next());
        CompletableFuture<Void> second = bus.publish("room", "two");
        assertTrue(first.isDone() && second.isDone(), "handed over without waiting for delivery");
        release.countDown();
        assertEquals("two", inbox.next());
        assertEquals(List.of("livepad-bus", "livepad-bus"), inbox.threads());
    }

    @Test
    void drop_next_loses_messages_of_one_channel_for_one_view_only() throws Exception {
        InProcessRoomBus dropping = (InProcessRoomBus) bus;
        RoomBus other = open(prefix);
        Inbox lossy = new Inbox();
        Inbox lossyElsewhere = new Inbox();
        Inbox intact = new Inbox();
        await(dropping.subscribe("room", lossy));
        await(dropping.subscribe("elsewhere", lossyElsewhere));
        await(other.subscribe("room", intact));
        dropping.dropNext("room", 2);
        for (String message : List.of("m1", "m2", "m3")) {
            await(other.publish("room", message));
        }
        await(other.publish("elsewhere", "e1"));
        lossy.expect("m3");
        lossyElsewhere.expect("e1");
        intact.expect("m1", "m2", "m3");
    }

    @Test
    void simulate_reconnect_runs_this_views_listeners_after_queued_messages() throws Exception {
        InProcessRoomBus reconnecting = (InProcessRoomBus) bus;
        RoomBus other = open(prefix);
        Inbox inbox = new Inbox();
        AtomicInteger otherReconnects = new AtomicInteger();
        other.onReconnect(otherReconnects::incrementAndGet);
        await(reconnecting.subscribe("room", inbox));
        reconnecting.onReconnect(() -> inbox.accept("reconnected"));
        reconnecting.onReconnect(() -> {
            throw new IllegalStateException("listener bug");
        });
        reconnecting.onReconnect(() -> inbox.accept("still told"));
        await(other.publish("room", "before"));
        reconnecting.simulateReconnect();
        inbox.expect("before", "reconnected", "still told");
        settle(other);
        assertEquals(0, otherReconnects.get());
    }

    @Test
    void a_bus_created_alone_closes_its_own_hub() {
        InProcessRoomBus alone = InProcessRoomBus.create();
        assertTrue(alone.isUp());
        alone.close();
        assertInstanceOf(BusException.class, failureOf(alone.publish("room", "x")));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
