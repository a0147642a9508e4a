package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.store.DocumentStore;
import dev.livepad.store.InMemoryDocumentStore;
import dev.livepad.store.StoredOp;
import dev.livepad.testing.CollabClient;
import dev.livepad.testing.RandomEdits;
import dev.livepad.testing.Seeds;
import dev.livepad.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two instances in one JVM share one store and no bus: each learns of the other's ops only by
 * losing races for revisions (and reading the ops that won) and by checking the store's head.
 * Whatever the interleaving, every client converges on the text the shared log replays to.
 * Seeded ({@link Seeds}): {@code -Dseed=N} runs another seed.
 */
class SharedStoreIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS_PER_INSTANCE = 3;
    private static final int EDITS_PER_CLIENT = 60;

    @Test
    @Timeout(120)
    void editors_on_two_instances_sharing_only_the_store_converge_on_its_log() throws Exception {
        long seed = Seeds.seed(1_307L);
        Seeds.replayable(SharedStoreIT.class, seed, () -> run(seed, null, null));
    }

    static void run(long seed, RoomBus busA, RoomBus busB) throws Exception {
        InMemoryDocumentStore store = new InMemoryDocumentStore();
        try (TestServer a = TestServer.instance(store, busA, "INSTANCE_ID", "a", "HEAD_CHECK_MILLIS", "100");
             TestServer b = TestServer.instance(store, busB, "INSTANCE_ID", "b", "HEAD_CHECK_MILLIS", "100")) {
            String owner = a.createRoom("shared");
            List<CollabClient> clients = new ArrayList<>();
            for (int i = 0; i < 2 * CLIENTS_PER_INSTANCE; i++) {
                TestServer server = i % 2 == 0 ? a : b;
                CollabClient client = new CollabClient(server.connect(), "shared", "client" + i + "-" + seed);
                client.join(i == 0 ? owner : server.mint("shared", owner, "editor"));
                clients.add(client);
            }
            ExecutorService threads = Executors.newFixedThreadPool(clients.size());
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                CollabClient client = clients.get(i);
                Random random = new Random(seed + i);
                results.add(threads.submit(() -> {
                    for (int n = 0; n < EDITS_PER_CLIENT; n++) {
                        client.pump();
                        client.edit(RandomEdits.next(random, client.text()));
                        if (random.nextInt(4) == 0) {
                            Thread.sleep(random.nextInt(3));
                        }
                    }
                    client.pumpUntil(client::isSynchronized);
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(90, TimeUnit.SECONDS);
            }
            threads.shutdown();

            String roomId = store.findRoom("shared").orElseThrow().id();
            DocumentStore.LoadedDocument log = store.load(roomId, Integer.MAX_VALUE);
            String replayed = log.baseText();
            for (StoredOp op : log.ops()) {
                replayed = CollabClient.parse(JSON.readTree(op.opJson())).apply(replayed);
            }
            // Each acked op is in the log exactly once (a client composes edits made while it
            // waits for an ack, so there are fewer ops than edits).
            List<String> logged = log.ops().stream().map(StoredOp::opId).sorted().toList();
            List<String> acked = clients.stream().flatMap(c -> c.ackedIds().stream()).sorted().toList();
            assertEquals(acked, logged, "the log holds exactly the acked ops");
            assertEquals(0, log.baseRev(), "the whole log is there to replay");
            for (CollabClient client : clients) {
                client.pumpUntil(() -> client.revision() >= log.headRev());
                assertEquals(log.headRev(), client.revision());
                assertEquals(replayed, client.text(), "a client's text differs from the log's");
            }
            assertEquals(replayed, a.get("/api/rooms/shared/text", owner).body());
            assertEquals(replayed, b.get("/api/rooms/shared/text", owner).body());
            clients.forEach(CollabClient::close);
        }
    }
}
