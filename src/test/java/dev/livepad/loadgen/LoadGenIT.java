package dev.livepad.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Smoke runs of every load-generator scenario, tiny and short, against an in-process server, so the tool cannot
 * silently rot: each must end with its JSON line, no errors, every delivery received and every room converged.
 * These check the tool, not the server's speed; docs/performance.md has the real runs.
 */
@Timeout(60)
class LoadGenIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void fanout_delivers_every_op_to_every_other_member_and_converges() {
        JsonNode r = run("fanout", "--rooms", "3", "--members", "3", "--interval-ms", "20", "--duration", "1.5",
                "--warmup", "0.5", "--pid", Long.toString(ProcessHandle.current().pid()));
        assertClean(r, 3);
        assertTrue(r.get("opsSent").asLong() > 100, "ops were sent: " + r);
        assertEquals(r.get("opsSent").asLong() * 2, r.get("deliveriesExpected").asLong());
        assertEquals(r.get("deliveriesExpected").asLong(), r.get("deliveriesReceived").asLong());
        assertTrue(r.get("e2eP50Ms").asDouble() > 0, "latency was measured: " + r);
        assertTrue(r.get("serverCpuS").asDouble() > 0, "CPU was read from /proc: " + r);
        assertTrue(r.get("serverPeakRssMb").asDouble() > 0, "RSS was read from /proc: " + r);
    }

    @Test
    void fanout_at_cursors_on_a_seeded_document_converges() {
        JsonNode r = run("fanout", "--rooms", "2", "--members", "2", "--duration", "1", "--warmup", "0.2",
                "--doc-chars", "120000", "--at", "cursor");
        assertClean(r, 2);
        assertEquals("cursor", r.get("at").asText());
    }

    @Test
    void saturate_steps_up_the_load() {
        JsonNode r = run("saturate", "--rooms", "4", "--members", "3", "--start-rate", "300", "--factor", "2",
                "--step-duration", "1", "--warmup", "0.3", "--initial-warmup", "0.3", "--max-steps", "2",
                "--p99-ms", "10000");
        assertClean(r, 4);
        assertEquals(2, r.get("steps").size(), "both steps held at a generous bound: " + r);
        assertTrue(r.get("sustainedDeliveriesPerSec").asDouble() > 0, r.toString());
    }

    @Test
    void idle_joins_every_connection() {
        JsonNode r = run("idle", "--connections", "60", "--members", "6", "--hold", "0.2");
        assertClean(r, 10);
        assertEquals(60, r.get("connections").asInt());
        assertTrue(r.get("serverConnections").asInt() >= 60, r.toString());
    }

    @Test
    void bigroom_reaches_every_member() {
        JsonNode r = run("bigroom", "--members", "40", "--typists", "4", "--interval-ms", "50", "--duration", "1",
                "--warmup", "0.2");
        assertClean(r, 1);
        assertEquals(r.get("opsSent").asLong() * 39, r.get("deliveriesReceived").asLong());
        assertEquals(35, r.get("followers").asInt(), "the 36 listeners but one follow a witness: " + r);
    }

    private static void assertClean(JsonNode r, int rooms) {
        assertEquals(0, r.get("errors").asLong(), "errors: " + r);
        assertTrue(r.get("drained").asBoolean(), "every op landed: " + r);
        assertEquals(rooms, r.get("convergedRooms").asInt(), "converged: " + r);
    }

    private static JsonNode run(String... args) {
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--url";
        full[args.length + 1] = server.http("").toString();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LoadGen.run(full, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).trim().split("\n");
        try {
            return JSON.readTree(lines[lines.length - 1]);
        } catch (Exception e) {
            throw new AssertionError("the last line is not JSON: " + lines[lines.length - 1], e);
        }
    }
}
