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

    @Test
    void a_room_loaded_by_http_calls_alone_leaves_memory_too() throws Exception {
        try (TestServer server = TestServer.start("STORE", "sqlite", "DATA_DIR", dataDir.toString(),
                "EMPTY_ROOM_LINGER_SECONDS", "1")) {
            String owner = server.createRoom("by-http");
            assertEquals(200, server.post("/api/rooms/by-http/append", "{\"text\":\"kept\"}", owner).status());
            assertEquals(1, server.status().get("loadedRooms").asInt());
            awaitNoLoadedRooms(server, "a room only HTTP calls used");
            assertEquals("kept", server.get("/api/rooms/by-http/text", owner).body());
        }
    }

    @Test
    void rooms_left_while_their_last_op_commits_leave_memory_once_it_is_committed() throws Exception {
        try (TestServer server = TestServer.start("STORE", "sqlite", "DATA_DIR", dataDir.toString(),
                "EMPTY_ROOM_LINGER_SECONDS", "0")) {
            for (int i = 0; i < 10; i++) {
                String room = "left-" + i;
                String owner = server.createRoom(room);
                try (WsClient c = server.connect()) {
                    join(c, room, owner);
                    c.send(Messages.op(room, 0, "big", "x".repeat(100_000))); // commits for a while
                    c.send(WsClient.message("leave").put("room", room)); // right behind it
                    c.nextOfType("left");
                }
            }
            awaitNoLoadedRooms(server, "a room whose last op was still committing when it emptied");
        }
    }

    /** A history restore is one op of the whole text, larger than any frame: its room still loads. */
    @Test
    void a_room_whose_restore_op_is_larger_than_a_frame_loads_again() throws Exception {
        String text = "a".repeat(3000) + "b".repeat(3000); // each paste fits a frame; the restore does not
        try (TestServer server = TestServer.start("STORE", "sqlite", "DATA_DIR", dataDir.toString(),
                "EMPTY_ROOM_LINGER_SECONDS", "0", "MAX_MESSAGE_BYTES", "4096")) {
            String owner = server.createRoom("big-restore");
            try (WsClient c = server.connect()) {
                join(c, "big-restore", owner);
                c.send(Messages.op("big-restore", 0, "p1", "a".repeat(3000)));
                c.nextOfType("ack");
                c.send(Messages.op("big-restore", 1, "p2", 3000, "b".repeat(3000)));
                c.nextOfType("ack");
                c.send(Messages.op("big-restore", 2, "wipe", -6000));
                c.nextOfType("ack");
                assertEquals(200, server.post("/api/rooms/big-restore/restore", "{\"rev\":2}", owner).status());
                assertEquals(4, c.nextOfType("op").get("rev").asInt());
            }
            awaitNoLoadedRooms(server, "the room after its last member left");
            try (WsClient back = server.connect()) {
                back.send(Messages.joinMessage("big-restore", owner));
                JsonNode joined = back.next(m -> !"presence".equals(m.path("type").asText()));
                assertEquals("joined", joined.path("type").asText(), joined::toString);
                assertEquals(text, joined.get("text").asText());
            }
            assertEquals(text, server.get("/api/rooms/big-restore/text?rev=4", owner).body());
        }
    }

    private static void awaitNoLoadedRooms(TestServer server, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.status().get("loadedRooms").asInt() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.status().get("loadedRooms").asInt(), what + " stayed in memory");
    }
}
