package dev.livepad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.store.RoomRecord;
import dev.livepad.store.SqliteDocumentStore;
import dev.livepad.store.StoredOp;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.ChildServer;
import dev.livepad.testing.WsClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room whose stored log holds ops far larger than a live server would now accept (as a
 * database written before the limits might) still loads in a small heap: the log is streamed
 * op by op and the history keeps only what its byte bound allows.
 */
@Timeout(180)
class StoredRoomLoadIT {
    private static final int PAIRS = 20_000; // 40,000 components per op, 140 KB of JSON each
    private static final int OPS = 300;

    @TempDir
    Path dataDir;

    @Test
    void a_log_of_huge_ops_loads_within_a_64_mb_heap() throws Exception {
        String text = "x".repeat(PAIRS);
        try (SqliteDocumentStore store = SqliteDocumentStore.open(dataDir)) {
            RoomRecord room = new RoomRecord("heavy", "heavy-id", 1);
            store.createRoom(room);
            StringBuilder replaceAll = new StringBuilder("[");
            for (int i = 0; i < PAIRS; i++) {
                replaceAll.append(i == 0 ? "" : ",").append("\"a\",-1"); // replace every character
            }
            String ops = replaceAll.append(']').toString();
            CompletableFuture<Void> last =
                    store.append(room.id(), new StoredOp(1, "[\"" + text + "\"]", "seed", "c0", 1, 0));
            for (int rev = 2; rev <= OPS; rev++) {
                last = store.append(room.id(), new StoredOp(rev, ops, "op-" + rev, "c0", rev, 0));
            }
            last.join();
        }

        ChildServer server = ChildServer.start(dataDir, Map.of("JWT_SECRET", "a-test-secret-that-is-32-bytes-or-longer",
                "EXEMPT_LOOPBACK", "true"), "64m");
        try (WsClient client = WsClient.connect(server.ws())) {
            String token = new ApiClient(server.http("")).createRoom("probe"); // the server answers at all
            assertEquals(false, token.isEmpty());
            client.send(WsClient.message("join").put("room", "heavy").put("token", mint("heavy", "heavy-id")));
            JsonNode joined = client.next(m -> m.path("type").asText().matches("joined|error"));
            assertEquals("joined", joined.get("type").asText(), joined::toString);
            assertEquals(OPS, joined.get("rev").asInt());
            assertEquals("a".repeat(PAIRS), joined.get("text").asText());
        } finally {
            server.terminate();
        }
    }

    private static String mint(String room, String roomId) {
        return new dev.livepad.auth.TokenService(
                        "a-test-secret-that-is-32-bytes-or-longer", java.time.Clock.systemUTC())
                .mint(room, roomId, dev.livepad.protocol.Role.EDITOR, java.time.Duration.ofHours(1));
    }
}
