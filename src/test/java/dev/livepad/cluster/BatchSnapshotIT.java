package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.store.DocumentStore;
import dev.livepad.store.PostgresDocumentStore;
import dev.livepad.store.StoredOp;
import dev.livepad.testing.CollabClient;
import dev.livepad.testing.Postgres;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * In cluster mode an instance commits the ops that wait behind one in flight as a batch. A
 * snapshot due at a revision inside a batch holds the text at that revision, not the text after
 * the whole batch: the history API reads it, and an instance that loads the room starts from it.
 */
@Timeout(60)
class BatchSnapshotIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EDITORS = 6;

    @Test
    void a_snapshot_inside_a_batch_holds_its_own_revision_s_text() throws Exception {
        String url = Postgres.freshDatabaseUrl();
        // A snapshot every 4 revisions; a load keeps 6, so at head 10 it starts from revision 4's.
        String[] settings = {"SNAPSHOT_EVERY", "4", "HISTORY_OPS", "6"};
        try (PostgresDocumentStore store = PostgresDocumentStore.open(url);
             TestServer a = TestServer.instance(store, null, with(settings, "INSTANCE_ID", "a"));
             TestServer b = TestServer.instance(store, null, with(settings, "INSTANCE_ID", "b"))) {
            String owner = a.createRoom("r");
            List<WsClient> editors = new ArrayList<>();
            for (int i = 0; i < EDITORS; i++) {
                WsClient ws = a.connect();
                ws.send(WsClient.message("join").put("room", "r").put("token", owner));
                ws.nextOfType("joined");
                editors.add(ws);
            }
            // Six letters at revision 0 at once: the first is stored alone, the other five wait
            // for it and go as one batch, revisions 2 to 6, with revision 4's snapshot inside it.
            for (int i = 0; i < EDITORS; i++) {
                editors.get(i).send(WsClient.message("op").put("room", "r").put("rev", 0).put("id", "op-" + i)
                        .set("op", JSON.createArrayNode().add(String.valueOf((char) ('a' + i)))));
            }
            for (WsClient ws : editors) {
                ws.nextOfType("ack");
            }
            for (int rev = EDITORS; rev < 10; rev++) {
                editors.get(0).send(WsClient.message("op").put("room", "r").put("rev", rev).put("id", "seq-" + rev)
                        .set("op", JSON.createArrayNode().add("x").add(rev)));
                assertEquals(rev + 1, editors.get(0).nextOfType("ack").get("rev").asLong());
            }

            String roomId = store.findRoom("r").orElseThrow().id();
            List<StoredOp> log = store.opsAfter(roomId, 0, 100);
            assertEquals(10, log.size());
            List<String> texts = new ArrayList<>(); // texts.get(k): the log replayed to revision k + 1
            String text = "";
            for (StoredOp op : log) {
                text = CollabClient.parse(JSON.readTree(op.opJson())).apply(text);
                texts.add(text);
            }
            for (int rev = 4; rev <= 8; rev += 4) {
                assertEquals(texts.get(rev - 1), snapshotAt(store, roomId, rev), "the snapshot of revision " + rev);
            }
            for (int rev = 1; rev <= 10; rev++) {
                assertEquals(texts.get(rev - 1), a.get("/api/rooms/r/text?rev=" + rev, owner).body(),
                        "the history API's text at revision " + rev);
            }
            try (WsClient onB = b.connect()) {
                onB.send(WsClient.message("join").put("room", "r").put("token", owner));
                JsonNode joined = onB.nextOfType("joined");
                assertEquals(texts.get(9), joined.path("text").asText(), "the text instance b loads");
            }
            editors.forEach(WsClient::close);
        } finally {
            Postgres.drop(url);
        }
    }

    /** The snapshot saved at {@code rev}, once the snapshot thread has written it. */
    private static String snapshotAt(DocumentStore store, String roomId, long rev) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<DocumentStore.Snapshot> snapshot = store.snapshotAtOrBefore(roomId, rev);
            if (snapshot.isPresent() && snapshot.get().rev() == rev) {
                return snapshot.get().text();
            }
            Thread.sleep(20);
        }
        return fail("no snapshot of revision " + rev + " within 10 s");
    }

    private static String[] with(String[] settings, String... more) {
        String[] all = new String[settings.length + more.length];
        System.arraycopy(settings, 0, all, 0, settings.length);
        System.arraycopy(more, 0, all, settings.length, more.length);
        return all;
    }
}
