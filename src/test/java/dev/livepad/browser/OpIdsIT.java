package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * Op ids as other members see them. The server broadcasts each op's id to the whole room, so an id
 * must not let anyone predict the next one; a raw WebSocket member of the room reads them here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpIdsIT {
    @RegisterExtension
    static final Site site = new Site();

    /** Random ids agree on their first 8 base64url characters (48 bits) with odds of 2^-48 a pair. */
    private static final int MAX_SHARED_PREFIX = 7;
    private static final int OPS_EACH = 5;

    /** The bytes the first crypto.getRandomValues call of a page gets from {@link #PREDICTABLE}. */
    private static final byte[] FIRST_RANDOM_BYTES = {
        0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f};

    /**
     * Runs before the page's own scripts: the page's first crypto.getRandomValues call (its first op
     * id) gets {@link #FIRST_RANDOM_BYTES}, later calls are random again; and every op message the
     * page sends is recorded in window.sentOps, so the test can see which ids it tried.
     */
    private static final String PREDICTABLE = """
            (() => {
              const real = crypto.getRandomValues.bind(crypto);
              let fixed = 1;
              crypto.getRandomValues = (array) => {
                if (fixed-- > 0) {
                  for (let i = 0; i < array.length; i++) array[i] = 0x40 + (i % 16);
                  return array;
                }
                return real(array);
              };
              window.sentOps = [];
              const send = WebSocket.prototype.send;
              WebSocket.prototype.send = function (data) {
                const m = JSON.parse(data);
                if (m.type === 'op') window.sentOps.push(JSON.stringify({ id: m.id, rev: m.rev, op: m.op }));
                return send.call(this, data);
              };
            })();
            """;

    private final TestServer server = site.server();
    private final List<Browser> windows = site.windows(1000, 700, "alice", "bob");
    private final Browser alice = windows.get(0);
    private final Browser bob = windows.get(1);

    @Test
    void op_ids_are_long_random_and_share_no_prefix_within_or_across_windows() {
        String room = "ids";
        String owner = server.createRoom(room);
        try (WsClient watcher = server.connect()) {
            watcher.send(WsClient.message("join").put("room", room).put("token", owner).put("name", "Watcher"));
            watcher.nextOfType("joined");
            Map<String, String> nameById = new HashMap<>();
            alice.openRoom(server.http("/"), room, owner, "Alice");
            alice.waitConnected();
            bob.openRoom(server.http("/"), room, server.mint(room, owner, "editor"), "Bob");
            bob.waitConnected();
            for (int i = 0; i < 2; i++) {
                JsonNode member = watcher.next(m -> "presence".equals(m.path("type").asText())
                        && "join".equals(m.path("event").asText())).get("member");
                nameById.put(member.get("clientId").asText(), member.get("name").asText());
            }

            alice.editor().click();
            bob.editor().click();
            for (int i = 0; i < OPS_EACH; i++) { // one confirmed op per key, so each gets its own id
                typeOneOp(alice, "a");
                typeOneOp(bob, "b");
            }

            Map<String, List<String>> idsByName = new HashMap<>();
            for (int i = 0; i < 2 * OPS_EACH; i++) {
                JsonNode op = watcher.nextOfType("op");
                idsByName.computeIfAbsent(nameById.get(op.get("clientId").asText()), k -> new ArrayList<>())
                        .add(op.get("id").asText());
            }
            List<String> fromAlice = idsByName.getOrDefault("Alice", List.of());
            List<String> fromBob = idsByName.getOrDefault("Bob", List.of());
            assertEquals(OPS_EACH, fromAlice.size(), "alice's op ids: " + idsByName);
            assertEquals(OPS_EACH, fromBob.size(), "bob's op ids: " + idsByName);

            List<String> all = new ArrayList<>(fromAlice);
            all.addAll(fromBob);
            assertEquals(all.size(), new HashSet<>(all).size(), "every id is new: " + all);
            for (String id : all) {
                assertTrue(id.length() >= 16, "an id of at least 16 characters: " + id);
                assertTrue(id.matches("[A-Za-z0-9_-]+"), "base64url or hex: " + id);
            }
            for (int i = 0; i < all.size(); i++) {
                for (int j = i + 1; j < all.size(); j++) {
                    int shared = sharedPrefix(all.get(i), all.get(j));
                    assertTrue(shared <= MAX_SHARED_PREFIX, "ids " + all.get(i) + " and " + all.get(j)
                            + " share a prefix of " + shared + " characters: one predicts the other");
                }
            }
        }
    }

    /**
     * Another member sends its own op under the id the browser is about to use (a member that could
     * predict ids; here the test makes the browser's first id known). The browser's edit must not be
     * lost: the server refuses the browser's message as reusing an id, and the browser sends the
     * edit again under a fresh id, quietly, so both windows and the server converge on it.
     *
     * <p>Depends on the server refusing a reused id with bad_request: today's server acknowledges
     * the browser's message as a retry of the other op, without applying it, and this test fails.
     */
    @Test
    void an_edit_whose_id_another_member_took_first_is_sent_again_under_a_new_id_and_kept() {
        String room = "taken";
        String owner = server.createRoom(room);
        String takenId = Base64.getUrlEncoder().withoutPadding().encodeToString(FIRST_RANDOM_BYTES);
        alice.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PREDICTABLE));
        try (WsClient mallory = server.connect()) {
            mallory.send(WsClient.message("join").put("room", room).put("token", server.mint(room, owner, "editor"))
                    .put("name", "Mallory"));
            long rev = mallory.nextOfType("joined").get("rev").asLong();
            alice.openRoom(server.http("/"), room, owner, "Alice");
            alice.waitConnected();
            bob.openRoom(server.http("/"), room, server.mint(room, owner, "editor"), "Bob");
            bob.waitConnected();

            ObjectNode claim = WsClient.message("op").put("room", room).put("rev", rev).put("id", takenId);
            claim.putArray("op").add("[mallory]");
            mallory.send(claim);
            assertEquals(rev + 1, mallory.nextOfType("ack").get("rev").asLong(), "mallory's op applied");
            alice.await(
                    a -> a.text().equals("[mallory]"), () -> "alice has mallory's text, has '" + alice.text() + "'");

            alice.caretToEnd();
            alice.type(" alice's words");
            String expected = "[mallory] alice's words";
            alice.await(a -> expected.equals(server.get("/api/rooms/" + room + "/text", owner).body()),
                    () -> "the server's text '" + expected + "', has '"
                            + server.get("/api/rooms/" + room + "/text", owner).body() + "'");
            alice.await(
                    a -> a.text().equals(expected),
                    () -> "alice's text '" + expected + "', has '" + alice.text() + "'");
            bob.await(b -> b.text().equals(expected), () -> "bob's text '" + expected + "', has '" + bob.text() + "'");
            alice.await(a -> "synchronized".equals(a.debugState("state")), () -> "alice synchronized");

            List<?> sent = (List<?>) alice.script("return window.sentOps;");
            assertTrue(String.valueOf(sent.get(0)).contains("\"id\":\"" + takenId + "\""),
                    "alice's first op used the predicted id " + takenId + ": " + sent);
            assertTrue(sent.stream().skip(1).noneMatch(m -> String.valueOf(m).contains(takenId)),
                    "the id is never sent again: " + sent);
            assertTrue(alice.driver().findElements(By.cssSelector("[data-testid='notice']")).isEmpty(),
                    "no notice: " + alice.driver().findElements(By.cssSelector("[data-testid='notice']")).stream()
                            .map(e -> e.getText()).toList());
            assertFalse(alice.byId("recovered").isDisplayed(), "no 'your version was kept' banner");
        }
    }

    /** Types one key and waits for the server to confirm it, so that it leaves as an op of its own. */
    private static void typeOneOp(Browser browser, String key) {
        browser.type(key);
        browser.await(b -> "synchronized".equals(b.debugState("state")), () -> "the key '" + key + "' confirmed");
    }

    private static int sharedPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        return n;
    }
}
