package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.ot.TextOperation;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.ChildServer;
import dev.livepad.testing.CollabClient;
import dev.livepad.testing.Postgres;
import dev.livepad.testing.Services;
import dev.livepad.testing.WsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL backup that docs/operations.md describes, with the real pg_dump and pg_restore:
 * a room restored to an older dump serves that dump's text, links minted before it work (the
 * generated secret is in the dump), and a client that saw later revisions is reset, never sent
 * ops for a text it does not have.
 */
@Timeout(120)
class PgDumpRestoreIT {
    private static final Pattern SCHEMA = Pattern.compile("currentSchema=([a-z0-9_]+)");

    @TempDir
    Path temp;

    @Test
    void a_room_restored_from_pg_dump_serves_the_dumped_text_and_resets_clients_from_later_revisions()
            throws Exception {
        requireTools();
        String url = Postgres.freshDatabaseUrl();
        Matcher schema = SCHEMA.matcher(url);
        assertTrue(schema.find());
        Map<String, String> env = Map.of("DATABASE_URL", url, "JWT_SECRET", "", "INSTANCE_ID", "pg1");
        Path dump = temp.resolve("livepad.dump");
        ChildServer server = ChildServer.start(temp.resolve("dir"), env);
        try {
            String owner = new ApiClient(server.http("")).createRoom("dumped");
            String dumpedText;
            long head;
            try (CollabClient editor = new CollabClient(WsClient.connect(server.ws()), "dumped", "e")) {
                editor.join(owner);
                append(editor, 20);
                dumpedText = editor.text();
                run("pg_dump", "--format=custom", "--schema=" + schema.group(1), "--file=" + dump, Postgres.baseUrl());
                append(editor, 10);
                head = editor.revision();
            }
            server.terminate();

            Postgres.execute(Postgres.baseUrl(), "DROP SCHEMA " + schema.group(1) + " CASCADE");
            run("pg_restore", "--no-owner", "--dbname=" + Postgres.baseUrl(), dump.toString());
            server = ChildServer.start(temp.resolve("dir"), env);

            ApiClient.Response served = new ApiClient(server.http("")).get("/api/rooms/dumped/text", owner);
            assertEquals(200, served.status(), "the owner's link died in the restore: " + served);
            assertEquals(dumpedText, served.body());
            try (WsClient resumer = WsClient.connect(server.ws())) {
                resumer.send(WsClient.message("join").put("room", "dumped").put("token", owner).put("rev", head));
                JsonNode joined = resumer.nextOfType("joined");
                assertEquals(20, joined.get("rev").asLong());
                assertTrue(
                        joined.path("reset").asBoolean(),
                        "resumed from revision " + head + " without a reset: " + joined);
                assertEquals(dumpedText, joined.get("text").asText());
            }
        } finally {
            server.close();
            Postgres.drop(url);
        }
    }

    private static void append(CollabClient editor, int ops) {
        for (int i = 0; i < ops; i++) {
            editor.edit(TextOperation.builder()
                    .retain(editor.text().length())
                    .insert("[" + editor.revision() + "]")
                    .build());
            editor.pumpUntil(editor::isSynchronized);
        }
    }

    /** Skips without PostgreSQL or its client tools, unless CI demands them. */
    private static void requireTools() {
        Postgres.requireAvailable();
        boolean present =
                Files.isExecutable(Path.of("/usr/bin/pg_dump")) && Files.isExecutable(Path.of("/usr/bin/pg_restore"));
        if (!present && Services.required()) {
            throw new AssertionError("LIVEPAD_REQUIRE_SERVICES=true but pg_dump or pg_restore is missing");
        }
        assumeTrue(present, "pg_dump and pg_restore are not installed; skipped");
    }

    private static void run(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command[0] + " did not finish within 60 s");
        }
        assertEquals(0, process.exitValue(), command[0] + " failed: " + output);
    }
}
