package dev.livepad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.ot.TextOperation;
import dev.livepad.protocol.Json;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.store.DocumentStore;
import dev.livepad.store.SqliteDocumentStore;
import dev.livepad.store.StoredOp;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.ChildServer;
import dev.livepad.testing.CollabClient;
import dev.livepad.testing.RandomEdits;
import dev.livepad.testing.Seeds;
import dev.livepad.testing.WsClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server in a child process takes a stream of ops from several clients and is killed with
 * SIGKILL at several points. After each kill: every acknowledged op is in the stored log, the
 * stored log replays to the text the restarted server serves, and the clients resume and converge.
 * Seeded ({@link Seeds}): {@code -Dseed=N} replays the same kill points and edits.
 */
class CrashRecoveryIT {
    private static final int CLIENTS = 4;
    private static final int KILLS = 4;
    // Folds of 16 rows (SqliteWriteOps.FOLD_ROWS), so kills also land around moves of the log's tail.
    private static final Map<String, String> ENV = Map.of("HISTORY_OPS", "100000", "SNAPSHOT_EVERY", "25",
            "JWT_SECRET", "", "RATE_LIMIT_PER_SECOND", "10000", "RATE_LIMIT_BURST", "10000",
            "JAVA_TOOL_OPTIONS", "-Dlivepad.sqlite.foldRows=16");

    @TempDir
    Path dataDir;

    @Test
    @Timeout(240)
    void no_acknowledged_op_is_lost_when_the_server_is_killed() throws Exception {
        long seed = Seeds.seed(1_301L);
        Seeds.replayable(CrashRecoveryIT.class, seed, () -> run(new Random(seed), seed));
    }

    private void run(Random random, long seed) throws Exception {
        ChildServer server = ChildServer.start(dataDir, ENV);
        String owner = new ApiClient(server.http("")).createRoom("crash");
        List<CollabClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            CollabClient client = new CollabClient(WsClient.connect(server.ws()), "crash", "c" + i + "-" + seed);
            client.join(owner);
            clients.add(client);
        }
        for (int kill = 0; kill < KILLS; kill++) {
            editUntilKilled(server, clients, random, 50 + random.nextInt(400));
            List<StoredOp> log = storedLog();
            assertEveryAckStored(clients, log);
            System.out.printf("kill %d: %d ops stored, %d acknowledged to their senders%n", kill + 1, log.size(),
                    clients.stream().mapToInt(c -> c.ackedIds().size()).sum());
            server = ChildServer.start(dataDir, ENV);
            assertEquals(replay(log), new ApiClient(server.http("")).get("/api/rooms/crash/text", owner).body(),
                    "the restarted server's text is not the replay of the stored log");
            for (CollabClient client : clients) {
                client.resume(WsClient.connect(server.ws()), owner);
            }
        }
        assertConverged(server, clients, owner);
        server.terminate();
    }

    /**
     * Every client edits on its own thread; the server is killed mid-stream, {@code millis} after the
     * round's first ack (counted from the start, a slow start on a busy machine left nothing acked).
     */
    private static void editUntilKilled(ChildServer server, List<CollabClient> clients, Random random, int millis)
            throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        CountDownLatch acked = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (CollabClient client : clients) {
            Random own = new Random(random.nextLong());
            Thread t = new Thread(() -> {
                try {
                    int ackedBefore = client.ackedIds().size();
                    while (!killed.get()) {
                        client.pump();
                        if (client.ackedIds().size() > ackedBefore) {
                            acked.countDown();
                        }
                        client.edit(RandomEdits.next(own, client.text()));
                        Thread.sleep(own.nextInt(3));
                    }
                } catch (Exception | AssertionError connectionLost) {
                    // the server died under us: exactly what this test does
                }
            });
            t.start();
            threads.add(t);
        }
        acked.await(30, TimeUnit.SECONDS);
        Thread.sleep(millis);
        server.kill();
        killed.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }

    private List<StoredOp> storedLog() {
        try (SqliteDocumentStore store = SqliteDocumentStore.open(dataDir)) {
            String roomId = store.findRoom("crash").orElseThrow().id();
            DocumentStore.LoadedDocument doc = store.load(roomId, 100_000);
            assertEquals(0, doc.baseRev());
            for (int i = 0; i < doc.ops().size(); i++) {
                assertEquals(i + 1, doc.ops().get(i).rev(), "the stored log has a gap");
            }
            return doc.ops();
        }
    }

    private static void assertEveryAckStored(List<CollabClient> clients, List<StoredOp> log) {
        Set<String> stored = new HashSet<>();
        log.forEach(op -> stored.add(op.opId()));
        int acked = 0;
        for (CollabClient client : clients) {
            for (String id : client.ackedIds()) {
                assertTrue(stored.contains(id), "acknowledged op " + id + " is not in the stored log");
                acked++;
            }
            assertTrue(client.revision() <= log.size(), "a client saw revision " + client.revision()
                    + " but only " + log.size() + " are stored");
        }
        assertTrue(acked > 0, "no op was acknowledged before the kill; the test proved nothing");
    }

    private static String replay(List<StoredOp> log) throws Exception {
        MessageCodec codec = new MessageCodec(Json.mapper(1 << 20), 10_000);
        String text = "";
        for (StoredOp stored : log) {
            TextOperation op = codec.decodeStoredOp(stored.opJson());
            text = op.apply(text);
        }
        return text;
    }

    private static void assertConverged(ChildServer server, List<CollabClient> clients, String owner) {
        for (CollabClient client : clients) {
            client.pumpUntil(client::isSynchronized);
        }
        try (WsClient observer = WsClient.connect(server.ws())) {
            observer.send(WsClient.message("join").put("room", "crash").put("token", owner));
            var joined = observer.nextOfType("joined");
            for (CollabClient client : clients) {
                client.pumpUntil(() -> client.revision() >= joined.get("rev").asLong());
                assertEquals(joined.get("text").asText(), client.text());
            }
        }
        clients.forEach(CollabClient::close);
    }
}
