package dev.livepad.web;

import static dev.livepad.testing.Messages.join;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.Messages;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rooms leave memory when their last member goes, and come back from the store intact. */
@Timeout(30)
class RoomLifecycleTest {
    @TempDir
    Path dataDir;

    @Test
    void an_empty_room_is_evicted_and_reloaded_with_its_text_and_history() throws Exception {
        try (TestServer server = TestServer.start("STORE", "sqlite", "DATA_DIR", dataDir.toString(),
                "EMPTY_ROOM_LINGER_SECONDS", "0")) {
            String owner = server.createRoom("evict");
            try (WsClient c = server.connect()) {
                join(c, "evict", owner);
                c.send(WsClient.message("op").put("room", "evict").put("rev", 0).put("id", "e1")
                        .set("op", new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode().add("kept")));
                c.nextOfType("ack");
                assertEquals(1, server.status().get("loadedRooms").asInt());
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.status().get("loadedRooms").asInt() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(0, server.status().get("loadedRooms").asInt(), "the empty room stayed in memory");
            assertEquals(0, server.status().get("activeRooms").asInt());
            try (WsClient back = server.connect()) {
                back.send(Messages.joinMessage("evict", owner).put("rev", 0));
                JsonNode joined = back.nextOfType("joined");
                assertEquals(1, joined.get("rev").asInt());
                assertEquals("e1", joined.get("ops").get(0).get("id").asText());
            }
            assertEquals("kept", server.get("/api/rooms/evict/text", owner).body());
        }
    }
}
