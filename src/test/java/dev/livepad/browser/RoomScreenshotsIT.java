package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;

/**
 * The room page as a phone (390x844) and a desktop (1280x800) show it, with a second member's
 * caret, and its history view with two authors' text. Writes target/screenshots/room-WxH.png and
 * history-WxH.png; {@code -Dlivepad.screenshots=docs} also writes the pictures the README and
 * docs/client.md show (docs/room-390x844.png, docs/room-1280x800.png, docs/history-1280x800.png...).
 */
class RoomScreenshotsIT {
    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"390, 844", "1280, 800"})
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void the_room_page(int width, int height) throws IOException {
        Chromium.requireInstalled();
        try (TestServer server = TestServer.start();
             Browser ada = Screens.launch("ada", width, height);
             WsClient lin = server.connect()) {
            String owner = server.createRoom("launch-plan");
            ada.openRoom(server.http("/"), "launch-plan", owner, "Ada");
            ada.waitConnected();
            lin.send(WsClient.message("join").put("room", "launch-plan")
                    .put("token", server.mint("launch-plan", owner, "editor")).put("name", "Lin"));
            lin.nextOfType("joined");
            ada.editor().click();
            ada.type("Launch plan\n\n1. Freeze the API on Monday\n2. Write the release notes\n"
                    + "3. Ship the desktop build\n\nOpen questions\n- Who announces it?\n");
            ada.await(b -> "synchronized".equals(b.debugState("state")), () -> "the text saved");
            long rev = ((Number) ada.debugState("revision")).longValue();
            int at = ada.text().indexOf("release notes");
            ObjectNode cursor = WsClient.message("cursor").put("room", "launch-plan").put("rev", rev);
            cursor.putArray("ranges").addArray().add(at).add(at + "release notes".length());
            lin.send(cursor);
            ada.await(b -> !b.driver().findElements(By.cssSelector(".remote-caret-label")).isEmpty(),
                    () -> "Lin's selection on the page");
            ada.script("document.activeElement.blur();"); // no focus ring in the picture

            save(ada, "room-" + width + "x" + height + ".png");
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"390, 844", "1280, 800"})
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void the_history_view(int width, int height) throws IOException {
        Chromium.requireInstalled();
        try (TestServer server = TestServer.start();
             Browser ada = Screens.launch("ada", width, height);
             WsClient lin = server.connect()) {
            String owner = server.createRoom("launch-plan");
            ada.openRoom(server.http("/"), "launch-plan", owner, "Ada");
            ada.waitConnected();
            lin.send(WsClient.message("join").put("room", "launch-plan")
                    .put("token", server.mint("launch-plan", owner, "editor")).put("name", "Lin"));
            lin.nextOfType("joined");
            ada.editor().click();
            ada.type("Launch plan\n\n1. Freeze the API on Monday\n2. Write the release notes\n");
            ada.await(b -> "synchronized".equals(b.debugState("state")), () -> "the text saved");
            long rev = ((Number) ada.debugState("revision")).longValue();
            String added = "3. Ship the desktop build (Lin checks the installers)\n";
            ObjectNode op = WsClient.message("op").put("room", "launch-plan").put("rev", rev).put("id", "lin-1");
            op.putArray("op").add(ada.text().length()).add(added);
            lin.send(op);
            ada.await(b -> b.text().endsWith(added), () -> "Lin's line on the page");
            ada.byTestId("history").click();
            ada.await(b -> b.byTestId("history-authors").getText().contains("Lin"), () -> "the history view");
            ada.script("document.activeElement.blur();"); // no focus ring in the picture

            save(ada, "history-" + width + "x" + height + ".png");
        }
    }

    private static void save(Browser browser, String name) throws IOException {
        byte[] png = browser.screenshot();
        Path out = Path.of("target", "screenshots", name);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, png);
        String dir = System.getProperty("livepad.screenshots");
        if (dir != null && !dir.isBlank()) {
            Files.write(Path.of(dir, name), png);
        }
        assertTrue(Files.size(out) > 10_000, "a real picture was written");
    }
}
