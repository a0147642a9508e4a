package dev.livepad.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.ot.TextOperation;
import dev.livepad.store.SqliteDocumentStore;
import dev.livepad.testing.CollabClient;
import dev.livepad.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The commands run in this JVM against data directories a real server wrote (BackupRestoreIT runs them beside one). */
@Timeout(60)
class CliTest {
    @TempDir
    Path temp;

    @Test
    void backup_and_restore_carry_rooms_and_links_to_a_new_data_directory() throws Exception {
        Path dataDir = temp.resolve("data");
        Map<String, String> texts = Map.of("notes", "hello 😀", "plans", "a\nb\n");
        Map<String, String> owners = serve(dataDir, texts);

        Result backup = run(dataDir, "backup", temp.resolve("b").toString());
        assertEquals(0, backup.status(), backup.err());
        assertTrue(backup.out().contains("2 rooms"), backup.out());
        for (String file : List.of("livepad.db", "jwt-secret")) {
            assertEquals(
                    PosixFilePermissions.fromString("rw-------"),
                    Files.getPosixFilePermissions(temp.resolve("b/" + file)));
        }
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(temp.resolve("b")));
        assertTrue(Files.notExists(temp.resolve("b/livepad.db-wal")), "the backup depends on a -wal file");

        Path restored = temp.resolve("restored");
        Result restore = run(restored, "restore", temp.resolve("b").toString());
        assertEquals(0, restore.status(), restore.err());
        assertEquals(Files.readString(dataDir.resolve("jwt-secret")), Files.readString(restored.resolve("jwt-secret")));
        try (TestServer server =
                TestServer.start("STORE", "sqlite", "DATA_DIR", restored.toString(), "JWT_SECRET", null)) {
            for (Map.Entry<String, String> room : texts.entrySet()) {
                assertEquals(
                        room.getValue(),
                        server.get("/api/rooms/" + room.getKey() + "/text", owners.get(room.getKey()))
                                .body());
            }
        }
    }

    @Test
    void a_database_of_an_older_schema_is_backed_up_as_it_is_and_migrates_when_served() throws Exception {
        Path dataDir = temp.resolve("data");
        Map<String, String> owners = serve(dataDir, Map.of("notes", "before the upgrade"));
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("livepad.db"));
             Statement sql = db.createStatement()) { // back to schema 2, which had no ops_tail and no names
            sql.execute("INSERT INTO ops (room_id, rev, op_json, op_id, client_id, time, fingerprint)"
                    + " SELECT room_id, rev, op_json, op_id, client_id, time, fingerprint FROM ops_tail");
            sql.execute("DROP TABLE ops_tail");
            sql.execute("ALTER TABLE ops DROP COLUMN name");
            sql.execute("PRAGMA user_version = 2");
        }

        Result backup = run(dataDir, "backup", temp.resolve("b").toString());
        assertEquals(0, backup.status(), backup.err());
        assertTrue(backup.out().contains("1 rooms, schema version 2"), backup.out());
        assertEquals(0, run(temp.resolve("restored"), "restore", temp.resolve("b").toString()).status());
        try (TestServer server = TestServer.start("STORE", "sqlite", "DATA_DIR", temp.resolve("restored").toString(),
                "JWT_SECRET", null)) {
            assertEquals("before the upgrade", server.get("/api/rooms/notes/text", owners.get("notes")).body());
        }
    }

    @Test
    void backup_refuses_a_destination_that_exists_and_leaves_nothing_behind() throws Exception {
        Path dataDir = temp.resolve("data");
        serve(dataDir, Map.of("notes", "x"));
        Path dest = Files.createDirectories(temp.resolve("backups/today"));

        Result refused = run(dataDir, "backup", dest.toString());
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("exists"), refused.err());
        try (Stream<Path> left = Files.list(temp.resolve("backups"))) {
            assertEquals(List.of(dest), left.toList());
        }
        try (Stream<Path> left = Files.list(dest)) {
            assertEquals(0, left.count());
        }
    }

    @Test
    void restore_refuses_a_data_directory_that_holds_a_database_or_is_in_use() throws Exception {
        Path dataDir = temp.resolve("data");
        serve(dataDir, Map.of("notes", "x"));
        assertEquals(0, run(dataDir, "backup", temp.resolve("b").toString()).status());

        Result holds = run(dataDir, "restore", temp.resolve("b").toString());
        assertEquals(1, holds.status());
        assertTrue(holds.err().contains("already holds a database"), holds.err());

        Path served = temp.resolve("served");
        try (SqliteDocumentStore inUse = SqliteDocumentStore.open(served)) {
            Result locked = run(served, "restore", temp.resolve("b").toString());
            assertEquals(1, locked.status());
            assertTrue(locked.err().contains("stop the server first"), locked.err());
        }

        Result notBackup = run(temp.resolve("other"), "restore", temp.resolve("nothing").toString());
        assertEquals(1, notBackup.status());
        assertTrue(notBackup.err().contains("is not a backup"), notBackup.err());
    }

    @Test
    void export_writes_each_room_to_its_own_file_whatever_its_name() throws Exception {
        Path dataDir = temp.resolve("data");
        // Names that differ only in case, look like options or hidden files, or like the index.
        Map<String, String> texts = Map.of("Notes", "upper", "notes", "lower", "-rf", "dash", ".env", "dot",
                "...", "dots", "rooms.json", "index?");
        serve(dataDir, texts);

        Result export = run(dataDir, "export", temp.resolve("out").toString());
        assertEquals(0, export.status(), export.err());
        JsonNode index = new ObjectMapper().readTree(temp.resolve("out/rooms.json").toFile());
        Set<String> files = new HashSet<>();
        for (JsonNode room : index.get("rooms")) {
            String file = room.get("file").asText();
            assertTrue(file.matches("\\d{4}-[A-Za-z0-9._-]+\\.txt"), file);
            assertTrue(files.add(file.toLowerCase()), "two rooms share " + file + " on a case-blind file system");
            assertEquals(texts.get(room.get("name").asText()), Files.readString(temp.resolve("out").resolve(file)));
            assertEquals(1, room.get("rev").asLong());
        }
        assertEquals(texts.size(), files.size());
    }

    @Test
    void a_command_line_it_cannot_run_is_answered_with_the_usage_and_2() {
        Path dataDir = temp.resolve("data");
        for (String[] args : List.of(
                new String[] {"frob", "x"}, new String[] {"backup"}, new String[] {"backup", "a", "b"}, new String[] {
                    "export", " "
                })) {
            Result result = run(dataDir, args);
            assertEquals(2, result.status(), String.join(" ", args));
            assertTrue(result.err().contains("usage: java -jar livepad.jar"), result.err());
        }
        assertEquals(0, run(dataDir, "help").status());
        assertEquals(2, Cli.run(new String[] {"backup", "b"}, Map.of("DATA_DIR", dataDir.toString(),
                "DATABASE_URL", "postgresql://localhost/livepad"), quiet(), quiet()));
        assertEquals(2, Cli.run(new String[] {"export", "e"}, Map.of("STORE", "memory"), quiet(), quiet()));
        assertEquals(2, Cli.run(new String[] {"export", "e"}, Map.of("PORT", "many"), quiet(), quiet()));
        assertFalse(Files.exists(dataDir), "a refused command touched DATA_DIR");
    }

    @Test
    void commands_on_a_data_directory_without_a_database_fail_and_create_nothing() {
        Path dataDir = temp.resolve("data");
        for (String command : List.of("backup", "export")) {
            Result result = run(dataDir, command, temp.resolve(command).toString());
            assertEquals(1, result.status());
            assertTrue(result.err().contains("no livepad database"), result.err());
            assertFalse(Files.exists(temp.resolve(command)));
        }
        assertFalse(Files.exists(dataDir));
    }

    /**
     * Serves {@code rooms} (name to text) from a SQLite data directory, then stops; returns each
     * room's owner token.
     */
    private static Map<String, String> serve(Path dataDir, Map<String, String> rooms) {
        Map<String, String> owners = new HashMap<>();
        try (TestServer server = TestServer.start("STORE", "sqlite", "DATA_DIR", dataDir.toString(), "JWT_SECRET", null,
                "ROOM_CREATES_PER_MINUTE", "1000")) {
            for (Map.Entry<String, String> room : rooms.entrySet()) {
                String owner = server.createRoom(room.getKey());
                owners.put(room.getKey(), owner);
                try (CollabClient client = new CollabClient(server.connect(), room.getKey(), "t")) {
                    client.join(owner);
                    client.edit(TextOperation.builder().insert(room.getValue()).build());
                    client.pumpUntil(client::isSynchronized);
                }
            }
        }
        return owners;
    }

    private static Result run(Path dataDir, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Cli.run(
                args,
                Map.of("DATA_DIR", dataDir.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    private record Result(int status, String out, String err) {
    }
}
