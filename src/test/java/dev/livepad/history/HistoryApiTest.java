package dev.livepad.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ApiClient.Response;
import dev.livepad.testing.Messages;
import dev.livepad.testing.SharedServer;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract's history section against a real server: every revision kept (snapshots every 4
 * ops, only 2 ops in memory, so reads and resumes must come from the store), who wrote what, and
 * restore as one ordinary op.
 */
@Timeout(60)
class HistoryApiTest {
    @RegisterExtension
    static final SharedServer shared = new SharedServer("SNAPSHOT_EVERY", "4", "HISTORY_OPS", "2");

    private final TestServer server = shared.server();

    /** A member of a room who types and keeps its own copy of the text. */
    private final class Writer implements AutoCloseable {
        final WsClient ws = server.connect();
        final String room;
        final String clientId;
        long rev;
        int ids;

        Writer(String room, String token, String name) {
            this.room = room;
            ws.send(Messages.joinMessage(room, token).put("name", name));
            JsonNode joined = ws.nextOfType("joined");
            clientId = joined.get("clientId").asText();
            rev = joined.get("rev").asLong();
        }

        /**
         * Sends an op against the head and waits for its ack; the writer must be the only one typing.
         * Retains of 0 are left out, so callers can write {@code type(at, "x", length - at)}.
         */
        long type(Object... components) {
            String id = clientId + "-" + ids++;
            ws.send(Messages.op(room, rev, id, java.util.Arrays.stream(components)
                    .filter(c -> !Integer.valueOf(0).equals(c)).toArray()));
            JsonNode ack = ws.next(m -> List.of("ack", "error").contains(m.path("type").asText()));
            assertEquals("ack", ack.get("type").asText(), ack::toString);
            rev = ack.get("rev").asLong();
            return rev;
        }

        /** Takes in the ops others made, so the next op is against the head. */
        void catchUp(long head) {
            while (rev < head) {
                rev = ws.nextOfType("op").get("rev").asLong();
            }
        }

        @Override
        public void close() {
            ws.close();
        }
    }

    @Test
    void the_history_lists_each_revision_with_its_author_newest_first() {
        String owner = server.createRoom("hist-list");
        String editor = server.mint("hist-list", owner, "editor");
        long before = System.currentTimeMillis();
        try (Writer alice = new Writer("hist-list", owner, "Alice");
                Writer bob = new Writer("hist-list", editor, "Bob")) {
            alice.type("Hello");
            bob.catchUp(1);
            bob.type(5, " world");
            alice.catchUp(2);
            alice.type(-6, 5);

            JsonNode page = ok(server.get("/api/rooms/hist-list/history", editor));
            assertEquals(3, page.get("head").asLong());
            JsonNode revisions = page.get("revisions");
            assertEquals(3, revisions.size());
            assertRevision(revisions.get(0), 3, alice.clientId, "Alice", 0, 6);
            assertRevision(revisions.get(1), 2, bob.clientId, "Bob", 6, 0);
            assertRevision(revisions.get(2), 1, alice.clientId, "Alice", 5, 0);
            for (JsonNode r : revisions) {
                long time = r.get("time").asLong();
                assertTrue(time >= before && time <= System.currentTimeMillis(), r::toString);
            }

            JsonNode second = ok(server.get("/api/rooms/hist-list/history?before=3&limit=1", editor)).get("revisions");
            assertEquals(1, second.size());
            assertEquals(2, second.get(0).get("rev").asLong());
            assertEquals(0, ok(server.get("/api/rooms/hist-list/history?before=1", editor)).get("revisions").size());
        }
    }

    @Test
    void the_text_at_every_revision_is_kept_although_memory_holds_two_ops() {
        String owner = server.createRoom("hist-text");
        List<String> texts = new ArrayList<>(List.of(""));
        try (Writer alice = new Writer("hist-text", owner, "Alice")) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                if (i % 5 == 4) {
                    alice.type(-1, text.length() - 1);
                    text.deleteCharAt(0);
                } else {
                    String c = String.valueOf((char) ('a' + i % 26));
                    int at = text.length() / 2;
                    alice.type(at, c, text.length() - at);
                    text.insert(at, c);
                }
                texts.add(text.toString());
            }
        }
        for (int rev = 0; rev < texts.size(); rev++) {
            Response r = server.get("/api/rooms/hist-text/text?rev=" + rev, owner);
            assertEquals(200, r.status(), r::body);
            assertEquals(texts.get(rev), r.body(), "text at revision " + rev);
        }
        assertEquals(texts.get(30), server.get("/api/rooms/hist-text/text", owner).body());
        assertError(server.get("/api/rooms/hist-text/text?rev=31", owner), 400, "bad_rev");
        assertError(server.get("/api/rooms/hist-text/authors?rev=31", owner), 400, "bad_rev");
        assertError(server.get("/api/rooms/hist-text/text?rev=-1", owner), 400, "bad_request");
        assertError(server.get("/api/rooms/hist-text/text?rev=x", owner), 400, "bad_request");
        assertError(server.get("/api/rooms/hist-text/history?limit=0", owner), 400, "bad_request");
        assertError(server.get("/api/rooms/hist-text/history?limit=1001", owner), 400, "bad_request");
        assertError(server.get("/api/rooms/hist-text/history", null), 401, "invalid_token");
        String other = server.createRoom("hist-text-other");
        assertError(server.get("/api/rooms/hist-text/history", other), 403, "forbidden");
    }

    @Test
    void authors_attribute_each_part_of_the_text_to_who_inserted_it() {
        String owner = server.createRoom("hist-authors");
        String editor = server.mint("hist-authors", owner, "editor");
        try (Writer alice = new Writer("hist-authors", owner, "Alice");
                Writer bob = new Writer("hist-authors", editor, "Bob")) {
            alice.type("aaaa");
            bob.catchUp(1);
            bob.type(2, "bbb", 2); // aabbbaa
            alice.catchUp(2);
            alice.type(1, -5, 1); // a + a: the two a's around what was deleted merge into one span
            bob.catchUp(3);
            bob.type(2, "b"); // aab

            assertEquals(List.of("2 " + alice.clientId + " Alice", "1 " + bob.clientId + " Bob"),
                    spans(ok(server.get("/api/rooms/hist-authors/authors", editor))));
            assertEquals(List.of("2 " + alice.clientId + " Alice", "3 " + bob.clientId + " Bob",
                            "2 " + alice.clientId + " Alice"),
                    spans(ok(server.get("/api/rooms/hist-authors/authors?rev=2", editor))));
            JsonNode empty = ok(server.get("/api/rooms/hist-authors/authors?rev=0", editor));
            assertEquals(0, empty.get("rev").asLong());
            assertEquals(0, empty.get("spans").size());
        }
    }

    @Test
    void restore_is_one_new_op_every_member_receives_and_history_keeps() {
        String owner = server.createRoom("hist-restore");
        String editor = server.mint("hist-restore", owner, "editor");
        String viewer = server.mint("hist-restore", owner, "viewer");
        try (Writer alice = new Writer("hist-restore", owner, "Alice");
                Writer bob = new Writer("hist-restore", editor, "Bob")) {
            alice.type("first draft");
            alice.type(-5, 6, " version");
            alice.type(-14, "gone");
            bob.catchUp(3);

            Response restored = server.post("/api/rooms/hist-restore/restore", "{\"rev\":1,\"name\":\"Bob\"}", editor);
            assertEquals(200, restored.status(), restored::body);
            assertEquals(4, restored.json().get("rev").asLong());
            for (Writer w : List.of(alice, bob)) {
                JsonNode op = w.ws.nextOfType("op");
                assertEquals(4, op.get("rev").asLong());
                assertFalse(op.get("clientId").asText().isEmpty());
                w.rev = 4;
            }
            assertEquals("first draft", server.get("/api/rooms/hist-restore/text", viewer).body());
            assertEquals("gone", server.get("/api/rooms/hist-restore/text?rev=3", viewer).body());
            JsonNode newest = ok(server.get("/api/rooms/hist-restore/history?limit=1", viewer)).get("revisions").get(0);
            assertEquals(4, newest.get("rev").asLong());
            assertEquals("Bob", newest.get("name").asText());

            // Typing goes on from the restored text.
            alice.type(11, "!");
            assertEquals("first draft!", server.get("/api/rooms/hist-restore/text", viewer).body());
        }
        assertError(server.post("/api/rooms/hist-restore/restore", "{\"rev\":1}", viewer), 403, "forbidden");
        assertError(server.post("/api/rooms/hist-restore/restore", "{\"rev\":99}", editor), 400, "bad_rev");
        assertError(server.post("/api/rooms/hist-restore/restore", "{\"rev\":\"1\"}", editor), 400, "bad_request");
        assertError(server.post("/api/rooms/hist-restore/restore", "[1]", editor), 400, "bad_request");
        assertEquals(5, ok(server.get("/api/rooms/hist-restore/history", viewer)).get("head").asLong(),
                "refused restores change nothing");
    }

    @Test
    void a_client_resuming_from_before_the_ops_in_memory_is_sent_them_from_the_store() {
        String owner = server.createRoom("hist-resume");
        try (Writer alice = new Writer("hist-resume", owner, "Alice")) {
            alice.type("x");
            String firstId = alice.clientId + "-0";
            for (int i = 0; i < 20; i++) {
                alice.type(1 + i, "y");
            }
            try (WsClient late = server.connect()) {
                late.send(Messages.joinMessage("hist-resume", owner).put("rev", 1).put("revId", firstId));
                JsonNode joined = late.nextOfType("joined");
                assertFalse(joined.has("reset"), joined::toString);
                assertNull(joined.get("text"));
                JsonNode ops = joined.get("ops");
                assertEquals(20, ops.size());
                for (int i = 0; i < 20; i++) {
                    assertEquals(2 + i, ops.get(i).get("rev").asLong());
                    assertEquals(alice.clientId + "-" + (i + 1), ops.get(i).get("id").asText());
                }
            }
            try (WsClient stale = server.connect()) { // the op it saw at revision 1 is not the stored one
                stale.send(Messages.joinMessage("hist-resume", owner).put("rev", 1).put("revId", "another"));
                JsonNode joined = stale.nextOfType("joined");
                assertTrue(joined.get("reset").asBoolean());
                assertEquals("x" + "y".repeat(20), joined.get("text").asText());
            }
        }
    }

    private static List<String> spans(JsonNode authors) {
        List<String> spans = new ArrayList<>();
        for (JsonNode s : authors.get("spans")) {
            spans.add(s.get("length").asInt() + " " + s.get("clientId").asText() + " " + s.get("name").asText());
        }
        return spans;
    }

    private static void assertRevision(JsonNode r, long rev, String clientId, String name, int inserted,
                                       int deleted) {
        assertEquals(rev, r.get("rev").asLong(), r::toString);
        assertEquals(clientId, r.get("clientId").asText(), r::toString);
        assertEquals(name, r.get("name").asText(), r::toString);
        assertEquals(inserted, r.get("inserted").asInt(), r::toString);
        assertEquals(deleted, r.get("deleted").asInt(), r::toString);
    }

    private static JsonNode ok(Response r) {
        assertEquals(200, r.status(), r::body);
        assertTrue(r.contentType().startsWith("application/json"), r::contentType);
        return r.json();
    }

    private static void assertError(Response r, int status, String code) {
        assertEquals(status, r.status(), r::body);
        assertEquals(code, r.json().get("error").asText(), r::body);
    }
}
