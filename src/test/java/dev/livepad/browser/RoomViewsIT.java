package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.auth.TokenService;
import dev.livepad.protocol.Role;
import dev.livepad.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;

/**
 * A room page that cannot work says so and shows the way forward, instead of an editor that takes
 * no text and a Download button with nothing to download (issue 17). At a phone's size, where a
 * dead editor under a message is what people met first.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RoomViewsIT {
    private static TestServer server;
    private Browser page;

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

    @BeforeEach
    void launch() {
        page = Screens.launch("page", 390, 844);
    }

    @AfterEach
    void close() {
        page.close();
    }

    @Test
    void a_damaged_link_shows_its_message_and_the_start_page_but_no_editor() {
        server.createRoom("damaged");
        page.openRoom(server.http("/"), "damaged", "not-a-token", "Eve");
        expectFailedView("not valid", "new link");
    }

    @Test
    void an_expired_link_shows_its_message_and_the_start_page_but_no_editor() {
        server.createRoom("expired");
        Clock twoDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC);
        String stale = new TokenService(TestServer.SECRET, twoDaysAgo).mint("expired", "any", Role.EDITOR,
                Duration.ofHours(1));
        page.openRoom(server.http("/"), "expired", stale, "Eve");
        expectFailedView("expired", "new invite link");
    }

    @Test
    void a_link_to_a_deleted_room_shows_its_message_and_the_start_page_but_no_editor() {
        String owner = server.createRoom("gone");
        server.delete("/api/rooms/gone", owner);
        page.openRoom(server.http("/"), "gone", owner, "Eve");
        expectFailedView("deleted", "");
    }

    @Test
    void a_room_deleted_while_open_offers_the_text_to_download_instead_of_a_dead_editor() {
        String owner = server.createRoom("doomed");
        page.openRoom(server.http("/"), "doomed", server.mint("doomed", owner, "editor"), "Eve");
        page.waitConnected();
        page.editor().click();
        page.type("last words");
        page.await(p -> "last words".equals(server.get("/api/rooms/doomed/text", owner).body()), () -> "text stored");
        server.delete("/api/rooms/doomed", owner);
        expectFailedView("deleted", "download");
        assertTrue(page.byId("fatal-download").isDisplayed(), "the way forward: download the text this page had");
    }

    @Test
    void a_server_that_cannot_be_reached_is_said_so_with_a_retry_and_the_room_opens_once_it_answers() {
        String owner = server.createRoom("far");
        // The page itself loads, but its WebSockets are refused (sent to a path with no socket behind it)
        // and so is the HTTP fallback's event stream, until the flag is cleared. Same origin: the page's
        // Content-Security-Policy lets no socket go elsewhere.
        page.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                window.serverDown = true;
                const RealWebSocket = window.WebSocket;
                window.WebSocket = class extends RealWebSocket {
                  constructor(url, protocols) { super(window.serverDown ? url + '-nowhere' : url, protocols); }
                };
                const realFetch = window.fetch;
                window.fetch = (input, init) => window.serverDown && String(input).includes('/api/rooms/')
                    ? Promise.reject(new TypeError('Failed to fetch')) : realFetch(input, init);
                """));
        page.openRoom(server.http("/"), "far", owner, "Ada");
        page.await(p -> p.byId("unreachable").isDisplayed(), () -> "the 'cannot be reached' view, has connection '"
                + page.connection() + "'");
        assertTrue(
                page.byId("unreachable").getText().contains("cannot be reached"),
                page.byId("unreachable").getText());
        assertNothingThatCannotWork();
        WebElement retry = page.byId("unreachable-retry");
        assertTrue(retry.isDisplayed(), "a way to try again now");

        page.script("window.serverDown = false;");
        try {
            retry.click();
        } catch (WebDriverException e) {
            // the page's own retry got there first, and the button is gone
        }
        // Over a WebSocket or, if the page's next try was its HTTP fallback, over that: either way, in.
        page.await(p -> p.connection().startsWith("connected"), () -> "connected after 'Try again now'");
        assertFalse(page.byId("unreachable").isDisplayed(), "the view is gone once the room is open");
        assertTrue(page.editor().isDisplayed(), "and the editor is there");
        assertTrue(page.byTestId("download").isDisplayed(), "with Download");
    }

    private void expectFailedView(String message, String wayForward) {
        page.await(p -> p.byId("fatal").isDisplayed() && p.byId("fatal-message").getText().contains(message),
                () -> "a message containing '" + message + "', has '" + page.byId("fatal").getText() + "'");
        String shown = page.byId("fatal").getText();
        assertTrue(shown.contains(wayForward), "the way forward (" + wayForward + "): " + shown);
        WebElement start = page.byId("fatal").findElement(By.cssSelector("a[href='/']"));
        assertTrue(start.isDisplayed(), "a link to the start page");
        assertNothingThatCannotWork();
    }

    /** No editor, no member list or share panel, no Download button of the room's own. */
    private void assertNothingThatCannotWork() {
        for (String id : List.of("editor", "download", "members")) {
            assertFalse(page.byTestId(id).isDisplayed(), id + " is not shown");
        }
        assertFalse(page.byId("members-toggle").isDisplayed(), "nor the People toggle");
        assertEquals(List.of(), page.driver().findElements(By.cssSelector("#room textarea, #room input"))
                .stream().filter(WebElement::isDisplayed).map(e -> e.getAttribute("id")).toList(), "no text fields");
    }
}
