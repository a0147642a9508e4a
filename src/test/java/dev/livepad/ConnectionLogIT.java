package dev.livepad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.ChildServer;
import dev.livepad.testing.WsClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's log, read from a real server process: one line per connect, join, leave,
 * disconnect, refused upgrade and error (WebSocket or HTTP), each naming the client, room, client address (behind a
 * trusted proxy, the forwarded one) and instance; JSON under {@code LOG_FORMAT=json}; never a
 * token, a display name or document text.
 */
@Timeout(60)
class ConnectionLogIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_TEXT = "SECRET-TEXT-7431";
    private static final String SECRET_NAME = "Alice Hiddenname";

    @TempDir
    Path dataDir;

    @Test
    void every_connection_event_is_one_json_line_with_its_client_room_address_and_instance() throws Exception {
        try (ChildServer server = start("json")) {
            String token = traffic(server);
            List<JsonNode> lines = awaitLines(server, line -> line.contains("\"disconnect\""));
            for (JsonNode line : lines) {
                assertTrue(line.has("@timestamp") && line.has("level") && line.has("logger_name"), line::toString);
            }
            JsonNode connect = event(lines, "connect");
            String client = connect.get("client").asText();
            assertEquals("203.0.113.7", connect.get("address").asText(), "the address behind the trusted proxy");
            assertEquals("logs-1", connect.get("instance").asText());
            JsonNode join = event(lines, "join");
            assertEquals(client, join.get("client").asText());
            assertEquals("logged", join.get("room").asText());
            assertEquals("owner", join.get("role").asText());
            JsonNode error = event(lines, "error");
            assertEquals("bad_op", error.get("code").asText());
            assertEquals("logged", error.get("room").asText());
            assertEquals("leave", event(lines, "leave").get("why").asText());
            JsonNode disconnect = event(lines, "disconnect");
            assertEquals(1000, disconnect.get("code").asInt());
            assertEquals(1, disconnect.get("errors").asInt());
            assertEquals("203.0.113.7", disconnect.get("address").asText());
            JsonNode http = event(lines, "http error");
            assertEquals("invalid_token", http.get("code").asText());
            assertEquals("POST", http.get("method").asText());
            assertEquals("/api/rooms/logged/tokens", http.get("path").asText());
            JsonNode refused = event(lines, "upgrade refused");
            assertEquals("forbidden", refused.get("code").asText());
            assertEquals("198.51.100.9", refused.get("address").asText());

            String all = String.join("\n", server.output());
            assertFalse(all.contains(token), "a token was logged");
            assertFalse(all.contains(token.substring(token.lastIndexOf('.') + 1)), "a token's signature was logged");
            assertFalse(all.contains(SECRET_TEXT), "document text was logged");
            assertFalse(all.contains("Hiddenname"), "a display name was logged");
        }
    }

    @Test
    void the_default_format_is_a_readable_line_with_key_value_pairs() throws Exception {
        try (ChildServer server = start(null)) {
            traffic(server);
            awaitText(server, "disconnect");
            String join = server.output().stream().filter(line -> line.contains(" - join "))
                    .findFirst().orElseThrow(() -> new AssertionError("no join line in " + server.output()));
            assertTrue(join.matches(".* INFO .*livepad.connections - join client=\"[^\"]+\" address=\"203.0.113.7\""
                    + " instance=\"logs-1\" room=\"logged\" role=\"owner\" resumed=\"false\""), join);
        }
    }

    private ChildServer start(String format) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("LIVEPAD_TEST_CONNECTION_LOG", "INFO",
                "INSTANCE_ID", "logs-1", "TRUSTED_PROXIES", "127.0.0.1", "JWT_SECRET", ""));
        if (format != null) {
            env.put("LOG_FORMAT", format);
        }
        return ChildServer.start(dataDir.resolve(format == null ? "text" : format), env);
    }

    /**
     * A refused upgrade, a refused HTTP request, then one client through a proxy: join with a display name, an op with
     * text, a bad op, a leave, a join again, a normal close. Returns the owner token it used.
     */
    private static String traffic(ChildServer server) {
        assertThrows(RuntimeException.class, () -> WsClient.connect(server.ws(),
                Map.of("Origin", "https://elsewhere.example", "X-Forwarded-For", "198.51.100.9")));
        ApiClient api = new ApiClient(server.http(""));
        String token = api.createRoom("logged");
        assertEquals(401, api.post("/api/rooms/logged/tokens", "{\"role\":\"editor\"}", "not-a-token").status());
        try (WsClient alice = WsClient.connect(server.ws(), Map.of("X-Forwarded-For", "203.0.113.7"))) {
            join(alice, token);
            alice.sendRaw(
                    "{\"type\":\"op\",\"room\":\"logged\",\"rev\":0,\"id\":\"a1\",\"op\":[\"" + SECRET_TEXT + "\"]}");
            alice.next(m -> "ack".equals(m.path("type").asText()));
            alice.sendRaw("{\"type\":\"op\",\"room\":\"logged\",\"rev\":1,\"id\":\"a2\",\"op\":[999]}");
            assertEquals("bad_op", alice.next(m -> "error".equals(m.path("type").asText())).get("code").asText());
            alice.send(WsClient.message("leave").put("room", "logged"));
            alice.next(m -> "left".equals(m.path("type").asText()));
            join(alice, token);
        }
        return token;
    }

    private static void join(WsClient client, String token) {
        client.send(WsClient.message("join").put("room", "logged").put("token", token).put("name", SECRET_NAME));
        JsonNode joined = client.next(m -> "joined".equals(m.path("type").asText())
                || "error".equals(m.path("type").asText()));
        assertEquals("joined", joined.get("type").asText(), joined::toString);
    }

    /** Every line, each parsed as JSON, once some line matches {@code until}. */
    private static List<JsonNode> awaitLines(ChildServer server, Predicate<String> until) throws Exception {
        awaitLine(server, until);
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : server.output()) {
            JsonNode node = JSON.readTree(line); // every line, the server's own included, is JSON
            assertTrue(node.isObject(), line);
            parsed.add(node);
        }
        return parsed;
    }

    private static void awaitText(ChildServer server, String text) throws InterruptedException {
        awaitLine(server, line -> line.contains(text));
    }

    private static void awaitLine(ChildServer server, Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.output().stream().noneMatch(wanted)) {
            assertTrue(System.nanoTime() < deadline, () -> "no such line in:\n" + String.join("\n", server.output()));
            Thread.sleep(20);
        }
    }

    private static JsonNode event(List<JsonNode> lines, String message) {
        return lines.stream().filter(line -> "livepad.connections".equals(line.path("logger_name").asText())
                        && message.equals(line.path("message").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no '" + message + "' line in " + lines));
    }
}
