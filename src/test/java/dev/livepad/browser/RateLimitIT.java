package dev.livepad.browser;

import dev.livepad.testing.TestServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

/** A server with a tiny message budget drops some of the client's ops; the client says so and resends them. */
class RateLimitIT {
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void ops_dropped_by_the_rate_limit_are_resent_and_nothing_is_lost() {
        Chromium.requireInstalled();
        try (TestServer server = TestServer.start("RATE_LIMIT_PER_SECOND", "3", "RATE_LIMIT_BURST", "3");
             Browser page = Chromium.launch("page", 1000, 800)) {
            String owner = server.createRoom("limited");
            page.openRoom(server.http("/"), "limited", owner, "Speedy");
            page.waitConnected();
            page.editor().click();
            String typed = "a burst of typing far faster than three messages a second";
            for (int i = 0; i < typed.length(); i += 2) {
                page.type(typed.substring(i, Math.min(typed.length(), i + 2)));
            }
            page.await(
                    p -> p.driver().findElements(By.cssSelector("[data-testid='notice']")).stream()
                            .anyMatch(n -> n.getText().contains("faster than the server accepts")),
                    () -> "a rate-limit notice");
            page.await(
                    p -> typed.equals(
                            server.get("/api/rooms/limited/text", owner).body()),
                    () -> "every character on the server, has '"
                            + server.get("/api/rooms/limited/text", owner).body() + "'");
            page.await(p -> "synchronized".equals(p.debugState("state")), () -> "synchronized");
        }
    }
}
