package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ApiClient.Response;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.Messages;
import dev.livepad.testing.SharedServer;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The REST half of the protocol against a real server: rooms, invite tokens, deletion, status. */
@Timeout(30)
class HttpApiTest {
    @RegisterExtension
    static final SharedServer shared = new SharedServer();

    private final TestServer server = shared.server();

    @Test
    void creating_a_room_returns_its_name_and_an_owner_token() {
        Response r = server.post("/api/rooms", "{\"name\":\"notes.v1_draft-2\"}", null);
        assertEquals(201, r.status());
        assertEquals("notes.v1_draft-2", r.json().get("room").asText());
        assertEquals(3, r.json().get("token").asText().split("\\.").length);
    }

    @Test
    void invalid_room_names_are_refused() {
        for (String name : new String[] {"", "has space", "a/b", "x".repeat(65), "ünï", "..%2f", ".", ".."}) {
            Response r = server.post("/api/rooms", "{\"name\":\"" + name + "\"}", null);
            assertError(r, 400, "invalid_room_name");
        }
    }

    @Test
    void names_of_dots_other_than_path_steps_are_rooms_like_any_other() {
        String owner = server.createRoom("...");
        assertEquals(200, server.get("/api/rooms/.../text", owner).status());
    }

    @Test
    void a_taken_name_is_room_exists() {
        server.createRoom("taken");
        assertError(server.post("/api/rooms", "{\"name\":\"taken\"}", null), 409, "room_exists");
    }

    @Test
    void bodies_of_the_wrong_shape_are_bad_request() {
        assertError(server.post("/api/rooms", "not json", null), 400, "bad_request");
        assertError(server.post("/api/rooms", "[\"x\"]", null), 400, "bad_request");
        assertError(server.post("/api/rooms", "{\"name\":7}", null), 400, "bad_request");
        String owner = server.createRoom("shapes");
        assertError(server.post("/api/rooms/shapes/tokens", "{\"role\":\"admin\"}", owner), 400, "bad_request");
        assertError(server.post("/api/rooms/shapes/tokens", "{\"role\":\"owner\"}", owner), 400, "bad_request");
        assertError(server.post("/api/rooms/shapes/tokens", "{\"role\":\"editor\",\"ttlSeconds\":-5}", owner),
                400, "bad_request");
        assertError(server.post("/api/rooms/shapes/tokens", "{\"role\":\"editor\",\"ttlSeconds\":1.5}", owner),
                400, "bad_request");
    }

    @Test
    void only_the_owner_mints_tokens_and_they_carry_the_role() {
        String owner = server.createRoom("minting");
        String editor = server.mint("minting", owner, "editor");
        String viewer = server.mint("minting", owner, "viewer");
        assertError(server.post("/api/rooms/minting/tokens", "{\"role\":\"editor\"}", editor), 403, "forbidden");
        assertError(server.post("/api/rooms/minting/tokens", "{\"role\":\"editor\"}", null), 401, "invalid_token");
        assertError(server.post("/api/rooms/minting/tokens", "{\"role\":\"editor\"}", "garbage"), 401, "invalid_token");
        String nullHeader = "bnVsbA.e30.c2ln"; // base64url of null . {} . sig
        assertError(server.post("/api/rooms/minting/tokens", "{\"role\":\"editor\"}", nullHeader), 401,
                "invalid_token");
        String otherOwner = server.createRoom("minting-other");
        assertError(server.post("/api/rooms/minting/tokens", "{\"role\":\"editor\"}", otherOwner), 403, "forbidden");
        assertError(server.post("/api/rooms/nope/tokens", "{\"role\":\"editor\"}", owner), 403, "forbidden");
        try (WsClient c = server.connect()) {
            assertEquals("viewer", Messages.join(c, "minting", viewer).get("role").asText());
        }
    }

    @Test
    void deleting_a_room_closes_it_for_members_and_kills_its_tokens() {
        String owner = server.createRoom("doomed");
        String editor = server.mint("doomed", owner, "editor");
        try (WsClient member = server.connect()) {
            Messages.join(member, "doomed", editor);
            assertError(server.delete("/api/rooms/doomed", editor), 403, "forbidden");
            assertEquals(204, server.delete("/api/rooms/doomed", owner).status());
            JsonNode closed = member.nextOfType("closed");
            assertEquals("doomed", closed.get("room").asText());
            assertError(server.delete("/api/rooms/doomed", owner), 404, "no_such_room");
            String newOwner = server.createRoom("doomed");
            assertError(server.post("/api/rooms/doomed/tokens", "{\"role\":\"editor\"}", owner), 401, "invalid_token");
            assertEquals(201, server.post("/api/rooms/doomed/tokens", "{\"role\":\"editor\"}", newOwner).status());
        }
    }

    @Test
    void the_text_can_be_exported_with_any_token_of_the_room() {
        String owner = server.createRoom("export");
        Response r = server.get("/api/rooms/export/text", server.mint("export", owner, "viewer"));
        assertEquals(200, r.status());
        assertEquals("", r.body());
        assertTrue(r.contentType().startsWith("text/plain"));
        assertError(server.get("/api/rooms/export/text", null), 401, "invalid_token");
    }

    @Test
    void status_reports_every_field_of_the_contract() {
        JsonNode status = server.status();
        for (String field : new String[] {"uptimeSeconds", "connections", "rooms", "activeRooms", "members",
            "messagesIn", "messagesOut", "opsApplied", "errors"}) {
            assertTrue(status.has(field) && status.get(field).isNumber(), field + " missing from " + status);
        }
        long rooms = status.get("rooms").asLong();
        server.createRoom("counted");
        assertEquals(rooms + 1, server.status().get("rooms").asLong());
    }

    @Test
    void metrics_speak_prometheus() {
        server.createRoom("metered");
        ApiClient.Response r = server.get("/metrics", null);
        assertEquals(200, r.status());
        assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
        assertTrue(r.body().contains("# TYPE livepad_ops_applied_total counter"), r.body());
        assertTrue(r.body().matches("(?s).*\\nlivepad_rooms [1-9].*"), r.body());
        assertTrue(r.body().contains("jvm_memory_used_bytes"));
    }

    @Test
    void the_client_page_is_served_at_the_root() {
        Response r = server.get("/", null);
        assertEquals(200, r.status());
        assertTrue(r.body().contains("livepad"));
        assertFalse(r.body().isEmpty());
    }

    static void assertError(Response r, int status, String code) {
        assertEquals(status, r.status(), r::body);
        assertEquals(code, r.json().get("error").asText(), r::body);
        assertTrue(r.json().get("message").isTextual());
        List<String> fields = new ArrayList<>();
        r.json().fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("error", "message"), fields, r::body); // one writer, one order
    }
}
