package dev.livepad.browser;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.Nginx;
import dev.livepad.testing.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A network that refuses WebSocket upgrades: Alice reaches the server through Debian's nginx,
 * which answers every {@code /ws} upgrade with 403 and passes everything else on; Bob connects
 * directly, over a WebSocket. Alice's client falls back to the event stream and HTTP writes by
 * itself, says so, and the two type together, at once too, and converge; edits Alice makes
 * while the proxy is down arrive once it is back, exactly once.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class FallbackIT {
    @RegisterExtension
    static final Site site = new Site("TRUSTED_PROXIES", "127.0.0.1");

    private final TestServer server = site.server();
    private final List<Browser> windows = site.windows(1000, 700, "alice", "bob");
    private final Browser alice = windows.get(0);
    private final Browser bob = windows.get(1);
    private final ExecutorService typists = Executors.newFixedThreadPool(2);
    private Nginx nginx;

    @AfterEach
    void stop() {
        typists.shutdownNow();
        if (nginx != null) {
            nginx.close();
        }
    }

    /** nginx on {@code port} in front of the test server, refusing WebSocket upgrades. */
    private Nginx blockingProxy(int port) throws Exception {
        return proxy(port, "    location /ws { return 403; }   # a corporate proxy that will not upgrade");
    }

    /** nginx on {@code port} in front of the test server, passing WebSocket upgrades on. */
    private Nginx upgradingProxy(int port) throws Exception {
        return proxy(port, String.join("\n",
                "    location /ws {",
                "        proxy_pass http://127.0.0.1:" + server.port() + ";",
                "        proxy_http_version 1.1;",
                "        proxy_set_header Upgrade $http_upgrade;",
                "        proxy_set_header Connection upgrade;",
                "        proxy_set_header Host $host;",
                "        proxy_set_header X-Forwarded-Host $http_host;",
                "        proxy_set_header X-Forwarded-Proto $scheme;",
                "    }"));
    }

    private Nginx proxy(int port, String wsLocation) throws Exception {
        Path dir = Files.createTempDirectory("fallback-nginx");
        String site = String.join("\n",
                "server {",
                "    listen 127.0.0.1:" + port + ";",
                wsLocation,
                "    location / {",
                "        proxy_pass http://127.0.0.1:" + server.port() + ";",
                "        proxy_http_version 1.1;",
                "        proxy_set_header Host $host;",
                "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                "        proxy_set_header X-Forwarded-Proto $scheme;",
                "        proxy_set_header X-Forwarded-Host $http_host;",
                "        proxy_read_timeout 180s;",
                "    }",
                "}", "");
        return Nginx.start(dir, site, port);
    }

    @Test
    void a_client_behind_a_proxy_that_refuses_websockets_edits_over_http_with_one_on_a_websocket() throws Exception {
        Nginx.requireInstalled();
        int port = Nginx.freePort();
        nginx = blockingProxy(port);
        String room = "blocked";
        String owner = server.createRoom(room);
        URI throughProxy = URI.create("http://127.0.0.1:" + port + "/");

        alice.openRoom(throughProxy, room, owner, "Alice");
        alice.waitConnected();
        assertTrue(alice.connection().contains("fallback"), "alice says she is on the fallback: " + alice.connection());
        assertTrue(server.status().get("eventStreams").asInt() == 1, "alice follows the room over an event stream");
        bob.openRoom(server.http("/"), room, server.mint(room, owner, "editor"), "Bob");
        bob.waitConnected();
        assertFalse(bob.connection().contains("fallback"), "bob is on a WebSocket: " + bob.connection());
        alice.await(a -> a.members().contains("Bob"), () -> "alice sees bob: " + alice.members());
        bob.await(b -> b.members().contains("Alice"), () -> "bob sees alice: " + bob.members());

        alice.editor().click();
        alice.type("middle");
        awaitEverywhere(room, owner, "middle");

        // Both at once: Alice at the start, Bob at the end, in bursts.
        alice.caretToStart();
        bob.caretToEnd();
        String fromAlice = "alice over http, ";
        String fromBob = " bob over a websocket";
        Future<?> a = typists.submit(() -> typeInBursts(alice, fromAlice));
        Future<?> b = typists.submit(() -> typeInBursts(bob, fromBob));
        a.get(60, TimeUnit.SECONDS);
        b.get(60, TimeUnit.SECONDS);
        String together = fromAlice + "middle" + fromBob;
        awaitEverywhere(room, owner, together);

        // The proxy goes away: Alice types on; when it is back her edits arrive, once.
        nginx.close();
        nginx = null;
        alice.caretToEnd();
        alice.type(" (typed while cut off)");
        alice.await(x -> x.connection().contains("reconnecting") || x.connection().contains("offline"),
                () -> "alice notices the proxy is gone: " + alice.connection());
        nginx = blockingProxy(port);
        alice.await(java.time.Duration.ofSeconds(40), x -> x.connection().contains("connected")
                && !x.connection().contains("reconnecting"), () -> "alice back: " + alice.connection());
        awaitEverywhere(room, owner, together + " (typed while cut off)");

        // The network lets WebSockets through again: at its next try (every minute; now, through
        // the test hook) Alice moves back to one, and goes on where she was.
        nginx.close();
        nginx = upgradingProxy(port);
        alice.await(x -> !x.connection().contains("reconnecting"), () -> "alice back: " + alice.connection());
        alice.script("window.livepad.debug.tryWebSocketNow();");
        alice.await(x -> x.connection().equals("connected"), () -> "alice on a websocket: " + alice.connection());
        alice.await(x -> server.status().get("eventStreams").asInt() == 0, () -> "alice's event stream is closed");
        alice.caretToEnd();
        alice.type(" and back");
        awaitEverywhere(room, owner, together + " (typed while cut off) and back");
    }

    private void awaitEverywhere(String room, String owner, String expected) {
        alice.await(a -> a.text().equals(expected), () -> "alice has '" + expected + "', not '" + alice.text() + "'");
        bob.await(b -> b.text().equals(expected), () -> "bob has '" + expected + "', not '" + bob.text() + "'");
        alice.await(a -> expected.equals(server.get("/api/rooms/" + room + "/text", owner).body()),
                () -> "the server stores '" + expected + "'");
    }

    private static void typeInBursts(Browser who, String text) {
        for (int i = 0; i < text.length(); i += 3) {
            who.type(text.substring(i, Math.min(text.length(), i + 3)));
            try {
                Thread.sleep(40);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
