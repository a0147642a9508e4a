package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.Cluster;
import dev.livepad.testing.Messages;
import dev.livepad.testing.WsClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * History in cluster mode, against real PostgreSQL and Redis: two instances, each member on its
 * own. Every revision is kept in PostgreSQL with its author's name, any instance reads it, a
 * restore made on one reaches members on the other, and a resume from before the ops in memory
 * is served from PostgreSQL.
 */
@Timeout(120)
class ClusterHistoryIT {
    @TempDir
    Path dir;

    @Test
    void history_read_and_restore_work_across_instances() throws Exception {
        try (Cluster cluster = Cluster.create(dir).env("SNAPSHOT_EVERY", "3").env("HISTORY_OPS", "2")) {
            cluster.add(java.util.Map.of());
            cluster.add(java.util.Map.of());
            ApiClient one = new ApiClient(cluster.instance(1).http(""));
            ApiClient two = new ApiClient(cluster.instance(2).http(""));
            String owner = one.createRoom("shared-history");
            String editor = one.mint("shared-history", owner, "editor");
            try (WsClient alice = cluster.connect(1); WsClient bob = cluster.connect(2)) {
                alice.send(Messages.joinMessage("shared-history", owner).put("name", "Alice"));
                alice.nextOfType("joined");
                bob.send(Messages.joinMessage("shared-history", editor).put("name", "Bob"));
                bob.nextOfType("joined");
                long rev = 0;
                String text = "";
                for (int i = 0; i < 10; i++) { // alternately, each waiting for the other's op to arrive
                    WsClient writer = i % 2 == 0 ? alice : bob;
                    WsClient reader = i % 2 == 0 ? bob : alice;
                    writer.send(text.isEmpty() ? Messages.op("shared-history", rev, "op" + i, "w" + i)
                            : Messages.op("shared-history", rev, "op" + i, text.length(), "w" + i));
                    rev = writer.nextOfType("ack").get("rev").asLong();
                    assertEquals(rev, reader.nextOfType("op").get("rev").asLong());
                    text += "w" + i;
                }

                JsonNode history = two.get("/api/rooms/shared-history/history", editor).json();
                assertEquals(10, history.get("head").asLong());
                JsonNode revisions = history.get("revisions");
                assertEquals(10, revisions.size());
                for (int i = 0; i < 10; i++) {
                    assertEquals(i % 2 == 0 ? "Alice" : "Bob", revisions.get(9 - i).get("name").asText());
                }
                assertEquals("w0w1w2", one.get("/api/rooms/shared-history/text?rev=3", editor).body());
                assertEquals("w0w1w2", two.get("/api/rooms/shared-history/text?rev=3", editor).body());

                ApiClient.Response restored = two.post("/api/rooms/shared-history/restore",
                        "{\"rev\":3,\"name\":\"Bob\"}", editor);
                assertEquals(200, restored.status(), restored.body());
                assertEquals(11, restored.json().get("rev").asLong());
                assertEquals(11, alice.nextOfType("op").get("rev").asLong(), "the restore reaches instance 1");
                assertEquals(11, bob.nextOfType("op").get("rev").asLong());
                assertEquals("w0w1w2", one.get("/api/rooms/shared-history/text", owner).body());
            }
            try (WsClient late = cluster.connect(1)) { // two ops in memory: 2..11 come from PostgreSQL
                late.send(Messages.joinMessage("shared-history", owner).put("rev", 1).put("revId", "op0"));
                JsonNode joined = late.nextOfType("joined");
                assertFalse(joined.has("reset"), joined::toString);
                assertEquals(List.of(2L, 11L), List.of(joined.get("ops").get(0).get("rev").asLong(),
                        joined.get("ops").get(joined.get("ops").size() - 1).get("rev").asLong()));
            }
        }
    }
}
