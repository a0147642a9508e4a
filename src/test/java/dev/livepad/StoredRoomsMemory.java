package dev.livepad;

import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A measurement, not a test (surefire ignores it): how much heap a server holds after 100,000
 * rooms were created and each opened, edited and left, once empty rooms are evicted. The command
 * is in docs/operations.md.
 */
public final class StoredRoomsMemory {
    private StoredRoomsMemory() {
    }

    public static void main(String[] args) throws Exception {
        int rooms = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("livepad-rooms");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (TestServer server = TestServer.start("STORE", "sqlite", "DATA_DIR", dir.toString(),
                "EMPTY_ROOM_LINGER_SECONDS", "0", "RATE_LIMIT_PER_SECOND", "1000000")) {
            long baseline = usedHeapAfterGc(memory);
            long start = System.nanoTime();
            try (WsClient c = server.connect()) {
                for (int i = 0; i < rooms; i++) {
                    String name = "room-" + i;
                    String token = server.createRoom(name);
                    c.send(WsClient.message("join").put("room", name).put("token", token));
                    expect(c, "joined", i);
                    c.sendRaw("{\"type\":\"op\",\"room\":\"" + name + "\",\"rev\":0,\"id\":\"o" + i
                            + "\",\"op\":[\"text of room " + i + "\"]}");
                    expect(c, "ack", i);
                    c.send(WsClient.message("leave").put("room", name));
                    expect(c, "left", i);
                    if ((i + 1) % 10_000 == 0) {
                        System.out.printf("%,d rooms: heap %.1f MB after GC, %d loaded, %.0f s%n", i + 1,
                                usedHeapAfterGc(memory) / 1e6, server.status().get("loadedRooms").asInt(),
                                (System.nanoTime() - start) / 1e9);
                    }
                }
            }
            Thread.sleep(500);
            long after = usedHeapAfterGc(memory);
            System.out.printf("stored rooms: %d, loaded now: %d, heap baseline %.1f MB, after %.1f MB, "
                            + "growth %.0f bytes per stored room%n", server.status().get("rooms").asLong(),
                    server.status().get("loadedRooms").asInt(), baseline / 1e6, after / 1e6,
                    (after - baseline) / (double) rooms);
        }
    }

    private static void expect(WsClient c, String type, int room) {
        var m = c.next();
        if (!type.equals(m.path("type").asText())) {
            throw new IllegalStateException("room " + room + ": expected " + type + " but got " + m);
        }
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
