package dev.livepad.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.Config;
import dev.livepad.LivepadServer;
import dev.livepad.cluster.RoomBus;
import dev.livepad.store.DocumentStore;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * A real livepad server on a free loopback port for one test class, configured through the same
 * environment variables as production, with HTTP and WebSocket helpers.
 */
public final class TestServer implements AutoCloseable {
    public static final String SECRET = "test-secret-that-is-at-least-32-bytes-long!";

    private final LivepadServer server;

    private TestServer(Map<String, String> env) {
        this.server = new LivepadServer(Config.fromEnv(env)).start();
    }

    private TestServer(LivepadServer server) {
        this.server = server.start();
    }

    /**
     * One instance of a cluster inside this JVM: several of them given the same store (and bus,
     * which may be null: then they learn of each other's ops from the store alone) serve the
     * same rooms, as separate processes sharing PostgreSQL and Redis do.
     */
    public static TestServer instance(DocumentStore store, RoomBus bus, String... overrides) {
        return new TestServer(new LivepadServer(Config.fromEnv(env(overrides)), store, bus));
    }

    /**
     * An in-memory server; {@code overrides} are environment variables such as MAX_DOC_CHARS, and
     * a null value unsets one. Every test client is on loopback, so per-address limits are off
     * ({@code EXEMPT_LOOPBACK=true}) unless a test that is about them turns them back on.
     */
    public static TestServer start(String... overrides) {
        return new TestServer(env(overrides));
    }

    private static Map<String, String> env(String... overrides) {
        Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "HOST", "127.0.0.1", "STORE", "memory",
                "JWT_SECRET", SECRET, "EXEMPT_LOOPBACK", "true", "DRAIN_SECONDS", "0"));
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                env.remove(overrides[i]);
            } else {
                env.put(overrides[i], overrides[i + 1]);
            }
        }
        return env;
    }

    public int port() {
        return server.port();
    }

    /** The first step of a shutdown: {@code /ready} answers 503. */
    public void drain() {
        server.drain();
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

    public ApiClient api() {
        return new ApiClient(http(""));
    }

    /** Creates a room and returns its owner token. */
    public String createRoom(String name) {
        return api().createRoom(name);
    }

    public String mint(String room, String ownerToken, String role) {
        return api().mint(room, ownerToken, role);
    }

    public ApiClient.Response get(String path, String token) {
        return api().get(path, token);
    }

    public ApiClient.Response post(String path, String body, String token) {
        return api().post(path, body, token);
    }

    public ApiClient.Response delete(String path, String token) {
        return api().delete(path, token);
    }

    public JsonNode status() {
        return api().status();
    }

    @Override
    public void close() {
        server.stop();
    }
}
