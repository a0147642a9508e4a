package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.TcpProxy;
import dev.livepad.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Edits that the server has not confirmed survive closing the tab: the page keeps them in the
 * browser (public/js/localcopy.js), a service worker (public/sw.js) lets the room's link open
 * without a network and show them, and once the server is back they are sent under their own ids,
 * applied exactly once.
 *
 * <p>Alice reaches the server only through a {@link TcpProxy}: DevTools' offline emulation tells
 * the page it is offline (so {@code navigator.onLine} and the client's "offline" state are real),
 * but it is not documented to reach the service worker's own fetches or to cut a socket already
 * open, so cutting the proxy as well makes the server truly unreachable for everything alice's
 * browser does. Bob, online throughout, talks to the server directly.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OfflineEditsIT {
    @RegisterExtension
    static final Site site = new Site();

    /** Records every op frame the page sends in {@code window.sentOps}, from before its modules load. */
    private static final String RECORD_OPS = """
            window.sentOps = [];
            const send = WebSocket.prototype.send;
            WebSocket.prototype.send = function (data) {
              if (JSON.parse(data).type === 'op') window.sentOps.push(data);
              return send.call(this, data);
            };
            """;

    private final TestServer server = site.server();
    private final List<Browser> windows = site.windows(1000, 700, "alice", "bob");
    private final Browser alice = windows.get(0);
    private final Browser bob = windows.get(1);
    private TcpProxy link;

    @BeforeEach
    void startLink() throws IOException {
        link = TcpProxy.start("127.0.0.1", server.port());
    }

    @AfterEach
    void closeLink() {
        link.close();
    }

    @Test
    void edits_typed_offline_survive_closing_the_tab_and_reach_everyone_once_when_the_network_returns() {
        String room = "away";
        String owner = server.createRoom(room);
        URI viaLink = URI.create("http://127.0.0.1:" + link.port() + "/");
        joinBoth(room, owner, viaLink, "base");
        alice.await(a -> (Boolean) a.script("return navigator.serviceWorker.controller !== null;"),
                () -> "the service worker in control of alice's page, the client's files cached");

        offline(alice);
        alice.await(a -> a.connection().contains("offline"), () -> "alice offline, says '" + alice.connection() + "'");
        alice.caretToEnd();
        alice.type(" typed offline");
        bob.caretToStart();
        bob.type("bob: ");
        bob.await(b -> "synchronized".equals(b.debugState("state")), () -> "bob's edit stored meanwhile");

        reopenInNewTab(alice, viaLink, room, owner, true);
        alice.await(a -> "base typed offline".equals(a.text()),
                () -> "the reopened page, loaded offline, shows the kept edits; has '" + alice.text() + "'");
        assertTrue(alice.connection().contains("offline"), "still offline: " + alice.connection());
        assertEquals("room", alice.script("return document.body.dataset.view || 'room';"), "the editor, not a notice");
        alice.caretToEnd();
        alice.type(" and more");
        alice.driver().navigate().refresh(); // a reload, still offline, keeps those too
        alice.await(a -> "base typed offline and more".equals(a.text()),
                () -> "the reloaded page shows every kept edit; has '" + alice.text() + "'");

        online(alice);
        String expected = "bob: base typed offline and more";
        awaitEverywhere(room, owner, expected);
    }

    @Test
    void an_op_whose_ack_was_lost_before_the_tab_closed_is_applied_once_and_then_nothing_is_resent() {
        String room = "lostack";
        String owner = server.createRoom(room);
        joinBoth(room, owner, server.http("/"), "abc");

        alice.caretToEnd();
        alice.script("window.livepad.debug.dropAfterNextSend(600000);");
        alice.type("X");
        alice.await(a -> a.connection().contains("reconnecting"), () -> "the socket dropped right after sending X");
        assertEquals("awaiting-confirm", alice.debugState("state"), "X is unconfirmed");
        bob.await(b -> "abcX".equals(b.text()), () -> "the server applied X, whose ack alice never got");
        alice.type("Y");

        reopenInNewTab(alice, server.http("/"), room, owner, false);
        awaitEverywhere(room, owner, "abcXY");

        // Everything is acknowledged and kept as such: opening the room again sends no op at all.
        alice.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD_OPS));
        alice.driver().navigate().refresh();
        alice.waitConnected();
        bob.caretToEnd();
        bob.type("!");
        alice.await(a -> "abcXY!".equals(a.text()), () -> "alice follows bob after the reload");
        assertEquals(List.of(), alice.script("return window.sentOps;"), "nothing sent again");
        assertEquals("abcXY!", server.get("/api/rooms/" + room + "/text", owner).body());
    }

    @Test
    void of_two_tabs_opened_after_one_closed_offline_only_one_takes_its_edits() {
        String room = "twotabs";
        String owner = server.createRoom(room);
        URI viaLink = URI.create("http://127.0.0.1:" + link.port() + "/");
        joinBoth(room, owner, viaLink, "base");
        alice.await(a -> (Boolean) a.script("return navigator.serviceWorker.controller !== null;"),
                () -> "the service worker in control of alice's page");
        offline(alice);
        alice.await(a -> a.connection().contains("offline"), () -> "alice offline");
        alice.caretToEnd();
        alice.type(" kept");

        reopenInNewTab(alice, viaLink, room, owner, true);
        alice.await(a -> "base kept".equals(a.text()), () -> "the first tab opened takes the kept edits");
        ChromeDriver driver = alice.driver();
        String first = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        network(alice, false);
        alice.openRoom(viaLink, room, owner, "Alice");
        alice.await(a -> "unreachable".equals(a.script("return document.body.dataset.view;")),
                () -> "the second tab, with no copy of its own to show, waits for the server");
        assertEquals("", alice.text(), "it did not take the first tab's edits too");

        online(alice);
        String second = driver.getWindowHandle();
        alice.await(a -> "base".equals(a.text()), () -> "the second tab joins, without the first tab's edits");
        driver.switchTo().window(first);
        network(alice, true);
        awaitEverywhere(room, owner, "base kept");
        driver.switchTo().window(second);
        alice.await(a -> "base kept".equals(a.text()), () -> "the second tab receives them once");
    }

    @Test
    void edits_kept_for_a_deleted_room_never_reach_a_new_room_of_the_same_name() {
        String room = "reborn";
        String first = server.createRoom(room);
        joinBoth(room, first, server.http("/"), "old");
        alice.caretToEnd();
        alice.script("window.livepad.debug.dropConnection(600000);");
        alice.await(a -> a.connection().contains("reconnecting"), () -> "alice cut off");
        alice.type(" unsent");
        assertEquals(204, server.delete("/api/rooms/" + room, first).status());
        String second = server.createRoom(room);

        reopenInNewTab(alice, server.http("/"), room, second, false);
        alice.waitConnected();
        alice.await(a -> Long.valueOf(1).equals(a.script("return Object.keys(localStorage)"
                        + ".filter((k) => k.startsWith('livepad.copy.reborn.')).length;")),
                () -> "one copy of the room left, the new one's");
        assertEquals("", alice.text(), "the new room starts empty");
        assertFalse(alice.byId("recovered").isDisplayed(), "nothing offered back from the deleted room");
        alice.editor().click();
        alice.type("new");
        awaitServerText(room, second, "new");
    }

    /** Alice (through {@code aliceBase}) as owner types {@code seed}; Bob joins with an editor invite. */
    private void joinBoth(String room, String owner, URI aliceBase, String seed) {
        alice.openRoom(aliceBase, room, owner, "Alice");
        alice.waitConnected();
        alice.editor().click();
        alice.type(seed);
        awaitServerText(room, owner, seed);
        bob.openRoom(server.http("/"), room, server.mint(room, owner, "editor"), "Bob");
        bob.waitConnected();
        bob.await(b -> b.text().equals(seed), () -> "bob starts from the seed text");
    }

    /**
     * Closes the window's tab as a person would, after opening a new one in the same browser (same
     * profile, so the same storage and service worker), where the room's link is then opened again;
     * {@code offline} keeps the new tab offline from its first request.
     */
    private static void reopenInNewTab(Browser browser, URI base, String room, String token, boolean offline) {
        ChromeDriver driver = browser.driver();
        String closing = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        String opened = driver.getWindowHandle();
        driver.switchTo().window(closing);
        driver.close();
        driver.switchTo().window(opened);
        if (offline) network(browser, false);
        browser.openRoom(base, room, token, "Alice");
    }

    private void offline(Browser browser) {
        network(browser, false);
        link.cut();
    }

    private void online(Browser browser) {
        link.restore();
        network(browser, true);
    }

    /** DevTools' offline switch for the window's current tab. */
    private static void network(Browser browser, boolean online) {
        browser.driver().executeCdpCommand("Network.enable", Map.of());
        browser.driver().executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", !online,
                "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }

    private void awaitEverywhere(String room, String owner, String expected) {
        alice.await(
                a -> expected.equals(a.text()), () -> "alice's text '" + expected + "', has '" + alice.text() + "'");
        bob.await(b -> expected.equals(b.text()), () -> "bob's text '" + expected + "', has '" + bob.text() + "'");
        awaitServerText(room, owner, expected);
        alice.await(a -> "synchronized".equals(a.debugState("state")), () -> "alice synchronized");
    }

    private void awaitServerText(String room, String owner, String expected) {
        alice.await(a -> expected.equals(server.get("/api/rooms/" + room + "/text", owner).body()),
                () -> "the server's text '" + expected + "', has '"
                        + server.get("/api/rooms/" + room + "/text", owner).body() + "'");
    }
}
