package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.livepad.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The whole flow with the keyboard alone (issue 17): create a room, type, copy the owner link, mint
 * an invite, download the text and delete the room, moving only with Tab and pressing only Enter.
 * The one exception is the browser's own confirmation before deleting, answered through WebDriver
 * as Enter would.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeyboardFlowIT {
    private static final int MAX_TABS = 60;
    private static TestServer server;

    @BeforeAll
    static void startServer() {
        Chromium.requireInstalled();
        server = TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"390, 844", "1280, 800"})
    void create_type_copy_invite_download_and_delete_with_the_keyboard_only(int width, int height) throws IOException {
        String room = "keys-" + width;
        try (Browser page = Screens.launch("page", width, height)) {
            page.open(server.http("/"));
            page.await(p -> "create-room".equals(activeId(p)), () -> "the room name field focused on arrival");
            keys(page, room);
            tabTo(page, "#create-submit");
            keys(page, Keys.ENTER);
            page.waitConnected();
            page.await(p -> "editor".equals(activeId(p)), () -> "the editor focused once in the room");
            keys(page, "typed with keys");
            page.await(p -> "synchronized".equals(p.debugState("state")), () -> "the text saved");

            if (page.byId("share-toggle").isDisplayed()) { // phones: the share panel folds away
                tabTo(page, "#share-toggle");
                keys(page, Keys.ENTER);
            }
            tabTo(page, "[data-copy='owner-link']");
            keys(page, Keys.ENTER);
            page.await(p -> "Copied".equals(page.driver().switchTo().activeElement().getText()), () -> "'Copied'");

            tabTo(page, "#invite-submit");
            keys(page, Keys.ENTER);
            page.await(p -> !p.driver().findElements(By.cssSelector("[data-testid='invite-link']")).isEmpty(),
                    () -> "an invite link");

            tabTo(page, "#download");
            keys(page, Keys.ENTER);
            Path file = page.downloads().resolve(room + ".txt");
            page.await(p -> Files.exists(file), () -> room + ".txt downloaded");
            page.await(p -> read(file).equals("typed with keys"), () -> "the typed text in the file");

            tabTo(page, "#delete-room");
            keys(page, Keys.ENTER);
            page.driver().switchTo().alert().accept();
            page.await(p -> p.byId("fatal").isDisplayed() && p.byId("fatal-message").getText().contains("deleted"),
                    () -> "the room deleted");
            assertTrue(!page.editor().isDisplayed(), "and its editor with it");
        }
    }

    private static void keys(Browser page, CharSequence... keys) {
        page.driver().switchTo().activeElement().sendKeys(keys);
    }

    /** Presses Tab until the element matching {@code selector} has the focus; fails after MAX_TABS. */
    private static void tabTo(Browser page, String selector) {
        List<String> path = new ArrayList<>();
        for (int i = 0; i < MAX_TABS; i++) {
            if ((Boolean) page.script(
                    "return !!document.activeElement && document.activeElement.matches(arguments[0]);", selector)) {
                assertTrue(
                        page.driver().switchTo().activeElement().isDisplayed(), selector + " is visible when focused");
                return;
            }
            keys(page, Keys.TAB);
            path.add(activeId(page));
        }
        fail(selector + " not reached with " + MAX_TABS + " presses of Tab; focus went " + path);
    }

    private static String activeId(Browser page) {
        return (String)
                page.script("const a = document.activeElement;return a ? (a.id || a.tagName + (a.textContent ? ':' +"
                        + " a.textContent.trim().slice(0, 20) : '')) : null;");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
