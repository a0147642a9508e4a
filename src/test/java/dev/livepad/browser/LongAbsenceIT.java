package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.livepad.testing.TestServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client away for longer than the ops a room holds in memory (three here) still gets what it
 * missed, read from the store, which keeps every revision by default: its unconfirmed edits are
 * merged with the others' as after a short absence, with no "your version was kept" banner.
 * {@link ResyncIT} is the same absence against a server that lets old revisions go.
 */
class LongAbsenceIT {
    @RegisterExtension
    static final Site site = new Site("HISTORY_OPS", "3", "SNAPSHOT_EVERY", "2");

    private final TestServer server = site.server();
    private final List<Browser> windows = site.windows(1000, 800, "alice", "bob");
    private final Browser alice = windows.get(0);
    private final Browser bob = windows.get(1);

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void edits_made_offline_past_the_ops_in_memory_merge_as_after_a_short_absence() {
        String owner = server.createRoom("away");
        alice.openRoom(server.http("/"), "away", owner, "Alice");
        alice.waitConnected();
        alice.editor().click();
        alice.type("base");
        bob.openRoom(server.http("/"), "away", server.mint("away", owner, "editor"), "Bob");
        bob.waitConnected();
        bob.await(b -> b.text().equals("base"), () -> "bob has the base text");

        alice.caretToEnd();
        alice.script("window.livepad.debug.dropConnection(600000);");
        alice.await(a -> a.connection().contains("reconnecting"), () -> "alice is cut off");
        alice.type(" mine");
        bob.caretToStart();
        for (char c : "123456".toCharArray()) { // one op each: twice what the room holds in memory
            bob.type(String.valueOf(c));
            bob.await(b -> "synchronized".equals(b.debugState("state")), () -> "bob's op confirmed");
        }
        alice.script("window.livepad.debug.restoreConnection();");
        alice.waitConnected();

        String merged = "123456base mine";
        alice.await(a -> a.text().equals(merged), () -> "alice merged bob's ops with hers: " + alice.text());
        bob.await(b -> b.text().equals(merged), () -> "bob receives alice's: " + bob.text());
        alice.await(a -> merged.equals(server.get("/api/rooms/away/text", owner).body()), () -> "stored");
        assertFalse(alice.byId("recovered").isDisplayed(), "no 'your version was kept' banner");
    }
}
