package dev.livepad.web;

import static dev.livepad.testing.Messages.join;
import static dev.livepad.testing.Messages.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livepad.testing.HostileStrings;
import dev.livepad.testing.Messages;
import dev.livepad.testing.SharedServer;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Legal but hostile ops: ids reused by another client, ops of very many components, histories of
 * huge ops, resumes that would cost more than the text. Each must be refused or bounded, and
 * change nothing it should not.
 */
@Timeout(60)
class HostileOpsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger ROOMS = new AtomicInteger();
    @RegisterExtension
    static final SharedServer shared = new SharedServer("MAX_OP_COMPONENTS", "100", "HISTORY_MAX_BYTES", "65536");

    private final TestServer server = shared.server();

    private static String newRoom() {
        return "hostile-" + ROOMS.incrementAndGet();
    }

    /** Waits until the cursor was refused (the error) or moved and shown to {@code other} (null). */
    private static JsonNode refusedOrMoved(WsClient sender, WsClient other) {
        long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode mine = sender.poll();
            if (mine != null && "error".equals(mine.path("type").asText())) {
                return mine;
            }
            JsonNode shown = other.poll();
            if (shown != null && "cursor".equals(shown.path("type").asText())) {
                return null;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        throw new AssertionError("the cursor was neither refused nor shown");
    }

    private static JsonNode ackOrError(WsClient client) {
        return client.next(m -> m.path("type").asText().matches("ack|error"));
    }

    @Test
    void an_id_another_client_used_for_a_different_op_is_refused_and_changes_nothing() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient victim = server.connect(); WsClient attacker = server.connect()) {
            join(victim, room, owner);
            join(attacker, room, server.mint(room, owner, "editor"));
            attacker.send(op(room, 0, "victim-1", "evil "));
            assertEquals(1, attacker.nextOfType("ack").get("rev").asInt());

            victim.send(op(room, 0, "victim-1", "my edit"));
            JsonNode refused = ackOrError(victim);
            assertEquals("error", refused.get("type").asText(), refused::toString);
            assertEquals("bad_request", refused.get("code").asText());
            assertEquals("victim-1", refused.get("ref").asText());
            assertEquals("evil ", server.get("/api/rooms/" + room + "/text", owner).body());

            // The victim resends its edit under a fresh id, and nothing is lost.
            victim.send(op(room, 0, "victim-fresh", "my edit"));
            assertEquals(2, victim.nextOfType("ack").get("rev").asInt());
            assertEquals("my editevil ", server.get("/api/rooms/" + room + "/text", owner).body());
        }
    }

    @Test
    void an_id_resent_with_another_revision_is_not_a_retry() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient alice = server.connect()) {
            join(alice, room, owner);
            alice.send(op(room, 0, "a", "x"));
            alice.nextOfType("ack");
            alice.send(op(room, 1, "b", 1, "x"));
            alice.nextOfType("ack");
            alice.send(op(room, 1, "a", "x", 1)); // the same components, another base revision
            JsonNode refused = ackOrError(alice);
            assertEquals("bad_request", refused.path("code").asText(), refused::toString);
            assertEquals("xx", server.get("/api/rooms/" + room + "/text", owner).body());
        }
    }

    @Test
    void a_true_retry_is_acknowledged_after_later_ops_too_even_sent_unnormalized() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient alice = server.connect(); WsClient bob = server.connect()) {
            join(alice, room, owner);
            join(bob, room, server.mint(room, owner, "editor"));
            alice.send(op(room, 0, "first", "ab"));
            assertEquals(1, alice.nextOfType("ack").get("rev").asInt());
            bob.send(op(room, 1, "later", 2, "!"));
            bob.nextOfType("ack");
            alice.send(op(room, 0, "first", "a", "b")); // the same op, written unmerged
            JsonNode ack = ackOrError(alice);
            assertEquals("ack", ack.get("type").asText(), ack::toString);
            assertEquals(1, ack.get("rev").asInt());
            assertEquals("ab!", server.get("/api/rooms/" + room + "/text", owner).body());
        }
    }

    /** Also an id the database cannot keep as it is: a lone surrogate, U+0000. */
    @ParameterizedTest(name = "id {0}")
    @ValueSource(strings = {"kept", "kept-\ud800", "kept-\u0000"})
    void a_reused_id_is_still_recognised_after_a_restart(String id, @TempDir Path dataDir) {
        String room = newRoom();
        String owner;
        String[] sqlite = {"STORE", "sqlite", "DATA_DIR", dataDir.toString()};
        try (TestServer first = TestServer.start(sqlite)) {
            owner = first.createRoom(room);
            try (WsClient alice = first.connect()) {
                join(alice, room, owner);
                alice.sendRaw(opFrame(room, id, "stored"));
                alice.nextOfType("ack");
            }
        }
        try (TestServer second = TestServer.start(sqlite); WsClient bob = second.connect()) {
            join(bob, room, owner);
            bob.sendRaw(opFrame(room, id, "other"));
            assertEquals("bad_request", ackOrError(bob).path("code").asText());
            bob.sendRaw(opFrame(room, id, "stored"));
            assertEquals(1, ackOrError(bob).path("rev").asInt());
            assertEquals("stored", second.get("/api/rooms/" + room + "/text", owner).body());
        }
    }

    /** An op at revision 0, its id written with JSON escapes (a WebSocket text frame cannot carry a lone surrogate). */
    private static String opFrame(String room, String id, String text) {
        return "{\"type\":\"op\",\"room\":\"" + room + "\",\"rev\":0,\"id\":" + HostileStrings.quote(id, true)
                + ",\"op\":[\"" + text + "\"]}";
    }

    @Test
    void an_op_of_more_components_than_allowed_is_refused_after_merging() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient alice = server.connect()) {
            join(alice, room, owner);
            Object[] seed = new Object[1];
            seed[0] = "x".repeat(200);
            alice.send(op(room, 0, "seed", seed));
            alice.nextOfType("ack");

            Object[] scattered = new Object[200]; // 100 retains and 100 inserts: 200 components
            for (int i = 0; i < 100; i++) {
                scattered[2 * i] = 2;
                scattered[2 * i + 1] = "y";
            }
            alice.send(op(room, 1, "scattered", scattered));
            JsonNode refused = ackOrError(alice);
            assertEquals("bad_op", refused.path("code").asText(), refused::toString);

            Object[] mergeable = new Object[201]; // "z" then 200 retains of 1: two components once merged
            java.util.Arrays.fill(mergeable, 1);
            mergeable[0] = "z";
            alice.send(op(room, 1, "mergeable", mergeable));
            assertEquals("ack", ackOrError(alice).path("type").asText());
            assertEquals("z" + seed[0], server.get("/api/rooms/" + room + "/text", owner).body());
        }
    }

    @Test
    void history_is_bounded_by_bytes_so_huge_ops_push_old_revisions_out() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient alice = server.connect()) {
            join(alice, room, owner);
            alice.send(op(room, 0, "small", "s"));
            alice.nextOfType("ack");
            String big = "b".repeat(16 * 1024); // 32 KB each by the history's estimate: two fill 64 KB
            for (int rev = 1; rev <= 3; rev++) {
                alice.send(op(room, rev, "big-" + rev, big, rev == 1 ? 1 : 1 + (rev - 1) * big.length()));
                alice.nextOfType("ack");
            }
            // Revision 0 fell out of the history: an op built on it cannot be transformed any more.
            alice.send(op(room, 0, "late", "late"));
            assertEquals("bad_rev", ackOrError(alice).path("code").asText());
        }
        // Memory is bounded, not the history: a client resuming from there is sent the ops from the store.
        try (WsClient resumer = server.connect()) {
            resumer.send(Messages.joinMessage(room, owner).put("rev", 1));
            JsonNode joined = resumer.nextOfType("joined");
            assertFalse(joined.has("reset"), () -> joined.toString().substring(0, 200));
            assertEquals(3, joined.get("ops").size());
            assertEquals(2, joined.get("ops").get(0).get("rev").asLong());
        }
    }

    @Test
    void a_resume_that_would_cost_more_than_the_text_is_a_reset_with_the_text() {
        String room = newRoom();
        try (TestServer roomy = TestServer.start("HISTORY_MAX_BYTES", String.valueOf(64 << 20));
             WsClient alice = roomy.connect()) {
            String token = roomy.createRoom(room);
            join(alice, room, token);
            String chunk = "c".repeat(8 * 1024);
            long rev = 0;
            for (int i = 0; i < 10; i++) { // insert and delete 8 KB ten times: 160 KB of ops, an empty text
                alice.send(op(room, rev, "ins-" + i, chunk));
                rev = alice.nextOfType("ack").get("rev").asLong();
                alice.send(op(room, rev, "del-" + i, -chunk.length()));
                rev = alice.nextOfType("ack").get("rev").asLong();
            }
            try (WsClient resumer = roomy.connect()) {
                resumer.send(Messages.joinMessage(room, token).put("rev", 0));
                JsonNode joined = resumer.nextOfType("joined");
                assertTrue(joined.path("reset").asBoolean(), "a reset, not 160 KB of ops");
                assertEquals("", joined.get("text").asText());
                assertFalse(joined.has("ops"));
            }
            try (WsClient recent = roomy.connect()) {
                recent.send(Messages.joinMessage(room, token).put("rev", rev - 2));
                JsonNode joined = recent.nextOfType("joined");
                assertEquals(2, joined.get("ops").size(), "a small resume still gets the ops");
            }
        }
    }

    @Test
    void past_the_memory_budget_rooms_stay_unloaded_and_inserts_wait_until_memory_is_freed() {
        try (TestServer tight = TestServer.start("MEMORY_BUDGET_BYTES", "400000");
             WsClient alice = tight.connect(); WsClient bob = tight.connect()) {
            String bigOwner = tight.createRoom("big");
            String smallOwner = tight.createRoom("small");
            join(alice, "big", bigOwner);
            alice.send(op("big", 0, "fill", "f".repeat(120_000))); // 240 KB of text and as much history
            assertEquals(1, alice.nextOfType("ack").get("rev").asInt());

            alice.send(op("big", 1, "more", 120_000, "more"));
            JsonNode waits = ackOrError(alice);
            assertEquals("unavailable", waits.path("code").asText(), waits::toString);
            alice.send(op("big", 1, "trim", -1, 119_999));
            assertEquals("ack", ackOrError(alice).path("type").asText(), "deleting text frees memory, so it goes on");

            bob.send(Messages.joinMessage("small", smallOwner));
            JsonNode refused = bob.next(m -> m.path("type").asText().matches("joined|error"));
            assertEquals("unavailable", refused.path("code").asText(), refused::toString);

            assertEquals(204, tight.delete("/api/rooms/big", bigOwner).status());
            join(bob, "small", smallOwner);
            bob.send(op("small", 0, "now", "room again"));
            assertEquals("ack", ackOrError(bob).path("type").asText());
        }
    }

    @Test
    void a_cheap_cursor_against_a_long_history_pays_for_its_work_in_the_rate_budget() {
        try (TestServer strict = TestServer.start("RATE_LIMIT_PER_SECOND", "10", "RATE_LIMIT_BURST", "10");
             WsClient writer = strict.connect(); WsClient cursors = strict.connect()) {
            String owner = strict.createRoom("costly");
            join(writer, "costly", owner);
            writer.send(op("costly", 0, "seed", "x".repeat(5_000)));
            writer.nextOfType("ack");
            Object[] scattered = new Object[5_000]; // 5,000 components, each op
            for (int i = 0; i < scattered.length; i += 2) {
                scattered[i] = 1;
                scattered[i + 1] = "y";
            }
            int length = 5_000;
            for (int rev = 1; rev <= 8; rev++) { // 9 messages so far with the join: within the writer's burst
                Object[] op = java.util.Arrays.copyOf(scattered, scattered.length + 1);
                op[scattered.length] = length - 2_500;
                writer.send(op("costly", rev, "big-" + rev, op));
                writer.nextOfType("ack");
                length += 2_500;
            }
            // Each cursor made at revision 1 is moved through 40,000 components: 4 messages' worth of work.
            // Counted alone, the cursor connection's burst of 10 would take 9 of them after its join.
            join(cursors, "costly", owner);
            JsonNode limited = null;
            int sent = 0;
            while (limited == null && sent < 9) {
                ObjectNode cursor = WsClient.message("cursor").put("room", "costly").put("rev", 1);
                cursor.putArray("ranges").add(JSON.createArrayNode().add(0).add(0));
                cursors.send(cursor);
                sent++;
                limited = refusedOrMoved(cursors, writer);
            }
            assertTrue(limited != null && sent <= 4, "refused only after " + sent + " cursors");
            assertEquals("rate_limited", limited.get("code").asText(), limited::toString);
        }
    }
}
