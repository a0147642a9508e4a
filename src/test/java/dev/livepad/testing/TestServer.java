package dev.livepad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.Config;
import dev.livepad.LivepadServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

/**
 * A real livepad server on a free loopback port for one test class, configured through the same
 * environment variables as production, with HTTP and WebSocket helpers.
 */
public final class TestServer implements AutoCloseable {
    public static final String SECRET = "test-secret-that-is-at-least-32-bytes-long!";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LivepadServer server;

    private TestServer(Map<String, String> env) {
        this.server = new LivepadServer(Config.fromEnv(env)).start();
    }

    /** An in-memory server; {@code overrides} are environment variables such as MAX_DOC_CHARS. */
    public static TestServer start(String... overrides) {
        Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "HOST", "127.0.0.1", "STORE", "memory",
                "JWT_SECRET", SECRET));
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            env.put(overrides[i], overrides[i + 1]);
        }
        return new TestServer(env);
    }

    public int port() {
        return server.port();
    }

    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public URI ws() {
        return URI.create("ws://127.0.0.1:" + port() + "/ws");
    }

    public WsClient connect() {
        return WsClient.connect(ws());
    }

    /** Creates a room and returns its owner token. */
    public String createRoom(String name) {
        Response r = post("/api/rooms", "{\"name\":\"" + name + "\"}", null);
        if (r.status() != 201) {
            throw new AssertionError("room creation failed: " + r);
        }
        return r.json().get("token").asText();
    }

    public String mint(String room, String ownerToken, String role) {
        Response r = post("/api/rooms/" + room + "/tokens", "{\"role\":\"" + role + "\",\"ttlSeconds\":3600}", ownerToken);
        if (r.status() != 201) {
            throw new AssertionError("token minting failed: " + r);
        }
        return r.json().get("token").asText();
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Response post(String path, String body, String token) {
        return send(request(path, token).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public JsonNode status() {
        return get("/status", null).json();
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(http(path)).header("Content-Type", "application/json");
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }

    /** An HTTP response as tests read it. */
    public record Response(int status, String body, String contentType) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }
}
