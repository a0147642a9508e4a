package dev.livepad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.ChildServer;
import dev.livepad.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Restarts of a real server process on the SQLite store: graceful stop, snapshots, resume. */
@Timeout(120)
class DurabilityIT {
    // Folds of 8 rows (SqliteWriteOps.FOLD_ROWS), so the log read after a restart spans ops and ops_tail.
    private static final Map<String, String> ENV = Map.of("HISTORY_OPS", "20", "SNAPSHOT_EVERY", "10",
            "JWT_SECRET", "", "JAVA_TOOL_OPTIONS", "-Dlivepad.sqlite.foldRows=8");

    @TempDir
    Path dataDir;

    @Test
    void sigterm_closes_sockets_with_1012_and_a_restart_restores_text_revision_and_tokens() throws Exception {
        ChildServer server = ChildServer.start(dataDir, ENV);
        ApiClient api = new ApiClient(server.http(""));
        String owner = api.createRoom("keep");
        String editor = api.mint("keep", owner, "editor");
        StringBuilder expected = new StringBuilder();
        Object[] lastOp = null;
        try (WsClient writer = WsClient.connect(server.ws())) {
            join(writer, "keep", editor, null);
            for (int rev = 0; rev < 105; rev++) {
                String piece = rev % 10 == 0 ? "😀" : String.valueOf((char) ('a' + rev % 26));
                lastOp = new Object[] {expected.length(), piece};
                writer.send(op("keep", rev, "w" + rev, expected.length(), piece));
                expected.append(piece);
                assertEquals(rev + 1, writer.nextOfType("ack").get("rev").asInt());
            }
            int exit = server.terminate();
            assertTrue(exit == 143 || exit == 0, "SIGTERM should end the JVM through its shutdown hook, got " + exit);
            assertEquals(1012, writer.awaitClose());
        }
        assertTrue(Files.getPosixFilePermissions(dataDir.resolve("jwt-secret"))
                .equals(PosixFilePermissions.fromString("rw-------")));

        server = ChildServer.start(dataDir, ENV);
        try (WsClient fresh = WsClient.connect(server.ws()); WsClient resumer = WsClient.connect(server.ws());
             WsClient stale = WsClient.connect(server.ws()); WsClient future = WsClient.connect(server.ws())) {
            JsonNode joined = join(fresh, "keep", editor, null);
            assertEquals(105, joined.get("rev").asInt());
            assertEquals(expected.toString(), joined.get("text").asText());

            JsonNode resumed = join(resumer, "keep", owner, 100L);
            assertFalse(resumed.has("text"));
            assertEquals(5, resumed.get("ops").size());
            assertEquals(101, resumed.get("ops").get(0).get("rev").asInt());
            assertEquals("w104", resumed.get("ops").get(4).get("id").asText());

            // Revision 3 is long gone from memory, not from the store, which keeps every revision.
            JsonNode old = join(stale, "keep", owner, 3L);
            assertFalse(old.has("reset"), old::toString);
            assertEquals(102, old.get("ops").size());
            assertEquals(4, old.get("ops").get(0).get("rev").asInt());
            assertEquals("w3", old.get("ops").get(0).get("id").asText());

            JsonNode reset = join(future, "keep", owner, 999L);
            assertTrue(reset.get("reset").asBoolean());
            assertEquals(expected.toString(), reset.get("text").asText());

            resumer.send(op("keep", 104, "w104", (Integer) lastOp[0], (String) lastOp[1])); // the same op, again
            assertEquals(105, resumer.nextOfType("ack").get("rev").asInt(), "a retried id must not apply twice");
        }
        assertEquals(expected.toString(), new ApiClient(server.http("")).get("/api/rooms/keep/text", owner).body());
        server.terminate();
    }

    private static JsonNode join(WsClient c, String room, String token, Long rev) {
        var msg = WsClient.message("join").put("room", room).put("token", token);
        if (rev != null) {
            msg.put("rev", rev);
        }
        c.send(msg);
        JsonNode joined = c.next(m -> !"presence".equals(m.path("type").asText()));
        assertEquals("joined", joined.get("type").asText(), joined::toString);
        return joined;
    }

    private static JsonNode op(String room, long rev, String id, int retain, String insert) {
        var msg = WsClient.message("op").put("room", room).put("rev", rev).put("id", id);
        var ops = msg.putArray("op");
        if (retain > 0) {
            ops.add(retain);
        }
        ops.add(insert);
        return msg;
    }
}
