package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.livepad.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The history view (issue 15) in real Chromium windows: Alice and Bob write a room's text in turn;
 * the timeslider opened through {@code data-testid="history"} spans every revision, and moved with
 * the keyboard shows the text at each with every part in the colour, and under the name, of whoever
 * typed it; a restore, confirmed first, brings both windows back to an earlier text; a viewer reads
 * the history but is offered no restore; the editor's Authors toggle colours the live text and
 * follows new typing; and the view fits a phone.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class HistoryIT {
    private static final String FROM_ALICE = "Alice wrote this. ";
    private static final String FROM_BOB = "Bob added that.";
    private static final int MAX_TABS = 20;

    /** The runs of an author-coloured text as [clientId, author, text, computed background] each. */
    private static final String RUNS = """
            return [...document.querySelectorAll(arguments[0] + ' .author-run')].map((run) =>
                [run.dataset.clientId, run.dataset.author, run.textContent, getComputedStyle(run).backgroundColor]);
            """;

    /** The computed form of presence.js's tint for a clientId, for comparing with a run's background. */
    private static final String TINT = """
            const done = arguments[arguments.length - 1];
            import('/js/presence.js').then((presence) => {
              const probe = document.createElement('span');
              probe.style.backgroundColor = presence.colorFor(arguments[0]).tint;
              document.body.append(probe);
              const color = getComputedStyle(probe).backgroundColor;
              probe.remove();
              done(color);
            });
            """;

    @RegisterExtension
    static final Site site = new Site();

    private final TestServer server = site.server();

    @Test
    void the_timeslider_shows_who_wrote_what_at_each_revision_and_a_confirmed_restore_brings_one_back() {
        List<Browser> windows = site.windows(1000, 760, "alice", "bob");
        Browser alice = windows.get(0);
        Browser bob = windows.get(1);
        String room = "timeline";
        String owner = server.createRoom(room);
        long afterAlice = writeInTurn(room, owner, server.mint(room, owner, "editor"), alice, bob);
        long head = revision(bob);
        String aliceId = selfId(alice);
        String bobId = selfId(bob);

        alice.byTestId("history").click();
        WebElement slider = alice.byTestId("history-slider");
        alice.await(a -> slider.isEnabled() && isFocused(a, "history-slider"), () -> "the slider enabled and focused");
        assertEquals("range", slider.getDomAttribute("type"));
        assertEquals("0", slider.getDomProperty("min"), "the slider starts at the empty document");
        assertEquals(String.valueOf(head), slider.getDomProperty("max"), "the slider ends at the head");
        assertEquals("Revision", alice.driver().findElement(By.cssSelector("label[for='history-slider']")).getText());
        awaitHistoryText(alice, FROM_ALICE + FROM_BOB);
        assertRuns(alice, "#history-text", List.of(
                List.of(aliceId, "Alice", FROM_ALICE), List.of(bobId, "Bob", FROM_BOB)));
        assertEquals(List.of("Alice", "Bob"), legend(alice), "both authors named under the slider");
        assertEquals(memberColor(alice, aliceId), swatch(alice, aliceId), "Alice's colour is her member colour");
        assertEquals(memberColor(alice, bobId), swatch(alice, bobId), "Bob's colour is his member colour");

        slider.sendKeys(Keys.HOME);
        alice.await(a -> "0".equals(slider.getDomProperty("value")), () -> "Home goes to revision 0");
        awaitHistoryText(alice, "");
        for (long rev = 0; rev < afterAlice; rev++) {
            slider.sendKeys(Keys.ARROW_RIGHT);
        }
        awaitHistoryText(alice, FROM_ALICE);
        assertRuns(alice, "#history-text", List.of(List.of(aliceId, "Alice", FROM_ALICE)));
        assertEquals(List.of("Alice"), legend(alice), "only Alice had written anything by then");
        String meta = alice.byTestId("history-meta").getText();
        assertTrue(meta.startsWith("Revision " + afterAlice + " of " + head + ": Alice"), meta);
        assertEquals(meta, slider.getDomAttribute("aria-valuetext"), "the slider says the same to screen readers");

        tabTo(alice, "[data-testid='history-restore']");
        keys(alice, Keys.ENTER);
        alice.await(a -> a.byTestId("restore-dialog").isDisplayed() && isFocused(a, "restore-cancel"),
                () -> "the confirmation, opened on Cancel");
        assertTrue(alice.byTestId("restore-dialog").getText().contains("Restore revision " + afterAlice + "?"));
        keys(alice, Keys.ENTER); // Cancel: nothing happens
        alice.await(a -> !a.byTestId("restore-dialog").isDisplayed(), () -> "the confirmation closed");
        assertEquals(FROM_ALICE + FROM_BOB, bob.text(), "a cancelled restore changes nothing");
        assertEquals(head, revision(bob), "and makes no revision");

        tabTo(alice, "[data-testid='history-restore']");
        keys(alice, Keys.ENTER);
        alice.await(a -> isFocused(a, "restore-cancel"), () -> "the confirmation again");
        keys(alice, Keys.TAB);
        assertTrue(isFocused(alice, "restore-confirm"), "Tab reaches Restore");
        keys(alice, Keys.ENTER);
        alice.await(a -> a.text().equals(FROM_ALICE), () -> "alice's editor back at the restored text");
        bob.await(b -> b.text().equals(FROM_ALICE), () -> "bob's editor back at the restored text");
        alice.await(a -> FROM_ALICE.equals(server.get("/api/rooms/" + room + "/text", owner).body()),
                () -> "the server's text restored");
        assertFalse(alice.byTestId("history-view").isDisplayed(), "the history view closed after the restore");
        alice.await(a -> isFocused(a, "editor"), () -> "the focus back in the editor");
        alice.await(a -> a.byTestId("announcer").getText().contains("Restored revision " + afterAlice),
                () -> "the restore announced");
        bob.caretToEnd();
        bob.type("And on.");
        alice.await(a -> a.text().equals(FROM_ALICE + "And on."), () -> "editing goes on after the restore");

        alice.byTestId("history").click();
        alice.await(a -> isFocused(a, "history-slider"), () -> "the history open again");
        alice.await(a -> String.valueOf(revision(alice)).equals(slider.getDomProperty("max")),
                () -> "the slider reaching the restore and what followed");
        keys(alice, Keys.ESCAPE);
        alice.await(a -> !a.byTestId("history-view").isDisplayed(), () -> "Escape closes the history view");
        assertTrue(isFocused(alice, "history-open"), "the focus back on the History button");
        assertTrue(alice.editor().isDisplayed(), "the editor back in its place");
    }

    @Test
    void a_viewer_reads_the_history_but_is_offered_no_restore() {
        List<Browser> windows = site.windows(1000, 760, "alice", "vera");
        Browser alice = windows.get(0);
        Browser vera = windows.get(1);
        String room = "viewed";
        String owner = server.createRoom(room);
        alice.openRoom(server.http("/"), room, owner, "Alice");
        alice.waitConnected();
        alice.editor().click();
        alice.type(FROM_ALICE);
        alice.await(a -> "synchronized".equals(a.debugState("state")), () -> "alice's text saved");
        vera.openRoom(server.http("/"), room, server.mint(room, owner, "viewer"), "Vera");
        vera.waitConnected();
        vera.await(v -> v.text().equals(FROM_ALICE), () -> "the viewer sees the text");

        vera.byTestId("history").click();
        vera.await(v -> isFocused(v, "history-slider"), () -> "the viewer's history open");
        awaitHistoryText(vera, FROM_ALICE);
        assertRuns(vera, "#history-text", List.of(List.of(selfId(alice), "Alice", FROM_ALICE)));
        vera.byTestId("history-slider").sendKeys(Keys.HOME);
        awaitHistoryText(vera, "");
        assertFalse(vera.byTestId("history-restore").isDisplayed(), "no restore button for a viewer");

        alice.byTestId("history").click();
        alice.await(a -> isFocused(a, "history-slider"), () -> "the owner's history open");
        alice.byTestId("history-slider").sendKeys(Keys.HOME);
        alice.await(a -> a.byTestId("history-restore").isDisplayed() && a.byTestId("history-restore").isEnabled(),
                () -> "the owner is offered the restore");
    }

    @Test
    void the_authors_toggle_colours_the_live_text_and_follows_new_typing() {
        List<Browser> windows = site.windows(1000, 760, "alice", "bob");
        Browser alice = windows.get(0);
        Browser bob = windows.get(1);
        String room = "colours";
        String owner = server.createRoom(room);
        writeInTurn(room, owner, server.mint(room, owner, "editor"), alice, bob);
        String aliceId = selfId(alice);
        String bobId = selfId(bob);

        WebElement toggle = alice.byTestId("authorship-toggle");
        assertEquals("false", toggle.getDomAttribute("aria-pressed"));
        assertTrue(alice.driver().findElements(By.cssSelector("#authorship-layer .author-run")).isEmpty(),
                "no colours until asked for");
        toggle.click();
        assertEquals("true", toggle.getDomAttribute("aria-pressed"));
        awaitRuns(alice, List.of(List.of(aliceId, "Alice", FROM_ALICE), List.of(bobId, "Bob", FROM_BOB)));

        bob.caretToStart();
        bob.type("Bob first. ");
        alice.caretToEnd();
        alice.type(" Alice last.");
        awaitRuns(alice, List.of(List.of(bobId, "Bob", "Bob first. "), List.of(aliceId, "Alice", FROM_ALICE),
                List.of(bobId, "Bob", FROM_BOB), List.of(aliceId, "Alice", " Alice last.")));
        assertEquals(1L, alice.script("return performance.getEntriesByType('resource')"
                + ".filter((e) => e.name.includes('/api/rooms/" + room + "/authors')).length;"),
                "the page asked the server who wrote what once, and followed the typing from there");

        toggle.click();
        assertEquals("false", toggle.getDomAttribute("aria-pressed"));
        alice.await(a -> a.driver().findElements(By.cssSelector("#authorship-layer .author-run")).isEmpty(),
                () -> "the colours gone when switched off");
    }

    @Test
    void the_history_view_fits_a_phone() {
        String room = "pocket";
        String owner = server.createRoom(room);
        try (Browser phone = Screens.launch("phone", 390, 844)) {
            phone.openRoom(server.http("/"), room, owner, "Ada");
            phone.waitConnected();
            phone.editor().click();
            phone.type("on the go");
            phone.await(p -> "synchronized".equals(p.debugState("state")), () -> "the text saved");

            assertTrue(phone.byTestId("history").isDisplayed(), "History is one tap away on a phone");
            phone.byTestId("history").click();
            phone.await(p -> isFocused(p, "history-slider"), () -> "the history open");
            awaitHistoryText(phone, "on the go");
            phone.byTestId("history-slider").sendKeys(Keys.HOME);
            awaitHistoryText(phone, "");
            @SuppressWarnings("unchecked")
            Map<String, Object> fit = (Map<String, Object>) phone.script("""
                    const out = { scrollWidth: document.documentElement.scrollWidth, small: [], outside: [] };
                    for (const el of document.querySelectorAll('#history-view button, #history-view input,'
                        + ' #history-text')) {
                      const r = el.getBoundingClientRect();
                      if (!r.width) continue;
                      if (el.matches('button, input') && (r.width < 44 || r.height < 44)) out.small.push(el.id);
                      if (r.left < 0 || r.right > innerWidth || r.bottom > innerHeight) out.outside.push(el.id);
                    }
                    return out;
                    """);
            assertTrue(((Number) fit.get("scrollWidth")).intValue() <= 390, "no sideways scrolling: " + fit);
            assertEquals(List.of(), fit.get("small"), "touch targets of 44 px at least");
            assertEquals(List.of(), fit.get("outside"), "every part of the view on screen");
        }
    }

    /**
     * Alice (owner) types {@link #FROM_ALICE}, then Bob (editor) appends {@link #FROM_BOB}, each
     * waiting for the other's text. Returns the revision right after Alice's part.
     */
    private long writeInTurn(String room, String owner, String editor, Browser alice, Browser bob) {
        alice.openRoom(server.http("/"), room, owner, "Alice");
        alice.waitConnected();
        alice.editor().click();
        alice.type(FROM_ALICE);
        alice.await(a -> "synchronized".equals(a.debugState("state")) && FROM_ALICE.equals(a.debugState("text")),
                () -> "alice's text saved");
        long afterAlice = revision(alice);
        bob.openRoom(server.http("/"), room, editor, "Bob");
        bob.waitConnected();
        bob.await(b -> b.text().equals(FROM_ALICE), () -> "bob starts from alice's text");
        bob.caretToEnd();
        bob.type(FROM_BOB);
        bob.await(b -> "synchronized".equals(b.debugState("state")), () -> "bob's text saved");
        alice.await(a -> a.text().equals(FROM_ALICE + FROM_BOB), () -> "alice sees bob's text");
        assertTrue(revision(bob) > afterAlice, "bob's typing made revisions");
        return afterAlice;
    }

    private static long revision(Browser browser) {
        return ((Number) browser.debugState("revision")).longValue();
    }

    /** A window's own clientId: the member list names its own page first. */
    private static String selfId(Browser browser) {
        return (String) browser.script("return document.querySelector('#members .member').dataset.clientId;");
    }

    private static void awaitHistoryText(Browser browser, String expected) {
        browser.await(b -> expected.equals(historyText(b))
                        && b.byTestId("history-text").getDomAttribute("aria-busy") == null,
                () -> "the history showing '" + expected + "', not '" + historyText(browser) + "'");
    }

    /** The text the history view shows: its runs (an empty document shows a hint instead). */
    private static String historyText(Browser browser) {
        return (String) browser.script("return [...document.querySelectorAll('#history-text .author-run')]"
                + ".map((r) => r.textContent).join('');");
    }

    /** The runs of `container`, each [clientId, author, text], in order, and each on its author's tint. */
    private static void assertRuns(Browser browser, String container, List<List<String>> expected) {
        assertEquals(expected, runs(browser, container, true), "who wrote what in " + container);
    }

    private static void awaitRuns(Browser browser, List<List<String>> expected) {
        browser.await(b -> expected.equals(runs(b, "#authorship-layer", false)),
                () -> "the editor coloured as " + expected + ", has " + runs(browser, "#authorship-layer", false));
        runs(browser, "#authorship-layer", true);
    }

    /** The runs as [clientId, author, text]; with `checkTints`, fails unless each is on its author's tint. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> runs(Browser browser, String container, boolean checkTints) {
        List<List<String>> runs = new ArrayList<>();
        for (Object item : (List<Object>) browser.script(RUNS, container)) {
            List<String> run = (List<String>) item;
            if (checkTints) {
                Object tint = browser.driver().executeAsyncScript(TINT, run.get(0));
                assertEquals(tint, run.get(3), run.get(1) + "'s run '" + run.get(2) + "' is on " + run.get(1)
                        + "'s tint");
            }
            runs.add(List.of(run.get(0), run.get(1), run.get(2)));
        }
        return runs;
    }

    @SuppressWarnings("unchecked")
    private static List<String> legend(Browser browser) {
        return (List<String>) browser.script(
                "return [...document.querySelectorAll('#history-authors li')].map((li) => li.dataset.author);");
    }

    private static String swatch(Browser browser, String clientId) {
        return (String) browser.script("return getComputedStyle(document.querySelector(`#history-authors"
                + " li[data-client-id='${arguments[0]}'] .history-swatch`)).backgroundColor;", clientId);
    }

    private static String memberColor(Browser browser, String clientId) {
        return (String) browser.script("return getComputedStyle(document.querySelector("
                + "`#members li[data-client-id='${arguments[0]}'] .member-dot`)).backgroundColor;", clientId);
    }

    private static boolean isFocused(Browser browser, String id) {
        return (Boolean) browser.script(
                "return !!document.activeElement && document.activeElement.id === arguments[0];", id);
    }

    private static void keys(Browser browser, CharSequence... keys) {
        browser.driver().switchTo().activeElement().sendKeys(keys);
    }

    /** Presses Tab until the element matching {@code selector} has the focus; fails after MAX_TABS. */
    private static void tabTo(Browser browser, String selector) {
        for (int i = 0; i < MAX_TABS; i++) {
            if ((Boolean) browser.script(
                    "return !!document.activeElement && document.activeElement.matches(arguments[0]);", selector)) {
                return;
            }
            keys(browser, Keys.TAB);
        }
        fail(selector + " not reached with " + MAX_TABS + " presses of Tab");
    }
}
