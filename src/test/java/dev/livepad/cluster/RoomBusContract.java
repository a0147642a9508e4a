package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.livepad.cluster.RoomBus.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour every {@link RoomBus} must show, as ShareDB runs one test module against every pub/sub
 * adapter. Each test has prefixes of its own, so runs sharing one Redis never meet.
 *
 * <p>To show that a message did <em>not</em> arrive without sleeping, a test {@link #settle}s the
 * listening bus: a marker published after the message in question reaches that bus after it would
 * have (Redis and the in-process hub each deliver to one bus in the order they took messages).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class RoomBusContract {

    protected final List<String> prefixes = new ArrayList<>();
    private final List<RoomBus> buses = new ArrayList<>();
    protected String prefix;
    protected RoomBus bus;

    /** A new bus that shares its world (Redis, hub) with the other buses of this test. */
    protected abstract RoomBus newBus(String prefix) throws Exception;

    /** How many buses the transport itself counts as subscribed to the full channel name. */
    protected abstract long transportSubscribers(String fullChannel) throws Exception;

    @BeforeEach
    void openBus() throws Exception {
        prefix = newPrefix();
        bus = open(prefix);
    }

    @AfterEach
    void closeBuses() {
        buses.forEach(RoomBus::close);
    }

    protected String newPrefix() {
        String p = "test-" + UUID.randomUUID();
        prefixes.add(p);
        return p;
    }

    protected RoomBus open(String busPrefix) throws Exception {
        return closeAfter(newBus(busPrefix));
    }

    /** Closes {@code opened} after the test. */
    protected RoomBus closeAfter(RoomBus opened) {
        buses.add(opened);
        return opened;
    }

    // --- delivery ---------------------------------------------------------------------------------

    @Test
    void a_published_message_reaches_a_subscriber() throws Exception {
        Inbox inbox = new Inbox();
        await(bus.subscribe("room", inbox));
        await(bus.publish("room", "hello"));
        inbox.expect("hello");
    }

    @Test
    void a_channel_delivers_a_thousand_messages_in_publish_order() throws Exception {
        RoomBus publisher = open(prefix);
        Inbox inbox = new Inbox();
        await(bus.subscribe("room", inbox));
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            sent.add(publisher.publish("room", "m" + i)); // all in flight at once
        }
        await(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)));
        for (int i = 0; i < 1000; i++) {
            assertEquals("m" + i, inbox.next());
        }
    }

    @Test
    void a_subscription_receives_whatever_is_published_once_its_future_completed() throws Exception {
        RoomBus publisher = open(prefix);
        for (int i = 0; i < 50; i++) {
            Inbox inbox = new Inbox();
            await(bus.subscribe("room-" + i, inbox));
            await(publisher.publish("room-" + i, "first"));
            inbox.expect("first");
        }
    }

    @Test
    void two_subscriptions_on_one_channel_both_receive_every_message() throws Exception {
        Inbox one = new Inbox();
        Inbox two = new Inbox();
        await(bus.subscribe("room", one));
        await(bus.subscribe("room", two));
        await(bus.publish("room", "a"));
        await(bus.publish("room", "b"));
        one.expect("a", "b");
        two.expect("a", "b");
    }

    @Test
    void a_cancelled_subscription_receives_nothing_more_and_a_second_cancel_changes_nothing() throws Exception {
        Inbox kept = new Inbox();
        Inbox cancelled = new Inbox();
        await(bus.subscribe("room", kept));
        Subscription subscription = await(bus.subscribe("room", cancelled));
        subscription.cancel();
        subscription.cancel();
        await(bus.publish("room", "after"));
        kept.expect("after"); // delivered to every listener of the channel in one pass
        cancelled.expectNothingMore();
    }

    @Test
    void the_bus_leaves_a_channel_when_its_last_subscription_is_cancelled() throws Exception {
        String channel = prefix + ":room";
        Subscription one = await(bus.subscribe("room", new Inbox()));
        Subscription two = await(bus.subscribe("room", new Inbox()));
        assertEquals(1, transportSubscribers(channel));
        one.cancel();
        settle(bus);
        assertEquals(1, transportSubscribers(channel), "one subscription left");
        two.cancel();
        eventually(() -> transportSubscribers(channel) == 0, "the bus left the channel");
    }

    @Test
    void subscribing_again_right_after_the_last_cancel_receives() throws Exception {
        for (int i = 0; i < 20; i++) {
            await(bus.subscribe("room", new Inbox())).cancel();
            Inbox inbox = new Inbox();
            Subscription again = await(bus.subscribe("room", inbox));
            await(bus.publish("room", "m" + i));
            inbox.expect("m" + i);
            again.cancel();
        }
    }

    @Test
    void channels_do_not_cross() throws Exception {
        Inbox a = new Inbox();
        Inbox b = new Inbox();
        await(bus.subscribe("a", a));
        await(bus.subscribe("b", b));
        await(bus.publish("a", "for a"));
        await(bus.publish("b", "for b"));
        a.expect("for a");
        b.expect("for b");
        settle(bus);
        a.expectNothingMore();
        b.expectNothingMore();
    }

    @Test
    void buses_with_different_prefixes_never_see_each_others_messages() throws Exception {
        RoomBus other = open(newPrefix());
        Inbox mine = new Inbox();
        Inbox theirs = new Inbox();
        await(bus.subscribe("room", mine));
        await(other.subscribe("room", theirs));
        await(bus.publish("room", "mine"));
        await(other.publish("room", "theirs"));
        mine.expect("mine");
        theirs.expect("theirs");
        settle(bus);
        settle(other);
        mine.expectNothingMore();
        theirs.expectNothingMore();
    }

    @Test
    void buses_with_the_same_prefix_see_each_others_messages() throws Exception {
        RoomBus other = open(prefix);
        Inbox mine = new Inbox();
        Inbox theirs = new Inbox();
        await(bus.subscribe("room", mine));
        await(other.subscribe("room", theirs));
        await(bus.publish("room", "from one"));
        mine.expect("from one");
        theirs.expect("from one");
        await(other.publish("room", "from two"));
        mine.expect("from two");
        theirs.expect("from two");
    }

    @Test
    void a_throwing_listener_stops_neither_the_others_nor_later_messages() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        await(bus.subscribe("room", message -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener bug");
        }));
        Inbox inbox = new Inbox();
        await(bus.subscribe("room", inbox));
        await(bus.publish("room", "one"));
        await(bus.publish("room", "two"));
        inbox.expect("one", "two");
        assertEquals(2, calls.get());
    }

    // --- presence hashes --------------------------------------------------------------------------

    @Test
    void a_hash_keeps_its_fields_until_they_are_removed() throws Exception {
        assertEquals(Map.of(), await(bus.readFields("presence")));
        await(bus.putField("presence", "ann", "1"));
        await(bus.putField("presence", "bob", "2"));
        await(bus.putField("presence", "bob", "3"));
        assertEquals(Map.of("ann", "1", "bob", "3"), await(bus.readFields("presence")));
        await(bus.removeField("presence", "ann"));
        await(bus.removeField("presence", "nobody"));
        assertEquals(Map.of("bob", "3"), await(open(prefix).readFields("presence")), "another instance sees it");
        await(bus.removeField("presence", "bob"));
        assertEquals(Map.of(), await(bus.readFields("presence")));
    }

    @Test
    void hashes_of_different_prefixes_are_separate() throws Exception {
        RoomBus other = open(newPrefix());
        await(bus.putField("presence", "ann", "1"));
        assertEquals(Map.of(), await(other.readFields("presence")));
        await(bus.removeField("presence", "ann"));
    }

    // --- lifecycle --------------------------------------------------------------------------------

    @Test
    void an_open_bus_is_up() {
        assertTrue(bus.isUp());
    }

    @Test
    void a_closed_bus_is_down_and_refuses_every_call() {
        bus.close();
        bus.close();
        assertFalse(bus.isUp());
        assertInstanceOf(BusException.class, failureOf(bus.publish("room", "x")));
        assertInstanceOf(BusException.class, failureOf(bus.subscribe("room", new Inbox())));
        assertInstanceOf(BusException.class, failureOf(bus.putField("presence", "a", "1")));
        assertInstanceOf(BusException.class, failureOf(bus.readFields("presence")));
    }

    // --- helpers ----------------------------------------------------------------------------------

    /**
     * Returns once everything published before the call has reached {@code listening}'s listeners:
     * a marker is subscribed to and published after it, and arrives after it would have.
     */
    static void settle(RoomBus listening) throws Exception {
        Inbox marker = new Inbox();
        String channel = "settle-" + UUID.randomUUID();
        Subscription subscription = await(listening.subscribe(channel, marker));
        await(listening.publish(channel, "marker"));
        marker.expect("marker");
        subscription.cancel();
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("bus call failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("bus call did not complete within 10 s", e);
        }
    }

    /** The failure of a future that must fail within 10 s, unwrapped. */
    static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("expected a failure within 10 s", e);
        }
        return fail("expected a failure, but the call succeeded");
    }

    /** Polls {@code condition} for up to 10 s; for state the bus cannot report by itself. */
    static void eventually(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }
}
