package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.TestServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client away for longer than the server's op history cannot have its unconfirmed edits
 * transformed; it shows the server's text, keeps its own version, and re-applies it on request.
 */
class ResyncIT {
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void edits_made_offline_past_the_kept_history_are_kept_and_can_be_reapplied() {
        Chromium.requireInstalled();
        try (TestServer server = TestServer.start("HISTORY_OPS", "3");
             Browser alice = Chromium.launch("alice", 1000, 800);
             Browser bob = Chromium.launch("bob", 1000, 800)) {
            String owner = server.createRoom("longgap");
            alice.openRoom(server.http("/"), "longgap", owner, "Alice");
            alice.waitConnected();
            alice.editor().click();
            alice.type("base");
            bob.openRoom(server.http("/"), "longgap", server.mint("longgap", owner, "editor"), "Bob");
            bob.waitConnected();
            bob.await(b -> b.text().equals("base"), () -> "bob has the base text");

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
    }
}
