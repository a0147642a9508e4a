package dev.livepad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.livepad.testing.CollabClient;
import dev.livepad.testing.RandomEdits;
import dev.livepad.testing.Seeds;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many real clients edit one room at once, each running the client side of OT; afterwards every
 * client's text equals the server's. Seeded ({@link Seeds}): {@code -Dseed=N} runs another seed.
 */
class ConvergenceIT {
    private static final int CLIENTS = 10;
    private static final int EDITS_PER_CLIENT = 80;

    @TempDir
    Path dataDir;

    @ParameterizedTest(name = "store={0}")
    @ValueSource(strings = {"memory", "sqlite"})
    @Timeout(120)
    void concurrent_editors_converge_on_the_servers_text(String store) throws Exception {
        long seed = Seeds.seed(1_304L);
        Seeds.replayable(ConvergenceIT.class, seed, () -> run(seed, "STORE", store, "DATA_DIR", dataDir.toString()));
    }

    static void run(long seed, String... env) throws Exception {
        try (TestServer server = TestServer.start(env)) {
            String owner = server.createRoom("converge");
            List<CollabClient> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                CollabClient client = new CollabClient(server.connect(), "converge", "client" + i + "-" + seed);
                client.join(i == 0 ? owner : server.mint("converge", owner, "editor"));
                clients.add(client);
            }
            CyclicBarrier done = new CyclicBarrier(CLIENTS);
            ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                CollabClient client = clients.get(i);
                Random random = new Random(seed + i);
                results.add(threads.submit(() -> {
                    edit(client, random);
                    done.await(60, TimeUnit.SECONDS);
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(90, TimeUnit.SECONDS);
            }
            threads.shutdown();
            assertAllConverged(server, owner, clients);
            clients.forEach(CollabClient::close);
        }
    }

    /** Random edits at random moments, handling incoming ops in between; ends synchronized. */
    private static void edit(CollabClient client, Random random) throws InterruptedException {
        for (int n = 0; n < EDITS_PER_CLIENT; n++) {
            client.pump();
            client.edit(RandomEdits.next(random, client.text()));
            if (random.nextInt(4) == 0) {
                Thread.sleep(random.nextInt(3));
            }
        }
        client.pumpUntil(client::isSynchronized);
    }

    private static void assertAllConverged(TestServer server, String owner, List<CollabClient> clients) {
        try (WsClient observer = server.connect()) {
            observer.send(WsClient.message("join").put("room", "converge").put("token", owner));
            var joined = observer.nextOfType("joined");
            long head = joined.get("rev").asLong();
            String text = joined.get("text").asText();
            for (CollabClient client : clients) {
                client.pumpUntil(() -> client.revision() >= head);
                assertEquals(head, client.revision());
                assertEquals(text, client.text(), "client text differs from the server's");
            }
            assertEquals(text, server.get("/api/rooms/converge/text", owner).body());
        }
    }
}
