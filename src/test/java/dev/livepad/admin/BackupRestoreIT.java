package dev.livepad.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livepad.ot.TextOperation;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.ChildCommand;
import dev.livepad.testing.ChildServer;
import dev.livepad.testing.CollabClient;
import dev.livepad.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's commands against real processes: a server in a child JVM takes a stream of
 * appends from several editors while {@code backup} runs in another; the backup restored into a
 * fresh data directory serves a state the room really had, holding every op acknowledged before
 * the backup started, with the old links; export writes what that server serves.
 */
@Timeout(120)
class BackupRestoreIT {
    private static final int EDITORS = 3;
    // Snapshots and pruning while editing, folds of 16 rows: the backup catches the log mid-rearrangement.
    private static final Map<String, String> ENV = Map.of("HISTORY_OPS", "50", "SNAPSHOT_EVERY", "20",
            "JWT_SECRET", "", "RATE_LIMIT_PER_SECOND", "10000", "RATE_LIMIT_BURST", "10000",
            "JAVA_TOOL_OPTIONS", "-Dlivepad.sqlite.foldRows=16");
    private static final Pattern MARKER = Pattern.compile("\\[(e\\d)-(\\d+)]");

    @TempDir
    Path temp;

    @Test
    void a_backup_taken_under_load_restores_every_acknowledged_op_and_every_link() throws Exception {
        Path dataDir = temp.resolve("data");
        Path backup = temp.resolve("backups/first");
        ChildServer server = ChildServer.start(dataDir, ENV);
        ApiClient api = new ApiClient(server.http(""));
        String owner = api.createRoom("busy");
        String editor = api.mint("busy", owner, "editor");
        String quietOwner = api.createRoom("Quiet.room_2");
        try (CollabClient quiet = new CollabClient(WsClient.connect(server.ws()), "Quiet.room_2", "q")) {
            quiet.join(quietOwner);
            quiet.edit(TextOperation.builder().insert("still here 😀\n").build());
            quiet.pumpUntil(quiet::isSynchronized);
            for (int i = 0; i < 4; i++) { // a database of more pages than one of sqlite-jdbc's default backup steps
                quiet.edit(TextOperation.builder()
                        .retain(quiet.text().length())
                        .insert(("line " + i + " ").repeat(8_000))
                        .build());
                quiet.pumpUntil(quiet::isSynchronized);
            }
        }
        WsClient observer = WsClient.connect(server.ws());
        observer.send(WsClient.message("join").put("room", "busy").put("token", owner));
        observer.nextOfType("joined");

        Load load = Load.start(server, editor);
        load.awaitAcked(150);
        int[] ackedBefore = load.acked();
        long started = System.nanoTime();
        ChildCommand backedUp = ChildCommand.run(env(dataDir), "backup", backup.toString());
        long backupMillis = (System.nanoTime() - started) / 1_000_000;
        int[] ackedAfter = load.acked();
        load.awaitAcked(sum(ackedAfter) + 50); // the restored room ends before the edits do
        long head = load.stop();
        assertEquals(0, backedUp.exitCode(), backedUp.err());
        assertTrue(backedUp.out().contains("integrity ok"), backedUp.out());
        assertTrue(sum(ackedAfter) > sum(ackedBefore), "no op was acknowledged while the backup ran ("
                + backupMillis + " ms): it held the server up");
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(backup.resolve("jwt-secret")));
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(backup.resolve("livepad.db")));
        List<String> ids = new ArrayList<>();
        List<TextOperation> history = ops(observer, head, ids);
        observer.close();
        String quietText = api.get("/api/rooms/Quiet.room_2/text", quietOwner).body();
        server.terminate();

        Path restored = temp.resolve("restored");
        assertEquals(0, ChildCommand.run(env(restored), "restore", backup.toString()).exitCode());

        server = ChildServer.start(restored, ENV);
        try (WsClient resumer = WsClient.connect(server.ws())) {
            ApiClient restoredApi = new ApiClient(server.http(""));
            ApiClient.Response served = restoredApi.get("/api/rooms/busy/text", owner);
            assertEquals(200, served.status(), "the owner's link died in the restore: " + served);
            String text = served.body();
            JsonNode joined = join(resumer, editor, head);
            long rev = joined.get("rev").asLong();
            assertTrue(rev < head, "the backup holds every op, even those made after it");
            assertTrue(
                    text.equals(textAt(history, rev)), "the restored text is not the room's text at revision " + rev);
            assertEveryAckedOpPresent(text, ackedBefore);
            assertTrue(joined.path("reset").asBoolean(), "a client that saw revision " + head + " resumed on a room"
                    + " restored to revision " + rev + " without a reset: " + joined);
            assertTrue(text.equals(joined.get("text").asText()), "the reset is not to the restored text");

            // The room is edited past the lost head again: revision `head` exists once more, made by
            // another op. A client that saw the lost one must still get a reset, not ops.
            try (WsClient writer = WsClient.connect(server.ws())) {
                JsonNode start = join(writer, editor, -1);
                int length = start.get("text").asText().length();
                for (long at = start.get("rev").asLong(); at <= head; at++, length++) {
                    writer.sendRaw("{\"type\":\"op\",\"room\":\"busy\",\"rev\":" + at + ",\"id\":\"again-" + at
                            + "\",\"op\":" + (length == 0 ? "[\"z\"]" : "[" + length + ",\"z\"]") + "}");
                    assertEquals(at + 1, writer.nextOfType("ack").get("rev").asLong());
                }
            }
            try (WsClient strayed = WsClient.connect(server.ws())) {
                strayed.send(WsClient.message("join").put("room", "busy").put("token", editor).put("rev", head)
                        .put("revId", ids.get((int) head - 1)));
                assertTrue(strayed.nextOfType("joined").path("reset").asBoolean(),
                        "a client that saw the lost revision " + head + " was sent ops for the new one");
            }
            try (WsClient current = WsClient.connect(server.ws())) {
                current.send(WsClient.message("join").put("room", "busy").put("token", editor).put("rev", head)
                        .put("revId", "again-" + (head - 1)));
                JsonNode resumed = current.nextOfType("joined");
                assertFalse(resumed.path("reset").asBoolean(), "the room's own revision must resume: " + resumed);
                assertEquals(1, resumed.get("ops").size());
            }

            ChildCommand locked = ChildCommand.run(env(restored), "restore", backup.toString());
            assertEquals(1, locked.exitCode());
            assertTrue(locked.err().contains("in use"), locked.err());

            Path export = temp.resolve("export");
            assertEquals(0, ChildCommand.run(env(restored), "export", export.toString()).exitCode());
            Map<String, String> exported = exported(export);
            assertEquals(Set.of("busy", "Quiet.room_2"), exported.keySet());
            assertTrue(exported.get("busy").equals(restoredApi.get("/api/rooms/busy/text", owner).body()),
                    "export differs from the served text of busy");
            assertTrue(exported.get("Quiet.room_2").equals(quietText), "export differs from the text of Quiet.room_2");
            assertTrue(quietText.equals(restoredApi.get("/api/rooms/Quiet.room_2/text", quietOwner).body()),
                    "the restored Quiet.room_2 differs");
            System.out.printf("backup under load took %d ms; restored revision %d of %d; %d ops acknowledged before"
                    + " it started%n", backupMillis, rev, head, sum(ackedBefore));
        } finally {
            server.terminate();
        }
    }

    @Test
    void a_command_line_it_cannot_run_exits_2_with_the_usage() throws Exception {
        ChildCommand missing = ChildCommand.run(env(temp.resolve("data")), "backup");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("usage: java -jar livepad.jar"), missing.err());
        assertTrue(Files.notExists(temp.resolve("data")), "a refused command touched DATA_DIR");
    }

    private static Map<String, String> env(Path dataDir) {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("DATA_DIR", dataDir.toString());
        return env;
    }

    /** Joins {@code busy}, resuming from {@code rev} unless it is negative. */
    private static JsonNode join(WsClient ws, String token, long rev) {
        ObjectNode join = WsClient.message("join").put("room", "busy").put("token", token);
        ws.send(rev < 0 ? join : join.put("rev", rev));
        JsonNode joined = ws.nextOfType("joined");
        return joined;
    }

    /** Every op of the room up to revision {@code head}, as the observer received them. */
    private static List<TextOperation> ops(WsClient observer, long head, List<String> ids) {
        List<TextOperation> ops = new ArrayList<>();
        while (ops.size() < head) {
            JsonNode op = observer.nextOfType("op");
            assertEquals(ops.size() + 1, op.get("rev").asLong());
            ops.add(CollabClient.parse(op.get("op")));
            ids.add(op.get("id").asText());
        }
        return ops;
    }

    private static String textAt(List<TextOperation> history, long rev) throws Exception {
        String text = "";
        for (int i = 0; i < rev; i++) {
            text = history.get(i).apply(text);
        }
        return text;
    }

    /** Editor i's acknowledged ops are its markers 1..acked[i]; the text holds each, and none past a gap. */
    private static void assertEveryAckedOpPresent(String text, int[] acked) {
        Map<String, TreeSet<Integer>> markers = new HashMap<>();
        Matcher m = MARKER.matcher(text);
        while (m.find()) {
            markers.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(Integer.parseInt(m.group(2)));
        }
        for (int i = 0; i < acked.length; i++) {
            TreeSet<Integer> own = markers.getOrDefault("e" + i, new TreeSet<>());
            assertTrue(own.size() >= acked[i], "editor " + i + " had " + acked[i] + " ops acknowledged before the"
                    + " backup; the restored text holds " + own.size());
            assertEquals(own.size(), own.isEmpty() ? 0 : own.last(), "editor " + i + "'s ops have a gap: " + own);
        }
    }

    private static Map<String, String> exported(Path dir) throws Exception {
        Map<String, String> texts = new HashMap<>();
        for (JsonNode room : new ObjectMapper().readTree(dir.resolve("rooms.json").toFile()).get("rooms")) {
            texts.put(room.get("name").asText(), Files.readString(dir.resolve(room.get("file").asText())));
        }
        return texts;
    }

    private static int sum(int[] values) {
        int sum = 0;
        for (int v : values) {
            sum += v;
        }
        return sum;
    }

    /**
     * Editors that each append a marker naming their next op ({@code [e1-7]}) as soon as the last
     * is acknowledged, so that an editor's acknowledged ops are exactly its markers 1..n.
     */
    private static final class Load {
        private final List<CollabClient> editors = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicInteger[] acked = new AtomicInteger[EDITORS];
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        static Load start(ChildServer server, String token) {
            Load load = new Load();
            for (int i = 0; i < EDITORS; i++) {
                CollabClient editor = new CollabClient(WsClient.connect(server.ws()), "busy", "e" + i);
                editor.join(token);
                AtomicInteger acked = new AtomicInteger();
                String name = "e" + i;
                load.editors.add(editor);
                load.acked[i] = acked;
                Thread thread = new Thread(() -> {
                    try {
                        while (!load.stopping.get()) {
                            String marker = "[" + name + "-" + (editor.ackedIds().size() + 1) + "]";
                            editor.edit(TextOperation.builder().retain(editor.text().length()).insert(marker).build());
                            editor.pumpUntil(editor::isSynchronized);
                            acked.set(editor.ackedIds().size());
                        }
                    } catch (Throwable e) {
                        load.failure.compareAndSet(null, e);
                    }
                }, "editor-" + i);
                thread.start();
                load.threads.add(thread);
            }
            return load;
        }

        int[] acked() {
            int[] counts = new int[acked.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = acked[i].get();
            }
            return counts;
        }

        void awaitAcked(int total) throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (sum(acked()) < total) {
                if (failure.get() != null) {
                    throw new AssertionError("an editor failed", failure.get());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + sum(acked()) + " ops acknowledged in 30 s");
                }
                Thread.sleep(5);
            }
        }

        /** Stops editing; returns the room's head once every editor has seen it. */
        long stop() throws InterruptedException {
            stopping.set(true);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
            if (failure.get() != null) {
                throw new AssertionError("an editor failed", failure.get());
            }
            long head = 0;
            for (CollabClient editor : editors) {
                head = Math.max(head, editor.revision());
            }
            for (CollabClient editor : editors) {
                long target = head;
                editor.pumpUntil(() -> editor.revision() >= target);
                editor.close();
            }
            return head;
        }
    }
}
