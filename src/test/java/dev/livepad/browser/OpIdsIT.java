package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Op ids as other members see them. The server broadcasts each op's id to the whole room, so an id
 * must not let anyone predict the next one; a raw WebSocket member of the room reads them here.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpIdsIT {
    /** Random ids agree on their first 8 base64url characters (48 bits) with odds of 2^-48 a pair. */
    private static final int MAX_SHARED_PREFIX = 7;
    private static final int OPS_EACH = 5;

    private static TestServer server;
    private final ExecutorService launcher = Executors.newFixedThreadPool(2);
    private Browser alice;
    private Browser bob;

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
    void launchBrowsers() throws Exception {
        CompletableFuture<Browser> a = CompletableFuture.supplyAsync(() -> Chromium.launch("alice", 1000, 700), launcher);
        CompletableFuture<Browser> b = CompletableFuture.supplyAsync(() -> Chromium.launch("bob", 1000, 700), launcher);
        alice = a.get(60, TimeUnit.SECONDS);
        bob = b.get(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void closeBrowsers() {
        launcher.shutdownNow();
        if (alice != null) {
            alice.close();
        }
        if (bob != null) {
            bob.close();
        }
    }

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
