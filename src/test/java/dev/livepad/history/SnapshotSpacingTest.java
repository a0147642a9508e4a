package dev.livepad.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ApiClient.Response;
import dev.livepad.testing.Messages;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large text is snapshotted less often than a small one (a snapshot is the whole text), and
 * every revision of it still reads back: the real server on a real SQLite file, whose snapshot
 * rows the test reads. With {@code SNAPSHOT_EVERY=4}, a text of up to 2,000 characters is
 * snapshotted every 4 ops, one of 2,001-4,000 every 8.
 */
@Timeout(60)
class SnapshotSpacingTest {
    @TempDir
    Path data;

    private final Map<String, String> tokens = new HashMap<>();

    @Test
    void a_text_of_3000_characters_is_snapshotted_every_8_ops_where_a_small_one_is_every_4() throws Exception {
        try (TestServer server = TestServer.start("STORE", "sqlite", "DATA_DIR", data.toString(),
                "SNAPSHOT_EVERY", "4", "HISTORY_OPS", "2")) {
            List<String> large = type(server, "large", "x".repeat(3000), 40);
            List<String> small = type(server, "small", "", 40);

            assertEquals(List.of(8L, 16L, 24L, 32L, 40L), snapshotRevs("large"));
            assertEquals(List.of(4L, 8L, 12L, 16L, 20L, 24L, 28L, 32L, 36L, 40L), snapshotRevs("small"));
            for (int rev = 0; rev < large.size(); rev++) {
                Response r = server.get("/api/rooms/large/text?rev=" + rev, tokens.get("large"));
                assertEquals(200, r.status(), r::body);
                assertEquals(large.get(rev), r.body(), "text of the large room at revision " + rev);
            }
            assertEquals(small.get(40), server.get("/api/rooms/small/text?rev=40", tokens.get("small")).body());
        }
    }

    /**
     * Creates {@code room}, writes {@code start} (if any) as revision 1, then one character per op
     * up to revision {@code revs}; returns the text at each revision, 0 first.
     */
    private List<String> type(TestServer server, String room, String start, int revs) {
        String owner = server.createRoom(room);
        tokens.put(room, owner);
        List<String> texts = new ArrayList<>(List.of(""));
        StringBuilder text = new StringBuilder();
        try (WsClient ws = server.connect()) {
            ws.send(Messages.joinMessage(room, owner));
            long rev = ws.nextOfType("joined").get("rev").asLong();
            for (int i = 0; i < revs; i++) {
                Object[] components;
                if (i == 0 && !start.isEmpty()) {
                    components = new Object[] {start};
                    text.append(start);
                } else {
                    String c = String.valueOf((char) ('a' + i % 26));
                    int at = text.length() / 2;
                    components = at == 0 ? new Object[] {c, text.length()} : new Object[] {at, c, text.length() - at};
                    text.insert(at, c);
                }
                ws.send(Messages.op(room, rev, room + "-" + i, Arrays.stream(components)
                        .filter(x -> !Integer.valueOf(0).equals(x)).toArray()));
                JsonNode ack = ws.nextOfType("ack");
                rev = ack.get("rev").asLong();
                texts.add(text.toString());
            }
        }
        return texts;
    }

    /** The revisions of the room's stored snapshots, once the snapshot thread has written them all. */
    private List<Long> snapshotRevs(String room) throws Exception {
        List<Long> revs = List.of();
        for (int attempt = 0; attempt < 50; attempt++) {
            revs = new ArrayList<>();
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("livepad.db"));
                    PreparedStatement q = db.prepareStatement("SELECT s.rev FROM snapshots s JOIN rooms r"
                            + " ON r.id = s.room_id WHERE r.name = ? ORDER BY s.rev")) {
                q.setString(1, room);
                try (ResultSet rows = q.executeQuery()) {
                    while (rows.next()) {
                        revs.add(rows.getLong(1));
                    }
                }
            }
            if (!revs.isEmpty() && revs.get(revs.size() - 1) == 40L) {
                return revs;
            }
            Thread.sleep(100);
        }
        return revs;
    }
}
