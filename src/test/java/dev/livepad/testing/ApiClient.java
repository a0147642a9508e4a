package dev.livepad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The HTTP half of the protocol for tests, against any running livepad at {@code base}. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final URI base;

    public ApiClient(URI base) {
        this.base = base;
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
        Response r =
                post("/api/rooms/" + room + "/tokens", "{\"role\":\"" + role + "\",\"ttlSeconds\":3600}", ownerToken);
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

    public Response put(String path, String body, String token) {
        return send(request(path, token).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public JsonNode status() {
        return get("/status", null).json();
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json");
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
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
