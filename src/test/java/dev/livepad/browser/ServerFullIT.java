package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * A server whose rooms hold as much text as its memory budget allows answers inserts with
 * {@code unavailable} ("resend later with the same id"). The page keeps the edit, says so calmly,
 * lets the user type on, and sends everything once the server has room again.
 */
class ServerFullIT {
    private static final int BIG = 120_000; // 240 KB of text and as much history: past a 400 KB budget

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void an_insert_the_server_cannot_hold_now_is_kept_and_sent_once_memory_is_freed() {
        Chromium.requireInstalled();
        try (TestServer server = TestServer.start("MEMORY_BUDGET_BYTES", "400000");
             WsClient filler = server.connect();
             Browser page = Chromium.launch("page", 1000, 800)) {
            String owner = server.createRoom("full");
            page.openRoom(server.http("/"), "full", owner, "Ada");
            page.waitConnected();

            filler.send(WsClient.message("join").put("room", "full").put("token", owner).put("name", "Filler"));
            filler.nextOfType("joined");
            filler.send(op(0, "fill", "f".repeat(BIG)));
            assertEquals(1, filler.next(m -> m.path("type").asText().matches("ack|error")).path("rev").asInt());
            page.await(p -> p.text().length() == BIG, () -> "the big text in the page");

            page.caretToStart();
            page.type("kept ");
            page.await(p -> notices(p, "notice-warning").stream().anyMatch(n -> n.getText().contains("kept")),
                    () -> "a warning that the edit is kept, has " + noticeTexts(page));
            page.type("and more"); // typing goes on while the server is full
            String typed = "kept and more";
            page.await(p -> p.text().equals(typed + "f".repeat(BIG)), () -> "every keystroke kept in the editor");
            assertTrue(notices(page, "notice-error").isEmpty(), () -> "no error: " + noticeTexts(page));
            assertFalse(page.byId("recovered").isDisplayed(), "nothing to recover: the edit was not refused");
            assertEquals("f".repeat(BIG), server.get("/api/rooms/full/text", owner).body(), "the server is still full");

            filler.send(op(1, "free", -BIG)); // deleting text goes on, and frees the budget
            JsonNode freed = filler.next(m -> m.path("type").asText().matches("ack|error"));
            assertEquals("ack", freed.path("type").asText(), freed::toString);

            // The backoff doubles from 1 s, so the next retry may be up to ~20 s away by now.
            page.await(
                    Duration.ofSeconds(60),
                    p -> typed.equals(server.get("/api/rooms/full/text", owner).body()),
                    () -> "the typed text on the server, has '"
                            + abbreviated(
                                    server.get("/api/rooms/full/text", owner).body()) + "'");
            page.await(p -> "synchronized".equals(p.debugState("state")), () -> "synchronized");
            assertEquals(typed, page.text());
        }
    }

    private static ObjectNode op(long rev, String id, Object... components) {
        ObjectNode message = WsClient.message("op").put("room", "full").put("rev", rev).put("id", id);
        var op = message.putArray("op");
        for (Object c : components) {
            if (c instanceof Integer n) {
                op.add(n);
            } else {
                op.add((String) c);
            }
        }
        return message;
    }

    private static List<WebElement> notices(Browser page, String level) {
        return page.driver().findElements(By.cssSelector("[data-testid='notice']." + level));
    }

    private static List<String> noticeTexts(Browser page) {
        return page.driver().findElements(By.cssSelector("[data-testid='notice']")).stream()
                .map(n -> n.getAttribute("class") + ": " + n.getText()).toList();
    }

    private static String abbreviated(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "… (" + text.length() + " units)" : text;
    }
}
