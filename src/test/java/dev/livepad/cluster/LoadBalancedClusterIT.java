package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.Cluster;
import dev.livepad.testing.CollabClient;
import dev.livepad.testing.Nginx;
import dev.livepad.testing.RandomEdits;
import dev.livepad.testing.Seeds;
import dev.livepad.testing.WsClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nginx spreading clients over three instances, as docs/operations.md configures it: clients
 * on different instances edit together, and a client whose instance dies reconnects through nginx,
 * lands on another instance and resumes with nothing lost. Seeded ({@link Seeds}): {@code -Dseed=N}.
 */
@Timeout(180)
class LoadBalancedClusterIT {
    @TempDir
    Path dir;

    @TempDir
    Path nginxDir;

    @Test
    void a_client_whose_instance_dies_reconnects_through_nginx_to_another_and_resumes() {
        Nginx.requireInstalled();
        long seed = Seeds.seed(1_309L);
        Seeds.replayable(LoadBalancedClusterIT.class, seed, () -> resumeThroughNginx(seed));
    }

    private void resumeThroughNginx(long seed) throws Exception {
        try (Cluster cluster = Cluster.start(dir, 3)) {
            int port = Nginx.freePort();
            try (Nginx nginx = Nginx.start(nginxDir, Nginx.loadBalancing(port, cluster.ports()), port)) {
                URI http = URI.create("http://127.0.0.1:" + port);
                URI ws = URI.create("ws://127.0.0.1:" + port + "/ws");
                ApiClient api = new ApiClient(http);
                String owner = api.createRoom("balanced");
                CollabClient first = new CollabClient(WsClient.connect(ws), "balanced", "first-" + seed);
                JsonNode joined = first.join(owner);
                CollabClient second = null;
                String secondInstance = null;
                for (int attempt = 0; attempt < 6 && second == null; attempt++) { // round robin: soon another one
                    CollabClient candidate = new CollabClient(WsClient.connect(ws), "balanced", "second-" + seed);
                    String instance = instanceOf(candidate.join(api.mint("balanced", owner, "editor")));
                    if (!instance.equals(instanceOf(joined))) {
                        second = candidate;
                        secondInstance = instance;
                    } else {
                        candidate.close();
                    }
                }
                assertTrue(second != null, "nginx spread the clients over instances");

                Random random = new Random(seed);
                for (int n = 0; n < 30; n++) {
                    first.pump();
                    first.edit(RandomEdits.next(random, first.text()));
                    second.pump();
                    second.edit(RandomEdits.next(random, second.text()));
                }
                cluster.kill(Integer.parseInt(instanceOf(joined).substring(1))); // first's instance dies
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!first.isClosed() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(first.isClosed(), "the client noticed its instance die");
                first.resume(WsClient.connect(ws), owner); // through nginx, which skips the dead instance
                for (int n = 0; n < 30; n++) {
                    first.pump();
                    first.edit(RandomEdits.next(random, first.text()));
                    second.pump();
                    second.edit(RandomEdits.next(random, second.text()));
                }
                first.pumpUntil(first::isSynchronized);
                second.pumpUntil(second::isSynchronized);
                String text = api.get("/api/rooms/balanced/text", owner).body();
                long head = Math.max(first.revision(), second.revision());
                CollabClient a = first;
                CollabClient b = second;
                a.pumpUntil(() -> a.revision() >= head);
                b.pumpUntil(() -> b.revision() >= head);
                assertEquals(text, a.text(), "resumed client");
                assertEquals(text, b.text(), "client on " + secondInstance);
                assertNotEquals("", text);
                a.close();
                b.close();
            }
        }
    }

    /** The instance a client landed on, from its client id ({@code i2-c5}: instance 2). */
    private static String instanceOf(JsonNode joined) {
        String clientId = joined.get("clientId").asText();
        return clientId.substring(0, clientId.indexOf('-'));
    }
}
