package dev.livepad.web;

import static dev.livepad.testing.Messages.join;
import static dev.livepad.testing.Messages.joinMessage;
import static dev.livepad.web.HttpApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.Config;
import dev.livepad.LivepadServer;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Limits, liveness, token rules and HTTP headers, each against a server configured to show it. */
@Timeout(30)
class HardeningTest {

    @Test
    void a_connection_may_join_only_so_many_rooms() {
        try (TestServer server = TestServer.start("MAX_ROOMS_PER_CONNECTION", "2"); WsClient c = server.connect()) {
            join(c, "r1", server.createRoom("r1"));
            join(c, "r2", server.createRoom("r2"));
            c.send(joinMessage("r3", server.createRoom("r3")));
            assertEquals("limit_exceeded", c.nextOfType("error").get("code").asText());
        }
    }

    @Test
    void a_full_room_refuses_another_member() {
        try (TestServer server = TestServer.start("MAX_MEMBERS_PER_ROOM", "2");
             WsClient a = server.connect(); WsClient b = server.connect(); WsClient c = server.connect()) {
            String owner = server.createRoom("full");
            join(a, "full", owner);
            join(b, "full", owner);
            c.send(joinMessage("full", owner));
            assertEquals("limit_exceeded", c.nextOfType("error").get("code").asText());
            b.send(WsClient.message("leave").put("room", "full"));
            b.nextOfType("left");
            assertEquals("joined", join(c, "full", owner).get("type").asText());
        }
    }

    @Test
    void a_silent_connection_is_closed_and_leaves_presence_while_a_pinging_one_stays() throws Exception {
        try (TestServer server = TestServer.start("IDLE_TIMEOUT_SECONDS", "1");
             WsClient silent = server.connect(); WsClient pinging = server.connect()) {
            String owner = server.createRoom("idle");
            join(pinging, "idle", owner);
            join(silent, "idle", owner);
            Predicate<JsonNode> leave = m -> "presence".equals(m.path("type").asText())
                    && "leave".equals(m.path("event").asText());
            boolean left = false;
            long until = System.nanoTime() + 2_500_000_000L;
            while (System.nanoTime() < until && !silent.isClosed()) {
                pinging.send(WsClient.message("ping"));
                // The silent member's leave may come before the pong: waiting for the pong alone would skip it.
                left |= leave.test(pinging.next(m -> leave.test(m) || "pong".equals(m.path("type").asText())));
                Thread.sleep(200);
            }
            assertEquals(1001, silent.awaitClose());
            if (!left) {
                pinging.next(leave);
            }
            pinging.send(WsClient.message("ping"));
            assertEquals("pong", pinging.nextOfType("pong").get("type").asText());
        }
    }

    @Test
    void per_address_limits_refuse_one_address_without_locking_out_another() throws Exception {
        try (TestServer server = TestServer.start("EXEMPT_LOOPBACK", null, "ROOM_CREATES_PER_MINUTE", "2",
                "AUTH_FAILURES_PER_MINUTE", "2", "MAX_CONNECTIONS_PER_IP", "2")) {
            String owner = server.createRoom("a1");
            server.createRoom("a2");
            assertError(server.post("/api/rooms", "{\"name\":\"a3\"}", null), 429, "rate_limited");
            assertTrue(rawPost(server, InetAddress.getByName("127.0.0.2"), "/api/rooms", "{\"name\":\"a3\"}", null)
                    .startsWith("HTTP/1.1 201"));

            for (int i = 0; i < 2; i++) {
                assertError(
                        server.post("/api/rooms/a1/tokens", "{\"role\":\"viewer\"}", "bad" + i), 401, "invalid_token");
            }
            assertError(server.post("/api/rooms/a1/tokens", "{\"role\":\"viewer\"}", owner), 429, "rate_limited");
            assertTrue(rawPost(server, InetAddress.getByName("127.0.0.3"), "/api/rooms/a1/tokens",
                    "{\"role\":\"viewer\"}", owner).startsWith("HTTP/1.1 201"));

            try (WsClient one = server.connect(); WsClient two = server.connect()) {
                CompletionException refused = assertThrows(CompletionException.class, server::connect);
                assertTrue(refused.getCause() instanceof java.net.http.WebSocketHandshakeException);
            }
        }
    }

    @Test
    void connections_opened_at_the_same_moment_cannot_pass_the_per_address_limit_together() throws Exception {
        try (TestServer server = TestServer.start("EXEMPT_LOOPBACK", null, "MAX_CONNECTIONS_PER_IP", "2")) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<WsClient>> attempts = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                attempts.add(pool.submit(() -> {
                    go.await();
                    try {
                        return server.connect();
                    } catch (CompletionException refused) {
                        return null;
                    }
                }));
            }
            go.countDown();
            java.util.List<WsClient> open = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<WsClient> attempt : attempts) {
                WsClient client = attempt.get(30, java.util.concurrent.TimeUnit.SECONDS);
                if (client != null) {
                    open.add(client);
                }
            }
            pool.shutdown();
            assertTrue(open.size() <= 2, open.size() + " of 16 simultaneous connections got in, with a limit of 2");
            open.forEach(WsClient::close);
            // The slots are given back: two connect again (once the server has seen the others close).
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (server.status().get("connections").asInt() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            try (WsClient one = server.connect(); WsClient two = server.connect()) {
                assertThrows(CompletionException.class, server::connect);
            }
        }
    }

    @Test
    void loopback_clients_are_limited_like_any_other_unless_exempted() {
        try (TestServer server = TestServer.start("EXEMPT_LOOPBACK", null, "ROOM_CREATES_PER_MINUTE", "2")) {
            server.createRoom("l1");
            server.createRoom("l2");
            assertError(server.post("/api/rooms", "{\"name\":\"l3\"}", null), 429, "rate_limited");
        }
        try (TestServer server = TestServer.start("EXEMPT_LOOPBACK", "true", "ROOM_CREATES_PER_MINUTE", "2")) {
            for (int i = 0; i < 5; i++) {
                server.createRoom("e" + i);
            }
        }
    }

    @Test
    void a_connection_sending_too_many_bytes_is_dropped_then_closed_with_1008() {
        try (TestServer server = TestServer.start("MAX_MESSAGE_BYTES", "4096", "RATE_LIMIT_BYTES_PER_SECOND", "1",
                "RATE_LIMIT_BYTES_BURST", "4096"); WsClient c = server.connect()) {
            String big = "{\"type\":\"ping\",\"t\":\"" + "x".repeat(3000) + "\"}";
            c.sendRaw(big);
            assertEquals("pong", c.next().get("type").asText());
            c.sendRaw(big);
            JsonNode dropped = c.next();
            assertEquals("rate_limited", dropped.path("code").asText(), "got a " + dropped.path("type").asText());
            c.sendRaw("{\"type\":\"ping\",\"t\":1}");
            assertEquals("pong", c.next().get("type").asText(), "a message that fits the bytes left passes");
            c.sendRaw(big);
            assertEquals(1008, c.awaitClose(), "more than a further burst of dropped bytes is abuse");
        }
    }

    @Test
    void tokens_missing_required_claims_or_with_foreign_values_are_invalid() {
        try (TestServer server = TestServer.start(); WsClient c = server.connect()) {
            String owner = server.createRoom("claims");
            String rid = JWT.decode(owner).getClaim("rid").asString();
            Algorithm right = Algorithm.HMAC256(TestServer.SECRET);
            Instant later = Instant.now().plusSeconds(3600);
            String[] bad = {
                JWT.create().withIssuer("livepad").withAudience("livepad-room").withClaim("room", "claims")
                        .withClaim("rid", rid).withClaim("role", "owner").sign(right),
                JWT.create().withIssuer("livepad").withAudience("livepad-room").withExpiresAt(later)
                        .withClaim("rid", rid).withClaim("role", "owner").sign(right),
                JWT.create().withIssuer("livepad").withAudience("livepad-room").withExpiresAt(later)
                        .withClaim("room", "claims").withClaim("rid", rid).withClaim("role", "admin").sign(right),
                JWT.create().withIssuer("someone-else").withAudience("livepad-room").withExpiresAt(later)
                        .withClaim("room", "claims").withClaim("rid", rid).withClaim("role", "owner").sign(right),
                JWT.create().withIssuer("livepad").withAudience("other").withExpiresAt(later)
                        .withClaim("room", "claims").withClaim("rid", rid).withClaim("role", "owner").sign(right),
                JWT.create().withIssuer("livepad").withAudience("livepad-room").withExpiresAt(later)
                        .withClaim("room", "claims").withClaim("rid", rid).withClaim("role", "owner")
                        .sign(Algorithm.HMAC512(TestServer.SECRET)),
            };
            for (String token : bad) {
                c.send(joinMessage("claims", token));
                JsonNode error = c.nextOfType("error");
                assertEquals("invalid_token", error.get("code").asText(), JWT.decode(token).getPayload());
                assertFalse(error.toString().contains(token), "an error must not echo the token");
            }
            assertFalse(server.status().toString().contains(owner));
        }
    }

    @Test
    void a_short_jwt_secret_refuses_to_start() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LivepadServer(
                Config.fromEnv(Map.of("PORT", "0", "STORE", "memory", "JWT_SECRET", "too-short"))));
        assertTrue(e.getMessage().contains("JWT_SECRET"));
    }

    @Test
    void an_admin_key_guards_room_creation() {
        String key = "s3cret-admin-key-of-32-characters";
        try (TestServer server = TestServer.start("ADMIN_KEY", key)) {
            assertError(server.post("/api/rooms", "{\"name\":\"guarded\"}", null), 401, "invalid_token");
            assertError(server.post("/api/rooms", "{\"name\":\"guarded\"}", "wrong"), 401, "invalid_token");
            assertEquals(201, server.post("/api/rooms", "{\"name\":\"guarded\"}", key).status());
        }
    }

    @Test
    void a_guessable_admin_key_refuses_to_start() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestServer.start("ADMIN_KEY", "s3cret"));
        assertTrue(e.getMessage().contains("ADMIN_KEY"), e.getMessage());
    }

    @Test
    void responses_carry_security_headers_and_json_errors() throws Exception {
        try (TestServer server = TestServer.start("MAX_BODY_BYTES", "1024")) {
            String page = rawGet(server, "/");
            assertTrue(page.startsWith("HTTP/1.1 200"));
            String csp = header(page, "Content-Security-Policy");
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
            assertTrue(csp.contains("frame-ancestors 'none'"), csp);
            assertEquals("nosniff", header(page, "X-Content-Type-Options"));
            assertEquals("nosniff", header(rawGet(server, "/status"), "X-Content-Type-Options"));

            assertError(server.post("/api/rooms", "{\"name\":\"" + "x".repeat(2000) + "\"}", null), 413, "too_large");
            ApiClient.Response missing = server.get("/no/such/thing", null);
            assertEquals(404, missing.status());
            assertEquals("not_found", missing.json().get("error").asText());
        }
    }

    @Test
    void websocket_compression_is_never_negotiated() throws Exception {
        try (TestServer server = TestServer.start(); Socket s = new Socket("127.0.0.1", server.port())) {
            String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String response = readHead(s.getInputStream());
            assertTrue(response.startsWith("HTTP/1.1 101"), response);
            assertFalse(response.toLowerCase().contains("permessage-deflate"), response);
        }
    }

    private static String rawGet(TestServer server, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return readHead(s.getInputStream());
        }
    }

    /** An HTTP POST from a chosen local address, to show per-address limits per address. */
    private static String rawPost(TestServer server, InetAddress from, String path, String body, String token)
            throws IOException {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), server.port(), from, 0)) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            return readHead(s.getInputStream());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith(name.toLowerCase() + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " header in\n" + head);
    }
}
