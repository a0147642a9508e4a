package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;

/**
 * Two real Chromium windows edit one room on a real server: concurrent typing converges with
 * nothing lost, typing through a dropped connection survives it, and a viewer cannot type.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CollaborationIT {
    @RegisterExtension
    static final Site site = new Site();

    private final TestServer server = site.server();
    private final ExecutorService typists = Executors.newFixedThreadPool(2);
    private final List<Browser> windows = site.windows(1000, 700, "alice", "bob");
    private final Browser alice = windows.get(0);
    private final Browser bob = windows.get(1);

    @AfterEach
    void stopTypists() {
        typists.shutdownNow();
    }

    @Test
    void two_editors_typing_at_once_at_different_places_end_with_the_same_complete_text() throws Exception {
        String room = "together";
        String owner = server.createRoom(room);
        String seed = "--middle--";
        joinBoth(room, owner, server.mint(room, owner, "editor"), seed);

        String fromAlice = "alice types at the start. ";
        String fromBob = " bob types at the end!";
        alice.caretToStart();
        bob.caretToEnd();
        Future<?> a = typists.submit(() -> typeInBursts(alice, fromAlice));
        Future<?> b = typists.submit(() -> typeInBursts(bob, fromBob));
        a.get(60, TimeUnit.SECONDS);
        b.get(60, TimeUnit.SECONDS);

        String expected = fromAlice + seed + fromBob;
        awaitEverywhere(room, owner, expected);
    }

    @Test
    void typing_while_the_connection_is_down_survives_the_reconnect() throws Exception {
        String room = "dropped";
        String owner = server.createRoom(room);
        String seed = "[seed]";
        joinBoth(room, owner, server.mint(room, owner, "editor"), seed);

        alice.caretToEnd();
        bob.caretToStart();
        String before = " online;";
        String during = " typed while offline, every word;";
        String after = " back again.";
        String fromBob = "bob keeps typing meanwhile. ";
        Future<?> b = typists.submit(() -> typeInBursts(bob, fromBob));

        typeInBursts(alice, before);
        alice.script("window.livepad.debug.dropConnection(600000);"); // down until restored below
        alice.await(x -> x.connection().contains("reconnecting"), () -> "'reconnecting' after the drop");
        typeInBursts(alice, during);
        assertTrue(alice.connection().contains("reconnecting"), "still down: " + alice.connection());
        alice.script("window.livepad.debug.restoreConnection();");
        alice.waitConnected();
        typeInBursts(alice, after);
        b.get(60, TimeUnit.SECONDS);

        awaitEverywhere(room, owner, fromBob + seed + before + during + after);
    }

    @Test
    void typing_while_the_browser_is_offline_is_sent_when_the_network_returns() throws Exception {
        String room = "offline";
        String owner = server.createRoom(room);
        joinBoth(room, owner, server.mint(room, owner, "editor"), "<seed>");
        alice.caretToEnd();
        bob.caretToStart();

        network(alice, false);
        alice.await(a -> a.connection().contains("offline"), () -> "'offline' while the network is down");
        typeInBursts(alice, " written offline");
        typeInBursts(bob, "bob online ");
        bob.await(b -> "synchronized".equals(b.debugState("state")), () -> "bob's edits stored");
        assertTrue(alice.connection().contains("offline"), "still offline: " + alice.connection());
        network(alice, true);
        alice.waitConnected();

        awaitEverywhere(room, owner, "bob online <seed> written offline");
    }

    @Test
    void a_large_paste_arrives_whole() {
        String room = "paste";
        String owner = server.createRoom(room);
        joinBoth(room, owner, server.mint(room, owner, "editor"), "[]");
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 100_000; i++) {
            big.append("line ").append(i).append(" \uD83D\uDE00 pasted in one go\n");
        }
        alice.script("const t = document.querySelector(\"[data-testid='editor']\");"
                + "t.focus(); t.setSelectionRange(1, 1); t.setRangeText(arguments[0], 1, 1, 'end');"
                + "t.dispatchEvent(new InputEvent('input', {inputType: 'insertFromPaste'}));", big.toString());
        String expected = "[" + big + "]";
        bob.await(b -> b.text().length() == expected.length(), () -> "bob has all " + expected.length() + " units");
        awaitEverywhere(room, owner, expected);
    }

    @Test
    void an_op_whose_ack_was_lost_in_a_drop_is_resent_with_its_id_and_applied_once() throws Exception {
        String room = "inflight";
        String owner = server.createRoom(room);
        joinBoth(room, owner, server.mint(room, owner, "editor"), "abc");

        alice.caretToEnd();
        alice.script("window.livepad.debug.dropAfterNextSend(600000);");
        alice.type("X");
        alice.await(x -> x.connection().contains("reconnecting"), () -> "the socket dropped right after sending");
        assertEquals("awaiting-confirm", alice.debugState("state"), "X is unconfirmed");
        alice.type("Y");
        alice.script("window.livepad.debug.restoreConnection();");
        alice.waitConnected();

        awaitEverywhere(room, owner, "abcXY");
    }

    @Test
    void a_viewer_sees_the_text_live_but_cannot_type() {
        String room = "readonly";
        String owner = server.createRoom(room);
        String viewerToken = server.mint(room, owner, "viewer");
        alice.openRoom(server.http("/"), room, owner, "Alice");
        bob.openRoom(server.http("/"), room, viewerToken, "Vera");
        alice.waitConnected();
        bob.waitConnected();
        alice.editor().click();
        alice.type("only alice writes");
        bob.await(b -> b.text().equals("only alice writes"), () -> "the viewer sees alice's text");

        assertEquals("true", bob.editor().getDomAttribute("readonly"));
        assertTrue(bob.byId("viewer-banner").isDisplayed(), "the page says it is read-only");
        assertTrue(bob.byId("viewer-banner").getText().contains("Read-only"));
        assertTrue(alice.members().contains("Vera"), "the owner sees the viewer: " + alice.members());
        bob.editor().click();
        bob.type("zzz");
        alice.type(".");
        bob.await(b -> b.text().equals("only alice writes."), () -> "the viewer's page keeps following alice");
        assertFalse(bob.text().contains("z"));
        assertEquals("only alice writes.", server.get("/api/rooms/" + room + "/text", owner).body());
    }

    @Test
    void undo_takes_back_only_your_own_typing() {
        String room = "undo";
        String owner = server.createRoom(room);
        joinBoth(room, owner, server.mint(room, owner, "editor"), "[shared]");
        alice.caretToStart();
        alice.type("alice was here ");
        bob.await(b -> b.text().equals("alice was here [shared]"), () -> "bob sees alice's words");
        bob.caretToEnd();
        bob.type(" bob too");
        alice.await(a -> a.text().equals("alice was here [shared] bob too"), () -> "alice sees bob's words");

        alice.editor().sendKeys(Keys.chord(Keys.CONTROL, "z"));
        awaitEverywhere(room, owner, "[shared] bob too");
        alice.editor().sendKeys(Keys.chord(Keys.CONTROL, Keys.SHIFT, "z"));
        awaitEverywhere(room, owner, "alice was here [shared] bob too");
    }

    /** Alice joins as owner, Bob with an editor invite; the room starts with {@code seed}. */
    private void joinBoth(String room, String owner, String editor, String seed) {
        alice.openRoom(server.http("/"), room, owner, "Alice");
        alice.waitConnected();
        alice.editor().click();
        alice.type(seed);
        awaitServerText(room, owner, seed);
        bob.openRoom(server.http("/"), room, editor, "Bob");
        bob.waitConnected();
        bob.await(b -> b.text().equals(seed), () -> "bob starts from the seed text");
        alice.await(a -> a.members().contains("Bob"), () -> "alice sees bob in the member list");
    }

    /** Takes a window's network away or gives it back, as DevTools' offline switch does. */
    private static void network(Browser browser, boolean online) {
        browser.driver().executeCdpCommand("Network.enable", Map.of());
        browser.driver().executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", !online,
                "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }

    /** Types a few keys at a time, as a person would, so that both windows' edits interleave. */
    private static void typeInBursts(Browser browser, String text) {
        for (int i = 0; i < text.length(); i += 3) {
            browser.type(text.substring(i, Math.min(text.length(), i + 3)));
        }
    }

    private void awaitEverywhere(String room, String owner, String expected) {
        alice.await(
                a -> a.text().equals(expected), () -> "alice's text '" + expected + "', has '" + alice.text() + "'");
        bob.await(b -> b.text().equals(expected), () -> "bob's text '" + expected + "', has '" + bob.text() + "'");
        awaitServerText(room, owner, expected);
        alice.await(a -> "synchronized".equals(a.debugState("state")), () -> "alice synchronized");
        bob.await(b -> "synchronized".equals(b.debugState("state")), () -> "bob synchronized");
    }

    private void awaitServerText(String room, String owner, String expected) {
        alice.await(a -> expected.equals(server.get("/api/rooms/" + room + "/text", owner).body()),
                () -> "the server's text '" + expected + "', has '"
                        + server.get("/api/rooms/" + room + "/text", owner).body() + "'");
    }
}
