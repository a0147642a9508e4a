package dev.livepad.browser;

import dev.livepad.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One real server for a browser test class, started before its first test and stopped after its
 * last. Without Chromium the class is skipped (a failure in CI), before any server starts.
 */
abstract class ServerForBrowsers {
    static TestServer server;

    @BeforeAll
    static void startServer() {
        Chromium.requireInstalled();
        server = TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
