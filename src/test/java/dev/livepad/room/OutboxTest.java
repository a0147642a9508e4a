package dev.livepad.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.metrics.ServerStats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The outbox's ordering, batching and bounds, over a transport that stands in for the socket:
 * it completes writes inline, later, or fails them, as Jetty may.
 */
class OutboxTest {
    private final ServerStats stats = new ServerStats();

    /** Records frames; completes them inline or holds them until {@link #completeAll}. */
    private static final class SocketStandIn implements Transport {
        final List<String> written = new ArrayList<>();
        final List<Runnable> pending = new ArrayList<>();
        final List<Consumer<Throwable>> failures = new ArrayList<>();
        boolean inline;
        int closedWith;

        final List<Integer> batchSizes = new ArrayList<>();

        @Override
        public void send(byte[][] frames, Runnable onSent, Consumer<Throwable> onFailed) {
            for (byte[] frame : frames) {
                written.add(new String(frame, StandardCharsets.UTF_8));
            }
            batchSizes.add(frames.length);
            if (inline) {
                onSent.run();
            } else {
                pending.add(onSent);
                failures.add(onFailed);
            }
        }

        @Override
        public void close(int statusCode, String reason) {
            closedWith = statusCode;
        }

        void completeAll() {
            while (!pending.isEmpty()) {
                List<Runnable> now = new ArrayList<>(pending);
                pending.clear();
                failures.clear();
                now.forEach(Runnable::run);
            }
        }
    }

    @Test
    void frames_written_inline_keep_their_order_without_deep_recursion() {
        SocketStandIn socket = new SocketStandIn();
        socket.inline = true;
        Outbox outbox = new Outbox(socket, 1_000_000, Long.MAX_VALUE, stats);
        for (int i = 0; i < 200_000; i++) {
            assertTrue(outbox.send("f" + i));
        }
        assertEquals(200_000, socket.written.size());
        assertEquals("f199999", socket.written.get(199_999));
        assertEquals(200_000, stats.messagesOut.sum());
        assertEquals(0, outbox.queuedFrames());
    }

    @Test
    void frames_queued_while_a_batch_is_in_flight_go_out_in_order_afterwards() {
        SocketStandIn socket = new SocketStandIn();
        Outbox outbox = new Outbox(socket, 1000, Long.MAX_VALUE, stats);
        outbox.send("a");
        for (int i = 0; i < 100; i++) {
            outbox.send("b" + i);
        }
        assertEquals(List.of("a"), socket.written, "only the first batch is handed over before it completes");
        assertEquals(101, outbox.queuedFrames());
        socket.completeAll();
        assertEquals(101, socket.written.size());
        assertEquals("b99", socket.written.get(100));
        assertEquals(List.of(1, 100), socket.batchSizes, "what queued up behind the write leaves as one batch");
        assertEquals(0, outbox.queuedFrames());
    }

    @Test
    void a_batch_holds_at_most_about_64_kb_so_little_escapes_the_byte_bound() {
        SocketStandIn socket = new SocketStandIn();
        Outbox outbox = new Outbox(socket, 1000, Long.MAX_VALUE, stats);
        outbox.send("a");
        String big = "x".repeat(20 * 1024);
        for (int i = 0; i < 10; i++) {
            outbox.send(big);
        }
        socket.completeAll();
        assertEquals(List.of(1, 3, 3, 3, 1), socket.batchSizes);
        assertEquals(11, socket.written.size());
    }

    @Test
    void a_peer_that_falls_behind_is_closed_with_1013_and_counted() {
        SocketStandIn socket = new SocketStandIn();
        Outbox outbox = new Outbox(socket, 10, Long.MAX_VALUE, stats);
        for (int i = 0; i < 10; i++) {
            assertTrue(outbox.send("x"));
        }
        assertFalse(outbox.send("one too many"));
        assertEquals(1013, socket.closedWith);
        assertEquals(1, stats.slowConsumersClosed.sum());
        assertFalse(outbox.send("after close"));
    }

    @Test
    void the_byte_bound_counts_the_utf8_bytes_waiting() {
        SocketStandIn socket = new SocketStandIn();
        Outbox outbox = new Outbox(socket, 1000, 10, stats);
        assertTrue(outbox.send("in flight, not waiting"));
        assertTrue(outbox.send("12345"));
        assertTrue(outbox.send("\u00e9\u00e9")); // 2 characters, 4 bytes
        assertFalse(outbox.send("12"));
        assertEquals(1013, socket.closedWith);
    }

    @Test
    void one_frame_larger_than_the_byte_bound_still_goes_out() {
        SocketStandIn socket = new SocketStandIn();
        Outbox outbox = new Outbox(socket, 1000, 10, stats);
        assertTrue(outbox.send("a join reply far larger than ten characters"));
        assertTrue(outbox.send("then a op"));
        socket.completeAll();
        assertEquals(2, socket.written.size());
        assertEquals(0, socket.closedWith);
    }

    @Test
    void a_failed_write_closes_with_1013() {
        SocketStandIn socket = new SocketStandIn();
        Outbox outbox = new Outbox(socket, 1000, Long.MAX_VALUE, stats);
        outbox.send("x");
        socket.failures.get(0).accept(new java.io.IOException("broken pipe"));
        assertEquals(1013, socket.closedWith);
        assertTrue(outbox.isClosed());
    }

    @Test
    void connections_that_read_nothing_share_one_server_wide_bound() {
        SendBudget shared = new SendBudget(100);
        SocketStandIn slowA = new SocketStandIn();
        SocketStandIn slowB = new SocketStandIn();
        Outbox a = new Outbox(slowA, 1000, 1000, stats, shared);
        Outbox b = new Outbox(slowB, 1000, 1000, stats, shared);
        assertTrue(a.send("a".repeat(60))); // in flight, never written: still held in memory
        assertTrue(b.send("b".repeat(30)));
        assertEquals(90, shared.used());
        assertFalse(b.send("b".repeat(20)), "past the shared bound, the connection whose frame does not fit is closed");
        assertEquals(1013, slowB.closedWith);
        assertEquals(60, shared.used(), "a closed outbox gives back what it held");
        Outbox c = new Outbox(new SocketStandIn(), 1000, 1000, stats, shared);
        assertFalse(c.send("c".repeat(50)), "even a first frame must fit: many silent joiners add up");
        slowA.completeAll();
        assertEquals(0, shared.used());
        assertTrue(a.send("a".repeat(50)));
        assertTrue(a.send("a".repeat(40)));
        assertEquals(90, shared.used());
    }
}
