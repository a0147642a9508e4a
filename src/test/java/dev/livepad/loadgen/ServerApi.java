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
import java.util.List;

/**
 * The HTTP half of the protocol that the load generator needs: create and delete rooms, read text and status.
 * Against a cluster it knows every instance: rooms are created on the first, and the members of a room are
 * spread over all of them, as a load balancer would spread them.
 */
final class ServerApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<URI> instances;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    ServerApi(List<URI> instances) {
        this.instances = instances.stream().map(u -> URI.create(u.toString().replaceAll("/+$", ""))).toList();
        this.base = this.instances.get(0);
    }

    /** The WebSocket of the instance that the {@code member}-th member of a room uses. */
    URI webSocket(int member) {
        URI instance = instances.get(Math.floorMod(member, instances.size()));
        return URI.create(instance.toString().replaceFirst("^http", "ws") + "/ws");
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
