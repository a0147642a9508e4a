package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.store.InMemoryDocumentStore;
import dev.livepad.testing.Seeds;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances in one JVM sharing a store and an asynchronous in-process bus, as processes share
 * PostgreSQL and Redis: what the contract promises for one process holds across them, and a lost
 * bus message costs nothing.
 */
@Timeout(60)
class TwoInstancesIT {
    private InMemoryDocumentStore store;
    private InProcessHub hub;
    private InProcessRoomBus busA;
    private InProcessRoomBus busB;
    private TestServer a;
    private TestServer b;

    @BeforeEach
    void start() {
        store = new InMemoryDocumentStore();
        hub = new InProcessHub();
        busA = hub.bus("deployment");
        busB = hub.bus("deployment");
        a = TestServer.instance(store, busA, "INSTANCE_ID", "a", "HEAD_CHECK_MILLIS", "200",
                "PRESENCE_EXPIRY_SECONDS", "3");
        b = TestServer.instance(store, busB, "INSTANCE_ID", "b", "HEAD_CHECK_MILLIS", "200",
                "PRESENCE_EXPIRY_SECONDS", "3");
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        b.close();
        hub.close();
    }

    @Test
    void random_edits_on_both_instances_converge_on_the_log_also_when_bus_messages_are_lost() throws Exception {
        long seed = Seeds.seed(1_308L);
        a.close();
        b.close();
        a = null;
        InProcessRoomBus lossyA = hub.bus("lossy");
        InProcessRoomBus lossyB = hub.bus("lossy");
        lossyB.dropNext("room:shared", 7); // the first ops A publishes never reach B
        Seeds.replayable(TwoInstancesIT.class, seed, () -> SharedStoreIT.run(seed, lossyA, lossyB));
        b = TestServer.instance(store, busB); // for stop()
    }

    @Test
    void an_op_on_one_instance_reaches_members_on_the_other_in_order() {
        String owner = a.createRoom("r");
        try (WsClient onA = a.connect(); WsClient onB = b.connect()) {
            join(onA, owner);
            join(onB, owner);
            onA.nextOfType("presence");
            for (int i = 0; i < 20; i++) {
                onA.send(op(i, i, "x"));
                assertEquals(i + 1, onA.nextOfType("ack").get("rev").asLong());
            }
            for (int i = 0; i < 20; i++) {
                assertEquals(i + 1, onB.nextOfType("op").get("rev").asLong());
            }
        }
        assertEquals(20, metric(b, "livepad_cluster_remote_ops_applied_total"));
        assertTrue(metric(b, "livepad_cluster_bus_delay_seconds_count") >= 1, "bus delays were measured");
        assertEquals(0, metric(a, "livepad_cluster_remote_ops_applied_total"));
    }

    @Test
    void a_lost_last_op_is_read_from_the_store() {
        String owner = a.createRoom("r");
        try (WsClient onA = a.connect(); WsClient onB = b.connect()) {
            join(onA, owner);
            join(onB, owner);
            busB.dropNext("room:r", 1);
            onA.send(op(0, 0, "lost on the bus"));
            onA.nextOfType("ack");
            JsonNode op = onB.nextOfType("op"); // from the head check, within a few hundred ms
            assertEquals(1, op.get("rev").asLong());
            assertEquals("[\"lost on the bus\"]", op.get("op").toString());
        }
        assertTrue(metric(b, "livepad_cluster_gap_fills_total") >= 1, "the gap fill was counted");
    }

    /** A sample of {@code /metrics} without labels. */
    private static double metric(TestServer server, String name) {
        for (String line : server.get("/metrics", null).body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError(name + " is not in /metrics");
    }

    @Test
    void members_on_both_instances_see_each_other_join_and_leave() {
        String owner = a.createRoom("r");
        try (WsClient onA = a.connect(); WsClient onB = b.connect()) {
            JsonNode joinedA = join(onA, owner, "Ann");
            JsonNode joinedB = join(onB, owner, "Bob");
            assertEquals(List.of("Ann"), names(joinedB.get("members")), "B's joiner sees A's member");
            JsonNode presence = onA.nextOfType("presence");
            assertEquals("join", presence.get("event").asText());
            assertEquals("Bob", presence.at("/member/name").asText());
            assertTrue(!joinedA.get("clientId").asText().equals(joinedB.get("clientId").asText()),
                    "client ids are unique across instances");
            onB.send(WsClient.message("leave").put("room", "r"));
            onB.nextOfType("left");
            JsonNode left = onA.nextOfType("presence");
            assertEquals("leave", left.get("event").asText());
            assertEquals(joinedB.get("clientId").asText(), left.at("/member/clientId").asText());
        }
    }

    @Test
    void a_dead_instances_members_leave_when_it_goes_quiet() {
        String owner = a.createRoom("r");
        try (WsClient onA = a.connect(); WsClient onB = b.connect()) {
            join(onA, owner, "Ann");
            join(onB, owner, "Bob");
            onA.nextOfType("presence");
            busB.close(); // B goes silent on the bus, as a killed process does (its members stay connected)
            JsonNode left = onA.next(m -> "presence".equals(m.path("type").asText())
                    && "leave".equals(m.path("event").asText()));
            assertEquals("Bob", left.at("/member/name").asText());
        }
    }

    @Test
    void a_client_resumes_on_the_other_instance_and_its_resent_op_applies_once() {
        String owner = a.createRoom("r");
        try (WsClient onA = a.connect()) {
            join(onA, owner);
            onA.send(op(0, 0, "hello"));
            onA.nextOfType("ack");
            onA.send(WsClient.message("op").put("room", "r").put("rev", 1).put("id", "pending-1")
                    .set("op", WsClient.message("x").arrayNode().add(5).add(" world")));
            assertEquals(2, onA.nextOfType("ack").get("rev").asLong());
        }
        // The ack may have been lost with the instance: the client resumes on B from rev 1 and resends.
        try (WsClient onB = b.connect()) {
            onB.send(WsClient.message("join").put("room", "r").put("token", owner).put("rev", 1));
            JsonNode joined = onB.nextOfType("joined");
            assertEquals(2, joined.get("rev").asLong());
            assertEquals("pending-1", joined.at("/ops/0/id").asText());
            onB.send(WsClient.message("op").put("room", "r").put("rev", 1).put("id", "pending-1")
                    .set("op", WsClient.message("x").arrayNode().add(5).add(" world")));
            assertEquals(2, onB.nextOfType("ack").get("rev").asLong(), "acked with the original revision");
        }
        assertEquals("hello world", b.get("/api/rooms/r/text", owner).body());
        assertEquals(2, store.load(store.findRoom("r").orElseThrow().id(), 10).headRev(), "applied once");
    }

    /**
     * The resend reaches an instance that has not seen the op yet (its bus message was lost): the
     * store refuses the duplicate, the instance reads the original, and its sender gets an ack, not
     * its own op as if another member had sent it (a client would apply that a second time).
     */
    @Test
    void an_op_resent_where_it_is_not_known_yet_is_acked_and_not_sent_back_to_its_sender() {
        a.close();
        b.close();
        a = TestServer.instance(store, busA, "INSTANCE_ID", "a", "HEAD_CHECK_MILLIS", "60000");
        b = TestServer.instance(store, busB, "INSTANCE_ID", "b", "HEAD_CHECK_MILLIS", "60000");
        String owner = a.createRoom("r");
        try (WsClient onA = a.connect(); WsClient bob = b.connect(); WsClient resumed = b.connect()) {
            join(onA, owner);
            join(bob, owner, "Bob");
            busB.dropNext("room:r", 1); // B does not hear of the op
            onA.send(op(0, 0, "hello"));
            assertEquals(1, onA.nextOfType("ack").get("rev").asLong()); // and the client loses this ack

            resumed.send(WsClient.message("join").put("room", "r").put("token", owner).put("rev", 0));
            assertEquals(0, resumed.nextOfType("joined").get("rev").asLong(), "B is behind");
            resumed.send(op(0, 0, "hello"));
            JsonNode reply = resumed.next(m -> List.of("ack", "op", "error").contains(m.path("type").asText()));
            assertEquals("ack 1", reply.path("type").asText() + " " + reply.path("rev").asLong(), reply::toString);
            JsonNode seenByBob = bob.nextOfType("op");
            assertEquals("op-0-hello 1", seenByBob.get("id").asText() + " " + seenByBob.get("rev").asLong());
        }
        assertEquals("hello", b.get("/api/rooms/r/text", owner).body());
        assertEquals(1, store.load(store.findRoom("r").orElseThrow().id(), 10).headRev(), "applied once");
    }

    @Test
    void deleting_a_room_on_one_instance_closes_it_for_members_on_the_other() {
        String owner = a.createRoom("r");
        try (WsClient onB = b.connect()) {
            join(onB, owner);
            assertEquals(204, a.api().delete("/api/rooms/r", owner).status());
            assertEquals("closed", onB.nextOfType("closed").get("type").asText());
            onB.send(WsClient.message("join").put("room", "r").put("token", owner));
            assertEquals("error", onB.nextOfType("error").get("type").asText());
        }
    }

    @Test
    void tokens_revoked_on_one_instance_are_refused_on_the_other() {
        String owner = a.createRoom("r");
        String invite = a.mint("r", owner, "editor");
        try (WsClient onB = b.connect()) {
            join(onB, owner); // the room is loaded on B with the old generation
            assertEquals(200, a.post("/api/rooms/r/revoke", "{}", owner).status());
            onB.send(WsClient.message("leave").put("room", "r"));
            onB.nextOfType("left");
            onB.send(WsClient.message("join").put("room", "r").put("token", invite));
            assertEquals("invalid_token", onB.nextOfType("error").get("code").asText());
        }
    }

    @Test
    void a_cursor_on_one_instance_is_shown_on_the_other() {
        String owner = a.createRoom("r");
        try (WsClient onA = a.connect(); WsClient onB = b.connect()) {
            join(onA, owner);
            join(onB, owner);
            onA.send(op(0, 0, "abc"));
            onA.nextOfType("ack");
            onA.send(WsClient.message("cursor")
                    .put("room", "r")
                    .put("rev", 1)
                    .set(
                            "ranges",
                            WsClient.message("x")
                                    .arrayNode()
                                    .add(WsClient.message("x")
                                            .arrayNode()
                                            .add(1)
                                            .add(2))));
            JsonNode cursor = onB.nextOfType("cursor");
            assertEquals(1, cursor.get("rev").asLong());
            assertEquals("[[1,2]]", cursor.get("ranges").toString());
        }
    }

    private static JsonNode join(WsClient ws, String token) {
        return join(ws, token, null);
    }

    private static JsonNode join(WsClient ws, String token, String name) {
        var message = WsClient.message("join").put("room", "r").put("token", token);
        if (name != null) {
            message.put("name", name);
        }
        ws.send(message);
        return ws.nextOfType("joined");
    }

    /** An insert of {@code text} at {@code at} against revision {@code rev}, the document being {@code at} long. */
    private static JsonNode op(long rev, int at, String text) {
        var components = WsClient.message("x").arrayNode();
        if (at > 0) {
            components.add(at);
        }
        components.add(text);
        return WsClient.message("op").put("room", "r").put("rev", rev).put("id", "op-" + rev + "-" + text)
                .set("op", components);
    }

    private static List<String> names(JsonNode members) {
        List<String> names = new ArrayList<>();
        members.forEach(m -> names.add(m.path("name").asText()));
        return names;
    }
}
