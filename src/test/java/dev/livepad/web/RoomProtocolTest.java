package dev.livepad.web;

import static dev.livepad.testing.Messages.join;
import static dev.livepad.testing.Messages.op;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livepad.testing.Messages;
import dev.livepad.testing.SharedServer;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Joining, presence, ops, resuming, retries, cursors and close codes over a real socket. */
@Timeout(30)
class RoomProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger ROOMS = new AtomicInteger();
    @RegisterExtension
    static final SharedServer shared = new SharedServer("MAX_MESSAGE_BYTES", "4096", "HISTORY_OPS", "3");

    private final TestServer server = shared.server();

    private static String newRoom() {
        return "room-" + ROOMS.incrementAndGet();
    }

    @Test
    void joiners_see_the_members_and_members_see_the_joiner() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient alice = server.connect(); WsClient bob = server.connect()) {
            alice.send(Messages.joinMessage(room, owner).put("name", "Alice"));
            JsonNode aliceJoined = alice.nextOfType("joined");
            assertEquals(0, aliceJoined.get("rev").asInt());
            assertEquals("", aliceJoined.get("text").asText());
            assertEquals(0, aliceJoined.get("members").size());

            bob.send(Messages.joinMessage(room, server.mint(room, owner, "editor")).put("name", "Bob"));
            JsonNode bobJoined = bob.nextOfType("joined");
            JsonNode others = bobJoined.get("members");
            assertEquals(1, others.size());
            assertEquals("Alice", others.get(0).get("name").asText());
            assertEquals("owner", others.get(0).get("role").asText());
            assertEquals(aliceJoined.get("clientId"), others.get(0).get("clientId"));

            JsonNode presence = alice.nextOfType("presence");
            assertEquals("join", presence.get("event").asText());
            assertEquals("Bob", presence.get("member").get("name").asText());
            assertEquals("editor", presence.get("member").get("role").asText());

            bob.send(WsClient.message("leave").put("room", room));
            assertEquals(room, bob.nextOfType("left").get("room").asText());
            JsonNode left = alice.nextOfType("presence");
            assertEquals("leave", left.get("event").asText());
            assertEquals(bobJoined.get("clientId"), left.get("member").get("clientId"));

        }
    }

    @Test
    void a_join_sent_right_after_a_leave_takes_effect_in_order() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient alice = server.connect()) {
            join(alice, room, owner);
            for (int i = 0; i < 50; i++) {
                alice.send(WsClient.message("leave").put("room", room));
                alice.send(Messages.joinMessage(room, owner));
                assertEquals("left", alice.next(m -> !m.path("type").asText().equals("presence")).get("type").asText());
                JsonNode rejoined = alice.next(m -> !m.path("type").asText().equals("presence"));
                assertEquals("joined", rejoined.get("type").asText(), rejoined::toString);
            }
        }
    }

    @Test
    void closing_the_socket_leaves_every_room() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient alice = server.connect()) {
            join(alice, room, owner);
            WsClient bob = server.connect();
            join(bob, room, server.mint(room, owner, "viewer"));
            alice.nextOfType("presence");
            bob.abort();
            assertEquals("leave", alice.nextOfType("presence").get("event").asText());
        }
    }

    @Test
    void frames_sent_back_to_back_are_handled_in_order_though_the_join_runs_off_the_selector() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient alice = server.connect()) {
            // No wait between them: the join (which may load the room) runs on the pool, and the
            // op behind it must not be read, and refused as not joined, before the join is done.
            alice.send(Messages.joinMessage(room, owner).put("name", "Alice"));
            alice.send(op(room, 0, "p1", "abc"));
            alice.send(op(room, 1, "p2", 3, "d"));
            alice.send(WsClient.message("leave").put("room", room));
            alice.send(Messages.joinMessage(room, owner).put("name", "Alice"));
            assertEquals(0, alice.nextOfType("joined").get("rev").asInt());
            assertEquals(1, alice.nextOfType("ack").get("rev").asInt());
            assertEquals(2, alice.nextOfType("ack").get("rev").asInt());
            JsonNode again = alice.nextOfType("joined");
            assertEquals(2, again.get("rev").asInt());
            assertEquals("abcd", again.get("text").asText());
            assertTrue(alice.drain().stream().noneMatch(m -> "error".equals(m.get("type").asText())));
        }
    }

    @Test
    void ops_are_acked_to_the_sender_and_broadcast_transformed_to_the_others() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient alice = server.connect(); WsClient bob = server.connect()) {
            join(alice, room, owner);
            join(bob, room, server.mint(room, owner, "editor"));
            alice.send(op(room, 0, "a1", "abc"));
            assertEquals(1, alice.nextOfType("ack").get("rev").asInt());
            JsonNode seen = bob.nextOfType("op");
            assertEquals(1, seen.get("rev").asInt());
            assertEquals("a1", seen.get("id").asText());
            assertEquals("[\"abc\"]", seen.get("op").toString());

            // Both edit revision 1: Bob's op arrives after Alice's was applied, and is transformed.
            alice.send(op(room, 1, "a2", 3, "X"));
            assertEquals(2, alice.nextOfType("ack").get("rev").asInt());
            bob.send(op(room, 1, "b1", "Y", 3));
            assertEquals(3, bob.nextOfType("ack").get("rev").asInt());
            JsonNode transformed = alice.nextOfType("op");
            assertEquals(3, transformed.get("rev").asInt());
            assertEquals("[\"Y\",4]", transformed.get("op").toString());
            assertEquals("YabcX", server.get("/api/rooms/" + room + "/text", owner).body());
        }
    }

    @Test
    void one_connection_can_be_in_several_rooms() {
        String first = newRoom();
        String second = newRoom();
        String firstOwner = server.createRoom(first);
        String secondOwner = server.createRoom(second);
        try (WsClient c = server.connect(); WsClient watcher = server.connect()) {
            join(c, first, firstOwner);
            join(c, second, secondOwner);
            join(watcher, second, secondOwner);
            c.send(op(first, 0, "f", "one"));
            c.send(op(second, 0, "s", "two"));
            // Each room orders its own messages; two rooms' acks may arrive in either order.
            assertEquals(java.util.Set.of(first, second), java.util.Set.of(
                    c.nextOfType("ack").get("room").asText(), c.nextOfType("ack").get("room").asText()));
            JsonNode seen = watcher.nextOfType("op");
            assertEquals(second, seen.get("room").asText());
            assertEquals("two", server.get("/api/rooms/" + second + "/text", secondOwner).body());
            assertEquals("one", server.get("/api/rooms/" + first + "/text", firstOwner).body());
            c.send(Messages.joinMessage(first, firstOwner));
            assertEquals("bad_request", c.nextOfType("error").get("code").asText());
        }
    }

    @Test
    void resuming_from_a_known_revision_returns_only_the_missed_ops() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient writer = server.connect()) {
            join(writer, room, owner);
            writer.send(op(room, 0, "r1", "ab"));
            writer.nextOfType("ack");
            writer.send(op(room, 1, "r2", 2, "cd"));
            writer.nextOfType("ack");
            try (WsClient resumer = server.connect()) {
                resumer.send(Messages.joinMessage(room, owner).put("rev", 1));
                JsonNode joined = resumer.nextOfType("joined");
                assertFalse(joined.has("text"));
                assertEquals(2, joined.get("rev").asInt());
                assertEquals(1, joined.get("ops").size());
                JsonNode missed = joined.get("ops").get(0);
                assertEquals(2, missed.get("rev").asInt());
                assertEquals("r2", missed.get("id").asText());
                assertEquals("[2,\"cd\"]", missed.get("op").toString());
            }
            try (WsClient upToDate = server.connect()) {
                upToDate.send(Messages.joinMessage(room, owner).put("rev", 2));
                JsonNode joined = upToDate.nextOfType("joined");
                assertEquals(0, joined.get("ops").size());
            }
        }
    }

    @Test
    void a_resume_naming_the_op_of_its_revision_gets_ops_only_when_that_op_is_the_rooms() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient writer = server.connect()) {
            JsonNode first = join(writer, room, owner);
            assertFalse(first.has("revId"), "revision 0 was made by no op");
            writer.send(op(room, 0, "r1", "ab"));
            writer.nextOfType("ack");
            writer.send(op(room, 1, "r2", 2, "cd"));
            writer.nextOfType("ack");
            try (WsClient resumer = server.connect()) {
                resumer.send(Messages.joinMessage(room, owner).put("rev", 1).put("revId", "r1"));
                JsonNode joined = resumer.nextOfType("joined");
                assertEquals("r2", joined.get("revId").asText(), "the op that made the head");
                assertEquals(1, joined.get("ops").size());
                assertFalse(joined.has("reset"));
            }
            // As after a restore from a backup: revision 1 exists, but the client saw another op make it.
            try (WsClient strayed = server.connect()) {
                strayed.send(Messages.joinMessage(room, owner).put("rev", 1).put("revId", "lost-op"));
                JsonNode joined = strayed.nextOfType("joined");
                assertTrue(joined.get("reset").asBoolean());
                assertEquals("abcd", joined.get("text").asText());
                assertEquals("r2", joined.get("revId").asText());
            }
            try (WsClient malformed = server.connect()) {
                malformed.send(Messages.joinMessage(room, owner).put("rev", 1).put("revId", 7));
                assertEquals("bad_request", malformed.nextOfType("error").get("code").asText());
            }
        }
    }

    @Test
    void resuming_from_before_the_ops_in_memory_reads_the_store_and_from_the_future_resets() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient writer = server.connect()) {
            join(writer, room, owner);
            for (int i = 0; i < 5; i++) {
                writer.send(op(room, i, "h" + i, i == 0 ? new Object[] {"x"} : new Object[] {i, "x"}));
                writer.nextOfType("ack");
            }
            try (WsClient resumer = server.connect()) { // memory keeps 3 ops (HISTORY_OPS): 1 and 2 are read back
                resumer.send(Messages.joinMessage(room, owner).put("rev", 0));
                JsonNode joined = resumer.nextOfType("joined");
                assertFalse(joined.has("reset"), joined::toString);
                assertEquals(5, joined.get("ops").size());
                assertEquals("h0", joined.get("ops").get(0).get("id").asText());
            }
            try (WsClient resumer = server.connect()) {
                resumer.send(Messages.joinMessage(room, owner).put("rev", 9));
                JsonNode joined = resumer.nextOfType("joined");
                assertTrue(joined.get("reset").asBoolean());
                assertEquals("xxxxx", joined.get("text").asText());
                assertEquals(5, joined.get("rev").asInt());
            }
        }
    }

    @Test
    void a_retried_op_id_is_acked_with_its_original_revision_and_not_applied_twice() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient first = server.connect()) {
            join(first, room, owner);
            first.send(op(room, 0, "dup", "once"));
            assertEquals(1, first.nextOfType("ack").get("rev").asInt());
        }
        try (WsClient retry = server.connect()) {
            join(retry, room, owner);
            retry.send(op(room, 0, "dup", "once"));
            JsonNode ack = retry.nextOfType("ack");
            assertEquals("dup", ack.get("id").asText());
            assertEquals(1, ack.get("rev").asInt());
            assertEquals("once", server.get("/api/rooms/" + room + "/text", owner).body());
        }
    }

    @Test
    void cursors_are_moved_through_later_ops_and_shown_to_the_others() {
        String room = newRoom();
        String owner = server.createRoom(room);
        try (WsClient alice = server.connect(); WsClient bob = server.connect()) {
            join(alice, room, owner);
            String bobId = join(bob, room, server.mint(room, owner, "editor")).get("clientId").asText();
            alice.send(op(room, 0, "c1", "hello"));
            alice.nextOfType("ack");
            bob.nextOfType("op");
            alice.send(op(room, 1, "c2", "> ", 5));
            alice.nextOfType("ack");
            ObjectNode cursor = WsClient.message("cursor").put("room", room).put("rev", 1);
            cursor.putArray("ranges")
                    .add(JSON.createArrayNode().add(5).add(5))
                    .add(JSON.createArrayNode().add(0).add(2));
            bob.send(cursor);
            JsonNode moved = alice.nextOfType("cursor");
            assertEquals(2, moved.get("rev").asInt());
            assertEquals(bobId, moved.get("clientId").asText());
            assertEquals("[[7,7],[2,4]]", moved.get("ranges").toString());
        }
    }

    @Test
    void a_large_room_gets_every_op_in_order_when_its_writes_run_on_the_pool() {
        String room = newRoom();
        String owner = server.createRoom(room);
        java.util.List<WsClient> members = new java.util.ArrayList<>();
        try (WsClient writer = server.connect()) {
            join(writer, room, owner);
            for (int i = 0; i < 40; i++) {
                WsClient member = server.connect();
                join(member, room, owner);
                members.add(member);
            }
            for (int rev = 0; rev < 20; rev++) {
                writer.send(op(room, rev, "big" + rev, rev == 0 ? new Object[] {"x"} : new Object[] {rev, "x"}));
                writer.nextOfType("ack");
            }
            for (WsClient member : members) {
                for (int rev = 1; rev <= 20; rev++) {
                    assertEquals(rev, member.nextOfType("op").get("rev").asInt());
                }
            }
        } finally {
            members.forEach(WsClient::close);
        }
    }

    @Test
    void ping_is_answered_with_pong_carrying_t() {
        try (WsClient c = server.connect()) {
            c.sendRaw("{\"type\":\"ping\",\"t\":{\"n\":[1,\"x\"]}}");
            assertEquals("{\"n\":[1,\"x\"]}", c.nextOfType("pong").get("t").toString());
        }
    }

    @Test
    void an_oversized_frame_closes_with_1009() {
        try (WsClient c = server.connect()) {
            c.sendRaw("{\"type\":\"ping\",\"t\":\"" + "x".repeat(5000) + "\"}");
            assertEquals(1009, c.awaitClose());
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {3, 2048, 4096})
    void a_binary_frame_closes_with_1003_up_to_the_frame_limit(int bytes) {
        try (WsClient c = server.connect()) {
            c.sendBinary(new byte[bytes]);
            assertEquals(1003, c.awaitClose());
        }
    }

    @Test
    void a_binary_frame_over_the_frame_limit_closes_with_1009() {
        try (WsClient c = server.connect()) {
            c.sendBinary(new byte[4097]);
            assertEquals(1009, c.awaitClose());
        }
    }

    @Test
    void upgrades_from_foreign_origins_are_refused() {
        String own = "http://127.0.0.1:" + server.port();
        try (WsClient c = WsClient.connect(server.ws(), own)) {
            c.sendRaw("{\"type\":\"ping\"}");
            assertEquals("pong", c.next().get("type").asText());
        }
        for (String origin : new String[] {"http://evil.example", "null", own + ".evil.example",
            "http://evil.example/" + own, "https://127.0.0.1:" + server.port()}) {
            CompletionException refused = assertThrows(CompletionException.class,
                    () -> WsClient.connect(server.ws(), origin), origin);
            assertTrue(refused.getCause() instanceof java.net.http.WebSocketHandshakeException, origin);
        }
    }
}
