package dev.livepad.web;

import static dev.livepad.testing.Messages.join;
import static dev.livepad.testing.Messages.joinMessage;
import static dev.livepad.testing.Messages.op;
import static dev.livepad.testing.Messages.opMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.auth.TokenService;
import dev.livepad.protocol.Role;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.SharedServer;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every error code of the contract: send the bad input, check the code, and check that the
 * document did not change and the connection still works.
 */
@Timeout(30)
class ProtocolErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger ROOMS = new AtomicInteger();
    @RegisterExtension
    static final SharedServer shared = new SharedServer("MAX_DOC_CHARS", "50", "HISTORY_OPS", "5",
            "RATE_LIMIT_PER_SECOND", "50", "RATE_LIMIT_BURST", "50");

    private final TestServer server = shared.server();
    private String room;
    private String owner;
    private WsClient client;

    @BeforeEach
    void joinRoomWithText() {
        room = "errors-" + ROOMS.incrementAndGet();
        owner = server.createRoom(room);
        client = server.connect();
        join(client, room, owner);
        sendOp(client, 0, "i1", "hello");
        assertEquals("ack", client.nextOfType("ack").get("type").asText());
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void a_frame_that_is_not_json_is_bad_json() {
        client.sendRaw("{not json");
        assertError(client, "bad_json");
        client.sendRaw("[1,2,3]");
        assertError(client, "bad_json");
        assertUnchanged();
    }

    @Test
    void missing_or_mistyped_fields_and_unknown_types_are_bad_request() {
        client.sendRaw("{\"type\":\"teleport\",\"room\":\"" + room + "\"}");
        assertError(client, "bad_request");
        client.sendRaw("{\"type\":\"op\",\"room\":\"" + room + "\",\"id\":\"x\",\"op\":[5]}");
        assertError(client, "bad_request");
        client.sendRaw("{\"type\":\"op\",\"room\":\"" + room + "\",\"rev\":\"1\",\"id\":\"x\",\"op\":[5]}");
        assertError(client, "bad_request");
        client.sendRaw("{\"type\":\"join\",\"room\":42,\"token\":\"t\"}");
        assertError(client, "bad_request");
        client.sendRaw("{\"room\":\"" + room + "\"}");
        assertError(client, "bad_request");
        assertUnchanged();
    }

    @Test
    void a_forged_or_malformed_token_is_invalid_token() {
        try (WsClient other = server.connect()) {
            String forged = new TokenService("another-secret-that-is-also-32-bytes-long", Clock.systemUTC())
                    .mint(room, "whatever", Role.OWNER, Duration.ofHours(1));
            other.send(joinMessage(room, forged));
            assertError(other, "invalid_token");
            other.send(joinMessage(room, "not.a.jwt"));
            assertError(other, "invalid_token");
            String noneAlg = owner.substring(0, 0) + base64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
                    + owner.split("\\.")[1] + ".";
            other.send(joinMessage(room, noneAlg));
            assertError(other, "invalid_token");
            // A header of JSON null: java-jwt fails with a NullPointerException on it.
            other.send(joinMessage(room, base64("null") + "." + base64("{}") + ".c2ln"));
            assertError(other, "invalid_token");
        }
        assertUnchanged();
    }

    @Test
    void an_expired_token_is_token_expired() {
        Clock lastWeek = Clock.fixed(Instant.now().minus(Duration.ofDays(7)), ZoneOffset.UTC);
        String roomId = roomIdOf(owner);
        String expired =
                new TokenService(TestServer.SECRET, lastWeek).mint(room, roomId, Role.EDITOR, Duration.ofHours(1));
        try (WsClient other = server.connect()) {
            other.send(joinMessage(room, expired));
            assertError(other, "token_expired");
        }
        assertUnchanged();
    }

    @Test
    void a_token_for_another_room_is_wrong_room() {
        String otherRoom = room + "-b";
        String otherToken = server.createRoom(otherRoom);
        try (WsClient other = server.connect()) {
            other.send(joinMessage(room, otherToken));
            assertError(other, "wrong_room");
        }
        assertUnchanged();
    }

    @Test
    void joining_a_deleted_room_is_refused() {
        String gone = room + "-gone";
        String token = server.createRoom(gone);
        assertEquals(204, server.delete("/api/rooms/" + gone, token).status());
        try (WsClient other = server.connect()) {
            other.send(joinMessage(gone, token));
            assertError(other, "no_such_room");
            server.createRoom(gone);
            other.send(joinMessage(gone, token));
            assertError(other, "invalid_token");
        }
    }

    @Test
    void a_message_for_a_room_not_joined_is_not_joined() {
        String otherRoom = room + "-c";
        server.createRoom(otherRoom);
        client.send(opMessage(otherRoom, 0, "n1", JSON.createArrayNode().add("x")));
        assertError(client, "not_joined");
        client.send(WsClient.message("leave").put("room", otherRoom));
        assertError(client, "not_joined");
        assertUnchanged();
    }

    @Test
    void a_viewer_may_not_edit() {
        try (WsClient viewer = server.connect()) {
            JsonNode joined = join(viewer, room, server.mint(room, owner, "viewer"));
            assertEquals("viewer", joined.get("role").asText());
            sendOp(viewer, 1, "v1", "no");
            assertError(viewer, "forbidden");
        }
        assertUnchanged();
    }

    @Test
    void malformed_ops_are_bad_op() {
        String[] bad = {
            "[6]", "[4]", "[5,-1]", "[0,5]", "[1.0,4]", "[5e0]", "[\"\",5]", "[5,true]", "[5,null]",
            "[5,[1]]", "[5,{}]", "\"x\"", "[99999999999999999999]", "[5,\"\\ud800\"]", "[5,\"\\udc00x\"]",
            "[1e99999999999]", "[5,-1e2147483648]" // legal JSON, beyond a BigDecimal
        };
        for (String op : bad) {
            client.sendRaw("{\"type\":\"op\",\"room\":\"" + room + "\",\"rev\":1,\"id\":\"b\",\"op\":" + op + "}");
            JsonNode error = client.nextOfType("error");
            assertEquals("bad_op", error.get("code").asText(), "op " + op + " gave " + error);
        }
        assertUnchanged();
    }

    @Test
    void an_op_that_splits_a_surrogate_pair_is_bad_op() {
        sendOp(client, 1, "emoji", 5, "😀");
        assertEquals(2, client.nextOfType("ack").get("rev").asInt());
        client.send(opMessage(room, 2, "split", JSON.createArrayNode().add(6).add("x").add(1)));
        assertError(client, "bad_op");
        client.send(opMessage(room, 2, "split2", JSON.createArrayNode().add(6).add(-1)));
        assertError(client, "bad_op");
        assertEquals("hello😀", text());
    }

    @Test
    void a_future_or_forgotten_revision_is_bad_rev() {
        sendOp(client, 7, "f1", 5, "!");
        assertError(client, "bad_rev");
        for (int i = 0; i < 6; i++) {
            sendOp(client, 1 + i, "h" + i, 5 + i, "!");
            client.nextOfType("ack");
        }
        sendOp(client, 0, "old", "x");
        assertError(client, "bad_rev");
        assertEquals("hello!!!!!!", text());
    }

    @Test
    void an_op_past_the_size_limit_is_doc_too_large() {
        sendOp(client, 1, "big", 5, "x".repeat(46));
        assertError(client, "doc_too_large");
        assertUnchanged();
    }

    @Test
    void a_connection_sending_too_fast_is_rate_limited() {
        try (WsClient flooder = server.connect()) {
            for (int i = 0; i < 80; i++) {
                flooder.sendRaw("{\"type\":\"ping\",\"t\":" + i + "}");
            }
            JsonNode error = flooder.nextOfType("error");
            assertEquals("rate_limited", error.get("code").asText());
        }
        assertUnchanged();
    }

    @Test
    void errors_name_the_room_and_the_op_id() {
        sendOp(client, 9, "named", 5, "!");
        JsonNode error = assertError(client, "bad_rev");
        assertEquals(room, error.get("room").asText());
        assertEquals("named", error.get("ref").asText());
        assertFalse(error.get("message").asText().isEmpty());
    }

    // --- helpers

    @Test
    void a_ping_whose_t_is_beyond_a_bigdecimal_is_refused_and_the_connection_stays() {
        client.sendRaw("{\"type\":\"ping\",\"t\":1e2147483648}");
        assertError(client, "bad_request");
        assertUnchanged();
    }

    private void sendOp(WsClient c, long rev, String id, Object... components) {
        c.send(op(room, rev, id, components));
    }

    private static JsonNode assertError(WsClient c, String code) {
        JsonNode m = c.next(x -> "error".equals(x.path("type").asText()));
        assertEquals(code, m.get("code").asText(), () -> "unexpected error " + m);
        return m;
    }

    private String text() {
        ApiClient.Response r = server.get("/api/rooms/" + room + "/text", owner);
        assertEquals(200, r.status(), r.body());
        return r.body();
    }

    /** Nothing changed: same text, and the connection still answers. */
    private void assertUnchanged() {
        assertEquals("hello", text());
        client.send(WsClient.message("ping").put("t", 7));
        assertEquals(7, client.nextOfType("pong").get("t").asInt());
        assertTrue(server.status().get("opsApplied").asLong() > 0);
    }

    private static String roomIdOf(String token) {
        try {
            byte[] payload = java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]);
            return JSON.readTree(payload).get("rid").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String base64(String s) {
        return java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
