package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ApiClient.Response;
import dev.livepad.testing.EventStreamClient;
import dev.livepad.testing.EventStreamClient.Event;
import dev.livepad.testing.Messages;
import dev.livepad.testing.SharedServer;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract's HTTP transports against a real server: a room followed over server-sent events
 * (a member like a WebSocket's, resumable with Last-Event-ID, kept alive by comments), ops written
 * with plain HTTP posts under the WebSocket's rules, and append and replace-the-text for scripts.
 */
@Timeout(60)
class HttpTransportsTest {
    @RegisterExtension
    static final SharedServer shared = new SharedServer("EVENTS_HEARTBEAT_SECONDS", "1", "MAX_DOC_CHARS", "100");

    private final TestServer server = shared.server();

    private EventStreamClient follow(String room, String token, String... headers) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("Authorization", "Bearer " + token));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            all.put(headers[i], headers[i + 1]);
        }
        return EventStreamClient.open(server.http("/api/rooms/" + room + "/events?name=Scripty"), all);
    }

    @Test
    void a_stream_is_a_member_that_receives_the_rooms_messages_as_events() {
        String owner = server.createRoom("ev-member");
        String viewer = server.mint("ev-member", owner, "viewer");
        try (WsClient alice = server.connect()) {
            alice.send(Messages.joinMessage("ev-member", owner).put("name", "Alice"));
            alice.nextOfType("joined");
            alice.send(Messages.op("ev-member", 0, "a1", "Hello"));
            alice.nextOfType("ack");
            try (EventStreamClient stream = follow("ev-member", viewer)) {
                assertEquals(200, stream.status());
                assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
                Event joined = stream.next();
                assertEquals("joined", joined.data().get("type").asText());
                assertEquals("1", joined.id(), "an event that carries a revision has it as its id");
                assertEquals("Hello", joined.data().get("text").asText());
                assertEquals("viewer", joined.data().get("role").asText());
                String streamId = joined.data().get("clientId").asText();
                assertTrue(server.status().get("eventStreams").asInt() >= 1, "/status counts open streams");

                JsonNode presence = alice.nextOfType("presence");
                assertEquals("join", presence.get("event").asText());
                assertEquals(streamId, presence.get("member").get("clientId").asText());
                assertEquals("Scripty", presence.get("member").get("name").asText());

                alice.send(Messages.op("ev-member", 1, "a2", 5, ", world"));
                alice.nextOfType("ack");
                Event op = stream.nextOfType("op");
                assertEquals("2", op.id());
                assertEquals("a2", op.data().get("id").asText());
            }
            JsonNode left = alice.nextOfType("presence");
            assertEquals("leave", left.get("event").asText(), "closing the stream leaves the room");
        }
    }

    @Test
    void deleting_the_room_sends_closed_and_ends_the_stream() {
        String owner = server.createRoom("ev-deleted");
        try (EventStreamClient stream = follow("ev-deleted", owner)) {
            stream.joined();
            assertEquals(204, server.delete("/api/rooms/ev-deleted", owner).status());
            assertEquals("closed", stream.next().data().get("type").asText());
            assertTrue(stream.awaitEnd(Duration.ofSeconds(10)), "the stream ends after closed");
        }
    }

    @Test
    void last_event_id_resumes_like_a_join_with_rev() {
        String owner = server.createRoom("ev-resume");
        for (String word : new String[] {"one", " two", " three"}) {
            append("ev-resume", owner, word);
        }
        try (EventStreamClient stream = follow("ev-resume", owner, "Last-Event-ID", "1")) {
            JsonNode joined = stream.joined();
            assertNull(joined.get("text"), joined::toString);
            assertEquals(2, joined.get("ops").size());
            assertEquals(2, joined.get("ops").get(0).get("rev").asLong());
        }
        try (EventStreamClient future = follow("ev-resume", owner, "Last-Event-ID", "99")) {
            JsonNode joined = future.joined();
            assertTrue(joined.get("reset").asBoolean());
            assertEquals("one two three", joined.get("text").asText());
        }
    }

    @Test
    void a_resume_with_rev_id_gets_ops_only_if_that_revision_is_the_op_it_saw() {
        String owner = server.createRoom("ev-revid");
        String firstId = "first op \u00e9+1"; // a space, a plus and a non-ASCII letter: decoded, not mangled
        assertEquals(200, post("/api/rooms/ev-revid/ops",
                "{\"rev\":0,\"id\":" + quote(firstId) + ",\"op\":[\"one\"]}", owner).status());
        append("ev-revid", owner, " two");
        try (EventStreamClient stream = resume("ev-revid", owner, 1, firstId)) {
            JsonNode joined = stream.joined();
            assertNull(joined.get("text"), joined::toString);
            assertEquals(1, joined.get("ops").size(), joined::toString);
            assertEquals(2, joined.get("ops").get(0).get("rev").asLong());
        }
        try (EventStreamClient strayed = resume("ev-revid", owner, 1, "an op this server never kept at 1")) {
            JsonNode joined = strayed.joined();
            assertTrue(joined.path("reset").asBoolean(), joined::toString);
            assertEquals("one two", joined.get("text").asText());
            assertNull(joined.get("ops"), joined::toString);
        }
        try (EventStreamClient tooLong = resume("ev-revid", owner, 1, "x".repeat(129))) {
            assertEquals(400, tooLong.status());
            assertEquals("bad_request", tooLong.errorBody().get("error").asText());
        }
    }

    private EventStreamClient resume(String room, String token, long rev, String revId) {
        String query = "?revId=" + URLEncoder.encode(revId, StandardCharsets.UTF_8).replace("+", "%20");
        return EventStreamClient.open(server.http("/api/rooms/" + room + "/events" + query),
                Map.of("Authorization", "Bearer " + token, "Last-Event-ID", Long.toString(rev)));
    }

    @Test
    void quiet_streams_get_comment_lines() throws InterruptedException {
        String owner = server.createRoom("ev-quiet");
        try (EventStreamClient stream = follow("ev-quiet", owner)) {
            stream.joined();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (stream.comments() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(stream.comments() >= 2, "keep-alive comments: " + stream.comments());
        }
    }

    @Test
    void streams_are_refused_like_websockets_are() {
        String owner = server.createRoom("ev-refused");
        String other = server.createRoom("ev-refused-other");
        try (EventStreamClient noToken = EventStreamClient.open(server.http("/api/rooms/ev-refused/events"),
                Map.of())) {
            assertEquals(401, noToken.status());
            assertEquals("invalid_token", noToken.errorBody().get("error").asText());
        }
        try (EventStreamClient wrongRoom = follow("ev-refused", other)) {
            assertEquals(403, wrongRoom.status());
        }
        try (EventStreamClient foreign = follow("ev-refused", owner, "Origin", "https://evil.example")) {
            assertEquals(403, foreign.status());
            assertEquals("forbidden", foreign.errorBody().get("error").asText());
        }
        try (EventStreamClient badId = follow("ev-refused", owner, "Last-Event-ID", "abc")) {
            assertEquals(400, badId.status());
        }
    }

    @Test
    void ops_posted_over_http_follow_the_websocket_rules() {
        String owner = server.createRoom("ev-ops");
        String viewer = server.mint("ev-ops", owner, "viewer");
        try (WsClient alice = server.connect()) {
            alice.send(Messages.joinMessage("ev-ops", owner));
            alice.nextOfType("joined");
            Response first = post("/api/rooms/ev-ops/ops",
                    "{\"rev\":0,\"id\":\"s-1\",\"op\":[\"abc\"],\"name\":\"Bot\"}", owner);
            assertEquals(200, first.status(), first.body());
            assertEquals(1, first.json().get("rev").asLong());
            JsonNode op = alice.nextOfType("op");
            assertEquals("s-1", op.get("id").asText());

            // A retry of the same op is acknowledged with its first revision and not applied again.
            Response retry = post("/api/rooms/ev-ops/ops", "{\"rev\":0,\"id\":\"s-1\",\"op\":[\"abc\"]}", owner);
            assertEquals(1, retry.json().get("rev").asLong());
            // Made against revision 0 while the head is 1: transformed past "abc", as over WebSocket.
            Response concurrent = post("/api/rooms/ev-ops/ops", "{\"rev\":0,\"id\":\"s-2\",\"op\":[\"X\"]}", owner);
            assertEquals(2, concurrent.json().get("rev").asLong());
            assertEquals("Xabc", server.get("/api/rooms/ev-ops/text", owner).body());

            assertError(post("/api/rooms/ev-ops/ops", "{\"rev\":0,\"id\":\"s-1\",\"op\":[\"zzz\"]}", owner),
                    400, "bad_request"); // the same id for another op
            assertError(post("/api/rooms/ev-ops/ops", "{\"rev\":2,\"id\":\"s-3\",\"op\":[9]}", owner), 400, "bad_op");
            assertError(post("/api/rooms/ev-ops/ops", "{\"rev\":2,\"id\":\"s-3\",\"op\":[1e99999999999]}", owner),
                    400, "bad_op"); // legal JSON, beyond a BigDecimal
            assertError(post("/api/rooms/ev-ops/ops", "{\"rev\":7,\"id\":\"s-3\",\"op\":[4]}", owner), 409, "bad_rev");
            assertError(post("/api/rooms/ev-ops/ops", "{\"rev\":2,\"id\":\"s-3\",\"op\":[4,\"" + "y".repeat(200)
                    + "\"]}", owner), 413, "doc_too_large");
            assertError(post("/api/rooms/ev-ops/ops", "{\"rev\":2,\"op\":[4,\"y\"]}", owner), 400, "bad_request");
            assertError(post("/api/rooms/ev-ops/ops", "{\"rev\":2,\"id\":\"v\",\"op\":[4,\"y\"]}", viewer),
                    403, "forbidden");
            assertError(post("/api/rooms/ev-ops/ops", "{\"rev\":2,\"id\":\"v\",\"op\":[4,\"y\"]}", null),
                    401, "invalid_token");
            assertError(post("/api/rooms/nope/ops", "{\"rev\":2,\"id\":\"v\",\"op\":[4,\"y\"]}", owner),
                    403, "forbidden");
            assertEquals("Xabc", server.get("/api/rooms/ev-ops/text", owner).body(), "refused writes change nothing");
            assertEquals("Bot", server.get("/api/rooms/ev-ops/history?before=2", owner).json()
                    .get("revisions").get(0).get("name").asText());
        }
    }

    @Test
    void append_and_replace_turn_into_ops_that_members_converge_on() {
        String owner = server.createRoom("ev-script");
        try (WsClient alice = server.connect()) {
            alice.send(Messages.joinMessage("ev-script", owner));
            alice.nextOfType("joined");
            assertEquals(1, append("ev-script", owner, "first line\n"));
            assertEquals(2, append("ev-script", owner, "second line\n"));
            JsonNode one = alice.nextOfType("op");
            assertEquals("[\"first line\\n\"]", one.get("op").toString());
            assertEquals("[11,\"second line\\n\"]", alice.nextOfType("op").get("op").toString());

            Response replaced = put("/api/rooms/ev-script/text", "{\"text\":\"first line\\nthird line\\n\"}", owner);
            assertEquals(200, replaced.status(), replaced.body());
            assertEquals(3, replaced.json().get("rev").asLong());
            // One op keeping what both texts share: the first line, and the ending "d line\n".
            assertEquals("[11,\"thir\",-5,7]", alice.nextOfType("op").get("op").toString());
            assertEquals("first line\nthird line\n", server.get("/api/rooms/ev-script/text", owner).body());

            assertError(put("/api/rooms/ev-script/text", "{\"text\":7}", owner), 400, "bad_request");
            assertError(post("/api/rooms/ev-script/append", "{\"text\":\"\\ud800\"}", owner), 400, "bad_op");
            assertError(post("/api/rooms/ev-script/append", "{\"text\":\"" + "z".repeat(100) + "\"}", owner),
                    413, "doc_too_large");
            assertFalse(server.get("/api/rooms/ev-script/text", owner).body().contains("z"));
        }
    }

    @Test
    void an_op_posted_for_the_callers_own_stream_is_credited_to_it() {
        String owner = server.createRoom("ev-own");
        String editor = server.mint("ev-own", owner, "editor");
        try (EventStreamClient stream = follow("ev-own", editor)) {
            String me = stream.joined().get("clientId").asText();
            Response mine = post("/api/rooms/ev-own/ops",
                    "{\"rev\":0,\"id\":\"m-1\",\"op\":[\"hi\"],\"clientId\":\"" + me + "\"}", editor);
            assertEquals(200, mine.status(), mine.body());
            Event own = stream.nextOfType("op");
            assertEquals("m-1", own.data().get("id").asText(), "the stream sees its own op: that is its ack too");
            assertEquals(me, own.data().get("clientId").asText());
            JsonNode listed = server.get("/api/rooms/ev-own/history", owner).json().get("revisions").get(0);
            assertEquals(me, listed.get("clientId").asText());
            assertEquals("Scripty", listed.get("name").asText(), "the stream's name");

            // Another token may not credit its ops to this stream: the op gets an id of its own.
            Response other = post("/api/rooms/ev-own/ops",
                    "{\"rev\":1,\"id\":\"o-1\",\"op\":[2,\"!\"],\"clientId\":\"" + me + "\"}", owner);
            assertEquals(200, other.status(), other.body());
            assertFalse(me.equals(stream.nextOfType("op").data().get("clientId").asText()));
        }
    }

    @Test
    void writes_from_one_address_share_a_websockets_message_rate() {
        try (TestServer limited = TestServer.start("EXEMPT_LOOPBACK", null, "RATE_LIMIT_PER_SECOND", "1",
                "RATE_LIMIT_BURST", "3")) {
            String owner = limited.createRoom("ev-rate");
            for (int i = 0; i < 3; i++) {
                assertEquals(200, limited.post("/api/rooms/ev-rate/append", "{\"text\":\"x\"}", owner).status());
            }
            assertError(limited.post("/api/rooms/ev-rate/append", "{\"text\":\"y\"}", owner), 429, "rate_limited");
            assertError(limited.post("/api/rooms/ev-rate/ops", "{\"rev\":3,\"id\":\"r\",\"op\":[3,\"y\"]}",
                    owner), 429, "rate_limited");
            assertEquals("xxx", limited.get("/api/rooms/ev-rate/text", owner).body(), "refused writes change nothing");
        }
    }

    @Test
    void a_stream_that_does_not_read_is_ended_like_a_slow_websocket() throws Exception {
        try (TestServer small = TestServer.start("OUTBOX_MAX_BYTES", "65536", "RATE_LIMIT_BYTES_PER_SECOND",
                "100000000", "RATE_LIMIT_BYTES_BURST", "100000000");
             WsClient alice = small.connect();
             java.net.Socket reader = new java.net.Socket()) {
            String owner = small.createRoom("ev-slow");
            alice.send(Messages.joinMessage("ev-slow", owner));
            alice.nextOfType("joined");
            reader.setReceiveBufferSize(4096); // a small window, then never read
            reader.connect(new java.net.InetSocketAddress("127.0.0.1", small.port()));
            reader.getOutputStream().write(("GET /api/rooms/ev-slow/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + owner + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertEquals("join", alice.nextOfType("presence").get("event").asText());
            String chunk = "s".repeat(8192);
            long rev = 0;
            long before = small.status().get("slowConsumersClosed").asLong();
            java.util.List<String> presence = new java.util.ArrayList<>();
            // 16 MB at most: more than the kernel's socket buffers can hide, however it sizes them
            for (int i = 0; i < 1000 && presence.isEmpty(); i++) {
                alice.send(Messages.op("ev-slow", rev, "in" + i, chunk));
                rev = ack(alice, presence);
                alice.send(Messages.op("ev-slow", rev, "out" + i, -chunk.length()));
                rev = ack(alice, presence);
            }
            assertEquals(java.util.List.of("leave"), presence, "the stream that did not read left the room");
            assertEquals(before + 1, small.status().get("slowConsumersClosed").asLong(), "cut off as too slow");
        }
    }

    /** The next ack's revision; presence events on the way are noted. */
    private static long ack(WsClient client, java.util.List<String> presence) {
        while (true) {
            JsonNode m = client.next();
            if ("presence".equals(m.path("type").asText())) {
                presence.add(m.get("event").asText());
            } else if ("ack".equals(m.path("type").asText())) {
                return m.get("rev").asLong();
            }
        }
    }

    private long append(String room, String token, String text) {
        Response r = post("/api/rooms/" + room + "/append", "{\"text\":" + quote(text) + "}", token);
        assertEquals(200, r.status(), r.body());
        return r.json().get("rev").asLong();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private Response post(String path, String body, String token) {
        return server.post(path, body, token);
    }

    private Response put(String path, String body, String token) {
        return server.api().put(path, body, token);
    }

    private static void assertError(Response r, int status, String code) {
        assertEquals(status, r.status(), r::body);
        assertEquals(code, r.json().get("error").asText(), r::body);
    }
}
