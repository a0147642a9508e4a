package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.TestServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * A client away for longer than the history the server keeps cannot have its unconfirmed edits
 * transformed; it shows the server's text, keeps its own version, and re-applies it on request.
 * An op resent from a revision the server has let go, by a client that is itself still within
 * the history, is sent again from the client's revision. The server here keeps three ops in
 * memory and, unlike the default, only three in the store ({@code RETENTION_OPS}, a snapshot
 * after every op); with every revision kept, {@link LongAbsenceIT} shows the same absence merge.
 */
class ResyncIT {
    /** The page's next op frame is lost on the way, as on a link that died without closing. */
    private static final String LOSE_NEXT_OP = """
            const send = WebSocket.prototype.send;
            WebSocket.prototype.send = function (data) {
              if (!window.lostOp && JSON.parse(data).type === 'op') {
                window.lostOp = data;
                WebSocket.prototype.send = send;
                return undefined;
              }
              return send.call(this, data);
            };
            """;

    @RegisterExtension
    static final Site site = new Site("HISTORY_OPS", "3", "RETENTION_OPS", "3", "SNAPSHOT_EVERY", "1");

    private final TestServer server = site.server();
    private final List<Browser> windows = site.windows(1000, 800, "alice", "bob");
    private final Browser alice = windows.get(0);
    private final Browser bob = windows.get(1);

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void edits_made_offline_past_the_kept_history_are_kept_and_can_be_reapplied() {
        String owner = bothWithBaseText("longgap");

        alice.caretToEnd();
        alice.script("window.livepad.debug.dropConnection(600000);");
        alice.await(a -> a.connection().contains("reconnecting"), () -> "alice is cut off");
        alice.type(" mine");
        bob.caretToStart();
        String fromBob = "123456";
        for (char c : fromBob.toCharArray()) { // one op each: more than the three the server keeps
            bob.type(String.valueOf(c));
            bob.await(b -> "synchronized".equals(b.debugState("state")), () -> "bob's op confirmed");
        }
        alice.script("window.livepad.debug.restoreConnection();");
        alice.waitConnected();

        alice.await(a -> a.byId("recovered").isDisplayed(), () -> "the 'your version was kept' banner");
        assertEquals(fromBob + "base", alice.text(), "the editor shows the server's text");
        assertTrue(alice.byId("recovered-message").getText().contains("5 unsaved characters"),
                alice.byId("recovered-message").getText());
        alice.byId("recovered-apply").click();
        String merged = fromBob + "base mine";
        alice.await(a -> a.text().equals(merged), () -> "alice's edits re-applied: " + alice.text());
        bob.await(b -> b.text().equals(merged), () -> "bob receives them: " + bob.text());
        alice.await(a -> merged.equals(server.get("/api/rooms/longgap/text", owner).body()), () -> "stored");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void an_op_resent_from_a_revision_the_server_let_go_is_sent_again_from_the_current_one() {
        String owner = bothWithBaseText("behind");
        alice.await(a -> "synchronized".equals(a.debugState("state")), () -> "alice's base text stored");

        alice.caretToEnd();
        alice.script(LOSE_NEXT_OP);
        alice.type("X"); // sent at alice's revision, and lost: it stays in flight, unacknowledged
        alice.await(a -> a.script("return window.lostOp || null") != null, () -> "the op frame lost");
        bob.caretToStart();
        for (char c : "12345".toCharArray()) { // one op each: the server keeps three, so it lets X's revision go
            bob.type(String.valueOf(c));
            bob.await(b -> "synchronized".equals(b.debugState("state")), () -> "bob's op confirmed");
        }
        String expected = "12345baseX";
        alice.await(
                a -> a.text().equals(expected),
                () -> "alice has bob's ops around her own, has '" + alice.text() + "'");
        assertEquals("awaiting-confirm", alice.debugState("state"), "X is still unconfirmed");

        alice.script("window.livepad.debug.dropConnection(0);"); // reconnect, resume, resend X as first sent
        alice.await(a -> expected.equals(server.get("/api/rooms/behind/text", owner).body()),
                () -> "X stored, the server has '" + server.get("/api/rooms/behind/text", owner).body() + "'");
        bob.await(b -> b.text().equals(expected), () -> "bob has X, has '" + bob.text() + "'");
        alice.await(a -> "synchronized".equals(a.debugState("state")), () -> "alice synchronized");
        assertEquals(expected, alice.text());
        assertTrue(alice.driver().findElements(By.cssSelector("[data-testid='notice']")).isEmpty(),
                "nothing to tell the user: " + alice.driver().findElements(By.cssSelector("[data-testid='notice']"))
                        .stream().map(e -> e.getText()).toList());
    }

    /** Alice creates {@code room} and types "base", Bob joins with an editor invite and sees it; the owner token. */
    private String bothWithBaseText(String room) {
        String owner = server.createRoom(room);
        alice.openRoom(server.http("/"), room, owner, "Alice");
        alice.waitConnected();
        alice.editor().click();
        alice.type("base");
        bob.openRoom(server.http("/"), room, server.mint(room, owner, "editor"), "Bob");
        bob.waitConnected();
        bob.await(b -> b.text().equals("base"), () -> "bob has the base text");
        return owner;
    }
}
