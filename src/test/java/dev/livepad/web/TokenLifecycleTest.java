package dev.livepad.web;

import static dev.livepad.testing.Messages.join;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ApiClient.Response;
import dev.livepad.testing.Messages;
import dev.livepad.testing.SharedServer;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Owners renew their own token and revoke every link of a room; revoked tokens stay dead. */
@Timeout(30)
class TokenLifecycleTest {
    @RegisterExtension
    static final SharedServer shared = new SharedServer();

    private final TestServer server = shared.server();

    private static String token(Response r) {
        return r.json().get("token").asText();
    }

    private static JsonNode joinReply(TestServer on, String room, String token) {
        try (WsClient c = on.connect()) {
            c.send(Messages.joinMessage(room, token));
            return c.next(m -> m.path("type").asText().matches("joined|error"));
        }
    }

    @Test
    void an_owner_renews_its_token_and_only_an_owner_may() {
        String owner = server.createRoom("renew");
        Response renewed = server.post("/api/rooms/renew/owner-token", "{}", owner);
        assertEquals(201, renewed.status(), renewed.body());
        assertEquals(201, server.post("/api/rooms/renew/tokens", "{\"role\":\"viewer\"}", token(renewed)).status());
        String editor = server.mint("renew", owner, "editor");
        assertEquals(403, server.post("/api/rooms/renew/owner-token", "{}", editor).status());
    }

    @Test
    void revoking_refuses_every_earlier_token_and_answers_a_fresh_owner_token() {
        String owner = server.createRoom("revoke");
        String invite = server.mint("revoke", owner, "editor");
        assertEquals("joined", joinReply(server, "revoke", invite).get("type").asText());

        Response revoked = server.post("/api/rooms/revoke/revoke", "", owner);
        assertEquals(200, revoked.status(), revoked.body());
        String fresh = token(revoked);

        JsonNode refused = joinReply(server, "revoke", invite);
        assertEquals("invalid_token", refused.path("code").asText(), refused::toString);
        assertEquals("invalid_token", joinReply(server, "revoke", owner).path("code").asText());
        assertEquals(401, server.post("/api/rooms/revoke/tokens", "{\"role\":\"editor\"}", owner).status());
        assertEquals(401, server.delete("/api/rooms/revoke", owner).status());

        assertEquals("joined", joinReply(server, "revoke", fresh).get("type").asText());
        String newInvite = server.mint("revoke", fresh, "viewer");
        assertEquals("joined", joinReply(server, "revoke", newInvite).get("type").asText());
    }

    @Test
    void members_who_joined_before_a_revocation_stay_until_they_leave() {
        String owner = server.createRoom("stay");
        try (WsClient member = server.connect()) {
            join(member, "stay", server.mint("stay", owner, "editor"));
            server.post("/api/rooms/stay/revoke", "", owner);
            member.send(Messages.op("stay", 0, "after", "still here"));
            assertEquals("ack", member.next(m -> m.path("type").asText().matches("ack|error")).get("type").asText());
        }
    }

    @Test
    void a_revocation_survives_a_restart(@TempDir Path dataDir) {
        String[] sqlite = {"STORE", "sqlite", "DATA_DIR", dataDir.toString()};
        String invite;
        try (TestServer first = TestServer.start(sqlite)) {
            String owner = first.createRoom("kept");
            invite = first.mint("kept", owner, "editor");
            assertEquals(200, first.post("/api/rooms/kept/revoke", "", owner).status());
        }
        try (TestServer second = TestServer.start(sqlite)) {
            assertEquals("invalid_token", joinReply(second, "kept", invite).path("code").asText());
        }
    }

    @Test
    void of_concurrent_revocations_with_one_token_only_one_answers_and_its_token_works() throws Exception {
        String owner = server.createRoom("race");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<Response>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> server.post("/api/rooms/race/revoke", "", owner)));
            }
            int granted = 0;
            for (java.util.concurrent.Future<Response> answer : answers) {
                Response r = answer.get();
                if (r.status() == 200) {
                    granted++;
                    assertEquals(201, server.post("/api/rooms/race/tokens", "{\"role\":\"viewer\"}", token(r)).status(),
                            "a revocation answered 200 with a token that no longer works");
                } else {
                    assertEquals(401, r.status(), r.body());
                }
            }
            assertEquals(1, granted);
        } finally {
            pool.shutdownNow();
        }
    }
}
