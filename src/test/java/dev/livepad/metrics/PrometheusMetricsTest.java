package dev.livepad.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.Promtool;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a real server on SQLite: Prometheus's own linter accepts it, and the values
 * move with the traffic a real WebSocket client drives.
 */
@Timeout(60)
class PrometheusMetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");

    @TempDir
    Path dataDir;
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start("STORE", "sqlite", "DATA_DIR", dataDir.toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void promtool_finds_nothing_to_lint_in_the_exposition() throws Exception {
        drive(); // so histograms and labelled counters have samples too
        String scrape = scrape();
        Files.writeString(dataDir.resolve("scrape.txt"), scrape);
        Promtool.Result lint = Promtool.run(scrape, "check", "metrics");
        assertTrue(lint.ok(), () -> "promtool check metrics:\n" + lint.output());
    }

    @Test
    void traffic_moves_the_counters_and_histograms() {
        Map<String, Double> before = samples(scrape());
        assertEquals(1.0, before.get("livepad_ready"));
        assertEquals(0.0, before.get("livepad_draining"));
        assertEquals(0.0, before.get("livepad_op_ack_seconds_count"));

        drive();

        Map<String, Double> after = samples(scrape());
        assertEquals(2.0, after.get("livepad_connections_opened_total"), "two sockets opened");
        assertEquals(2.0, after.get("livepad_connections_closed_total{code=\"1000\"}"), "both closed normally");
        assertEquals(0.0, after.get("livepad_closes_sent_total{code=\"1000\"}"), "by the client");
        assertEquals(0.0, after.get("livepad_connections"));
        assertEquals(1.0, after.get("livepad_upgrades_rejected_total{reason=\"forbidden\"}"), "the foreign origin");
        assertEquals(2.0, after.get("livepad_joins_total"));
        assertEquals(2.0, after.get("livepad_leaves_total"), "one leave, one disconnect");
        assertEquals(5.0, after.get("livepad_ops_applied_total"));
        assertEquals(1.0, after.get("livepad_errors_total{code=\"bad_op\"}"));
        assertEquals(0.0, after.get("livepad_errors_total{code=\"bad_rev\"}"));
        assertEquals(5.0, after.get("livepad_op_ack_seconds_count"), "one ack per op");
        assertEquals(5.0, after.get("livepad_op_ack_seconds_bucket{le=\"+Inf\"}"));
        assertTrue(after.get("livepad_op_ack_seconds_sum") > 0);
        assertTrue(after.get("livepad_store_commit_seconds_count") >= 1, "commits were timed");
        assertTrue(after.get("livepad_store_commit_ops_sum") >= 5, "every op was in a timed commit");
        assertEquals(0.0, after.get("livepad_store_failures_total"));
        assertTrue(after.get("livepad_messages_received_total") >= 9, "two joins, five ops, a bad op, a leave");
        assertTrue(after.get("livepad_received_bytes_total") > 200);
        assertTrue(after.get("livepad_messages_sent_total") >= 12, "joined x2, acks, broadcasts, presence, error");
        assertTrue(after.get("livepad_sent_bytes_total") > after.get("livepad_messages_sent_total") * 20);
        assertTrue(after.get("jvm_memory_used_bytes{area=\"heap\",id=\"Tenured Gen\"}") != null
                || after.keySet().stream().anyMatch(name -> name.startsWith("jvm_memory_used_bytes{")));
    }

    @Test
    void a_draining_server_reports_itself_unready() {
        server.drain();
        Map<String, Double> now = samples(scrape());
        assertEquals(0.0, now.get("livepad_ready"));
        assertEquals(1.0, now.get("livepad_draining"));
    }

    /**
     * A refused upgrade, two members of one room, five acked ops, one bad op, a leave, and both
     * sockets closed normally.
     */
    private void drive() {
        assertThrows(RuntimeException.class, () -> WsClient.connect(server.ws(), "https://elsewhere.example"));
        String owner = server.createRoom("metrics");
        try (WsClient alice = server.connect(); WsClient bob = server.connect()) {
            join(alice, owner);
            join(bob, owner);
            for (int rev = 0; rev < 5; rev++) {
                String op = rev == 0 ? "[\"x\"]" : "[" + rev + ",\"x\"]"; // append an x
                alice.sendRaw("{\"type\":\"op\",\"room\":\"metrics\",\"rev\":" + rev + ",\"id\":\"a" + rev
                        + "\",\"op\":" + op + "}");
                JsonNode ack = alice.next(m -> "ack".equals(m.path("type").asText())
                        || "error".equals(m.path("type").asText()));
                assertEquals(rev + 1, ack.path("rev").asLong(), ack::toString);
            }
            alice.sendRaw("{\"type\":\"op\",\"room\":\"metrics\",\"rev\":5,\"id\":\"bad\",\"op\":[99]}");
            assertEquals("bad_op", alice.next(m -> "error".equals(m.path("type").asText())).get("code").asText());
            bob.send(WsClient.message("leave").put("room", "metrics"));
            bob.next(m -> "left".equals(m.path("type").asText()));
        }
        awaitConnections(0);
    }

    private static void join(WsClient client, String token) {
        client.send(WsClient.message("join").put("room", "metrics").put("token", token));
        JsonNode joined = client.next(m -> "joined".equals(m.path("type").asText())
                || "error".equals(m.path("type").asText()));
        assertEquals("joined", joined.get("type").asText(), joined::toString);
    }

    private void awaitConnections(int count) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.status().get("connections").asInt() != count) {
            assertTrue(System.nanoTime() < deadline, "connections never came to " + count);
            Thread.onSpinWait();
        }
    }

    private String scrape() {
        ApiClient.Response response = server.get("/metrics", null);
        assertEquals(200, response.status());
        assertTrue(response.contentType().startsWith("text/plain"), response.contentType());
        return response.body();
    }

    /** Every sample, by name and labels as written ({@code name{a="b"}}). */
    private static Map<String, Double> samples(String exposition) {
        Map<String, Double> samples = new HashMap<>();
        Matcher matcher = SAMPLE.matcher(exposition);
        while (matcher.find()) {
            samples.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
        return samples;
    }
}
