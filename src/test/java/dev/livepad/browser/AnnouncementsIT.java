package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Screen readers hear, politely and once, that the connection was lost and came back, and who
 * joined or left the room (issue 17), through one live region rather than the ticking status pill.
 */
class AnnouncementsIT {
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void connection_changes_and_remote_joins_are_announced_politely() {
        Chromium.requireInstalled();
        try (TestServer server = TestServer.start(); Browser page = Screens.launch("page", 390, 844)) {
            String owner = server.createRoom("heard");
            page.openRoom(server.http("/"), "heard", owner, "Ada");
            page.waitConnected();
            assertEquals("polite", page.byTestId("announcer").getDomAttribute("aria-live"));
            assertEquals("status", page.byTestId("announcer").getDomAttribute("role"));
            expectAnnounced(page, "Connected to the room.");

            try (WsClient lin = server.connect()) {
                lin.send(WsClient.message("join")
                        .put("room", "heard")
                        .put("token", server.mint("heard", owner, "editor"))
                        .put("name", "Lin"));
                lin.nextOfType("joined");
                expectAnnounced(page, "Lin joined the room.");
            }
            expectAnnounced(page, "Lin left the room.");

            page.script("window.livepad.debug.dropConnection(3000);");
            expectAnnounced(page, "Connection lost. Reconnecting; your changes are kept on this page.");
            expectAnnounced(page, "Connected to the room.");
            assertEquals(null, page.byTestId("connection").getDomAttribute("aria-live"),
                    "the pill, which counts down every half second, is not a live region");
        }
    }

    private static void expectAnnounced(Browser page, String message) {
        page.await(
                p -> message.equals(announced(p)), () -> "'" + message + "' announced, has '" + announced(page) + "'");
    }

    private static String announced(Browser page) {
        return (String) page.script("return document.querySelector(\"[data-testid='announcer']\").textContent;");
    }
}
