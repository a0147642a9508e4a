package dev.livepad.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.livepad.testing.ApiClient.Response;
import dev.livepad.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Liveness and readiness, as the contract's "Health" section says. */
@Timeout(30)
class HealthTest {

    @Test
    void a_running_server_is_alive_and_ready_until_a_shutdown_begins(@TempDir Path dataDir) {
        try (TestServer server = TestServer.start("STORE", "sqlite", "DATA_DIR", dataDir.toString())) {
            assertEquals(200, server.get("/health", null).status());
            Response ready = server.get("/ready", null);
            assertEquals(200, ready.status());
            assertEquals("ready", ready.json().get("status").asText());

            server.drain();
            Response draining = server.get("/ready", null);
            assertEquals(503, draining.status());
            assertEquals("unavailable", draining.json().get("error").asText());
            assertEquals(200, server.get("/health", null).status(), "still alive while draining");
        }
    }
}
