package dev.livepad.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The HTTP half of the protocol that the load generator needs: create and delete rooms, read text and status. */
final class ServerApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    ServerApi(URI base) {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
    }

    URI webSocket() {
        return URI.create(base.toString().replaceFirst("^http", "ws") + "/ws");
    }

    /** Creates room {@code name}; returns its owner token. */
    String createRoom(String name) {
        HttpResponse<String> r = send(request("/api/rooms", null)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")));
        if (r.statusCode() != 201) {
            throw new IllegalStateException("creating room " + name + " failed: " + r.statusCode() + " " + r.body());
        }
        return json(r.body()).get("token").asText();
    }

    /** The room's text once every op applied so far is stored. */
    String text(String room, String token) {
        HttpResponse<String> r = send(request("/api/rooms/" + room + "/text", token).GET());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("reading room " + room + " failed: " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    void deleteRoom(String room, String token) {
        send(request("/api/rooms/" + room, token).DELETE());
    }

    JsonNode status() {
        return json(send(request("/status", null).GET()).body());
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json");
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
