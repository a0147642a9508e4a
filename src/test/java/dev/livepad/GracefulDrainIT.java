package dev.livepad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.ChildServer;
import dev.livepad.testing.WsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on a real server process: {@code /ready} turns 503 at once, new sockets and joins are
 * refused with {@code unavailable} while members already in a room keep editing for
 * {@code DRAIN_SECONDS}, then every socket closes with 1012 and the server exits with every
 * acknowledged op committed.
 */
@Timeout(90)
class GracefulDrainIT {
    /** What the JVM exits with after its shutdown hooks ran on SIGTERM (128 + 15). */
    private static final int EXIT_ON_SIGTERM = 143;

    @TempDir
    Path dataDir;

    @Test
    void members_keep_editing_through_the_drain_then_close_with_1012_and_nothing_acknowledged_is_lost()
            throws Exception {
        ChildServer server = ChildServer.start(dataDir, Map.of("DRAIN_SECONDS", "4", "JWT_SECRET", ""));
        ApiClient api = new ApiClient(server.http(""));
        String token = api.createRoom("drained");
        String other = api.createRoom("other");
        WsClient alice = WsClient.connect(server.ws());
        WsClient bob = WsClient.connect(server.ws());
        join(alice, "drained", token);
        op(alice, 0, "a1", "[\"before \"]");

        long sigterm = System.nanoTime();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return server.terminate();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitStatus(api, "/ready", 503);
        assertEquals("unavailable", api.get("/ready", null).json().get("error").asText());

        bob.send(WsClient.message("join").put("room", "other").put("token", other));
        JsonNode refused = bob.next(m -> "error".equals(m.path("type").asText())
                || "joined".equals(m.path("type").asText()));
        assertEquals("unavailable", refused.path("code").asText(), refused::toString);
        assertThrows(RuntimeException.class, () -> WsClient.connect(server.ws()), "a new socket during the drain");

        op(alice, 1, "a2", "[7,\"during\"]"); // still editing, still acknowledged after commit

        assertEquals(1012, alice.awaitClose());
        assertEquals(1012, bob.awaitClose());
        long drained = System.nanoTime() - sigterm;
        assertTrue(drained >= Duration.ofSeconds(3).toNanos(), "closed after " + drained / 1_000_000 + " ms, "
                + "before the drain period");
        assertEquals(EXIT_ON_SIGTERM, exit.get(30, TimeUnit.SECONDS));

        try (ChildServer again = server.startAgain()) {
            String text = new ApiClient(again.http("")).get("/api/rooms/drained/text", token).body();
            assertEquals("before during", text);
        }
    }

    @Test
    void the_server_stops_as_soon_as_the_last_member_has_gone() throws Exception {
        ChildServer server = ChildServer.start(dataDir, Map.of("DRAIN_SECONDS", "60", "JWT_SECRET", ""));
        String token = new ApiClient(server.http("")).createRoom("brief");
        WsClient alice = WsClient.connect(server.ws());
        join(alice, "brief", token);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return server.terminate();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitStatus(new ApiClient(server.http("")), "/ready", 503);
        alice.close();
        assertEquals(EXIT_ON_SIGTERM, exit.get(20, TimeUnit.SECONDS), "exited well before the 60 s drain");
    }

    private static void join(WsClient client, String room, String token) {
        client.send(WsClient.message("join").put("room", room).put("token", token));
        JsonNode joined = client.next(m -> "joined".equals(m.path("type").asText())
                || "error".equals(m.path("type").asText()));
        assertEquals("joined", joined.get("type").asText(), joined::toString);
    }

    private static void op(WsClient client, long rev, String id, String op) {
        client.sendRaw(
                "{\"type\":\"op\",\"room\":\"drained\",\"rev\":" + rev + ",\"id\":\"" + id + "\",\"op\":" + op + "}");
        JsonNode ack = client.next(m -> "ack".equals(m.path("type").asText())
                || "error".equals(m.path("type").asText()));
        assertEquals(rev + 1, ack.path("rev").asLong(), ack::toString);
    }

    private static void awaitStatus(ApiClient api, String path, int status) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (api.get(path, null).status() != status) {
            assertTrue(System.nanoTime() < deadline, path + " never answered " + status);
            Thread.sleep(20);
        }
    }
}
