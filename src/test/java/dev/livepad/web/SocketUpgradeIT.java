package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.ChildServer;
import dev.livepad.testing.WsClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SocketUpgrade} keeps idle sockets small by dropping Jetty's kept upgrade request through
 * Jetty internals, behind an {@code instanceof}. A Jetty upgrade that changes them would quietly
 * bring the memory back; this fails instead, on the warning the server logs when a socket it
 * opened still holds the request.
 */
@Timeout(60)
class SocketUpgradeIT {
    @TempDir
    Path dataDir;

    @Test
    void sockets_keep_no_upgrade_request() throws Exception {
        try (ChildServer server = ChildServer.start(dataDir, Map.of("LIVEPAD_TEST_CONNECTION_LOG", "INFO"))) {
            String token = new ApiClient(server.http("")).createRoom("lean");
            try (WsClient client = WsClient.connect(server.ws())) {
                client.send(WsClient.message("join").put("room", "lean").put("token", token));
                JsonNode joined = client.next(m -> !"presence".equals(m.path("type").asText()));
                assertEquals("joined", joined.path("type").asText(), joined::toString);
                // The warning comes before the connection's own "connect" line, so once that is here
                // the check has run.
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (server.output().stream().noneMatch(line -> line.contains(" - connect "))) {
                    assertTrue(System.nanoTime() < deadline, () -> "no connect line in " + server.output());
                    Thread.sleep(20);
                }
                List<String> kept = server.output().stream()
                        .filter(line -> line.contains("keep their upgrade request")).toList();
                assertEquals(List.of(), kept);
            }
        }
    }
}
