package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.testing.ApiClient;
import dev.livepad.testing.ChildServer;
import dev.livepad.testing.Cluster;
import dev.livepad.testing.CollabClient;
import dev.livepad.testing.RandomEdits;
import dev.livepad.testing.RawHttp;
import dev.livepad.testing.Redis;
import dev.livepad.testing.Seeds;
import dev.livepad.testing.TcpProxy;
import dev.livepad.testing.WsClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three livepad instances in separate processes sharing the machine's real PostgreSQL and Redis,
 * with faults: an instance killed mid-stream, every pub/sub connection killed, Redis restarted,
 * PostgreSQL cut off from one instance. Whatever happens, every client converges on the text the
 * PostgreSQL log replays to, every acked op is in it exactly once, and no member sees an op out of
 * order ({@link CollabClient} fails on a revision that is not the next). Seeded: replay a failure
 * with {@code -Dseed=N} ({@link Seeds}).
 */
@Timeout(240)
class ClusterFaultsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EDITS = 80;

    @TempDir
    Path dir;

    @Test
    void random_edits_through_three_instances_converge_on_the_postgresql_log() throws Exception {
        seeded(seed -> {
            try (Cluster cluster = Cluster.start(dir, 3)) {
                Room room = Room.create(cluster, "converge");
                List<CollabClient> clients = room.clients(6);
                type(clients, seed, () -> { });
                room.assertConverged(clients);
            }
        });
    }

    @Test
    void a_killed_instances_clients_resume_on_another_and_nothing_acked_is_lost_or_doubled() throws Exception {
        seeded(seed -> {
            try (Cluster cluster = Cluster.start(dir, 3)) {
                Room room = Room.create(cluster, "sigkill");
                List<CollabClient> clients = room.clients(6);
                try (WsClient watcher = cluster.connect(2)) {
                    watcher.send(WsClient.message("join").put("room", room.name).put("token", room.owner)
                            .put("name", "watcher"));
                    JsonNode joined = watcher.nextOfType("joined");
                    long onInstance1 = count(joined.get("members"), "i1-");
                    assertEquals(2, onInstance1, "joined.members lists the members of other instances: " + joined);
                    AtomicBoolean killed = new AtomicBoolean();
                    type(clients, seed, () -> {
                        if (killed.compareAndSet(false, true)) {
                            cluster.kill(1); // clients 0 and 3 lose their instance mid-stream
                        }
                    }, (client, index) -> room.resume(client, index == 0 ? 2 : 3));
                    room.assertConverged(clients);
                    // Its members leave everywhere within 30 s, as the contract says.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    int leaves = 0;
                    while (leaves < 2 && System.nanoTime() < deadline) {
                        JsonNode m = watcher.poll();
                        if (m == null) {
                            Thread.sleep(50);
                        } else if ("presence".equals(m.path("type").asText())
                                && "leave".equals(m.path("event").asText())
                                && m.at("/member/clientId").asText().startsWith("i1-")) {
                            leaves++;
                        }
                    }
                    assertEquals(2, leaves, "the dead instance's members left");
                }
            }
        });
    }

    @Test
    void killed_pubsub_connections_and_a_redis_restart_lose_and_reorder_nothing() throws Exception {
        seeded(seed -> {
            try (Cluster cluster = Cluster.start(dir, 3)) {
                Room room = Room.create(cluster, "redis");
                List<CollabClient> clients = room.clients(6);
                int[] step = {0};
                type(clients, seed, () -> {
                    // Called twice by each of the six client threads: the first call of the first
                    // round kills the pub/sub connections, the first of the second restarts Redis.
                    synchronized (step) {
                        step[0]++;
                        if (step[0] == 1) {
                            assertTrue(
                                    Redis.killSubscribers(busClientName(cluster)) >= 3, "every instance's subscriber");
                        } else if (step[0] == clients.size() + 1) {
                            restartRedis();
                        }
                    }
                });
                room.assertConverged(clients);
            }
        });
    }

    @Test
    void postgresql_cut_off_from_one_instance_means_unavailable_and_no_ack_then_the_resent_op_applies_once()
            throws Exception {
        try (Cluster cluster = Cluster.create(dir);
             TcpProxy proxy = TcpProxy.start(Cluster.POSTGRES_HOST, Cluster.POSTGRES_PORT)) {
            ChildServer cut = cluster.add(Map.of("DATABASE_URL", cluster.databaseUrl("127.0.0.1", proxy.port())));
            ChildServer healthy = cluster.add(Map.of());
            Room room = Room.create(cluster, "cut");
            try (WsClient onCut = cluster.connect(1); WsClient onHealthy = cluster.connect(2)) {
                join(onCut, room);
                join(onHealthy, room);
                proxy.cut();
                JsonNode op = op(room, 0, "kept-id", "hello");
                onCut.send(op);
                JsonNode answer = onCut.next(m -> "error".equals(m.path("type").asText())
                        || "ack".equals(m.path("type").asText()));
                assertEquals("unavailable", answer.path("code").asText(), "never an ack without the store: " + answer);
                assertEquals("kept-id", answer.path("ref").asText());
                assertEquals(503, RawHttp.send(cut.port(), "GET", "/ready", null, (String) null).status());
                assertEquals(200, RawHttp.send(healthy.port(), "GET", "/ready", null, (String) null).status());

                proxy.restore();
                awaitReady(cut);
                // As a client does: resend with the same id until acked. The first resends may still
                // meet a connection that broke during the cut (unavailable again), never anything else.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                JsonNode reply;
                do {
                    assertTrue(System.nanoTime() < deadline, "no ack within 30 s of PostgreSQL coming back");
                    onCut.send(op);
                    reply = onCut.next(m -> "error".equals(m.path("type").asText())
                            || "ack".equals(m.path("type").asText()));
                    if (!"ack".equals(reply.path("type").asText())) {
                        assertEquals("unavailable", reply.path("code").asText(), reply.toString());
                        Thread.sleep(200);
                    }
                } while (!"ack".equals(reply.path("type").asText()));
                assertEquals(1, reply.get("rev").asLong());
                onCut.send(op); // and once more: a retry, acked with the same revision, not applied again
                assertEquals(1, onCut.nextOfType("ack").get("rev").asLong());
                assertEquals("[\"hello\"]", onHealthy.nextOfType("op").get("op").toString());
                assertEquals(List.of("kept-id"), room.loggedIds());
            }
        }
    }

    // --- helpers ------------------------------------------------------------------------------------

    @FunctionalInterface
    interface SeededRun {
        void run(long seed) throws Exception;
    }

    private static void seeded(SeededRun test) throws Exception {
        long seed = Seeds.seed(1_306L);
        Seeds.replayable(ClusterFaultsIT.class, seed, () -> test.run(seed));
    }

    @FunctionalInterface
    interface Fault {
        void inject() throws Exception;
    }

    @FunctionalInterface
    interface Resumer {
        void resume(CollabClient client, int index) throws Exception;
    }

    private static void type(List<CollabClient> clients, long seed, Fault fault) throws Exception {
        type(clients, seed, fault, (client, index) -> {
            throw new AssertionError("client " + index + " lost its connection");
        });
    }

    /**
     * Every client makes {@link #EDITS} random edits; a quarter and three quarters through, each
     * calls {@code fault} (which decides whether and what to break).
     */
    private static void type(List<CollabClient> clients, long seed, Fault fault, Resumer resumer) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(clients.size());
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                CollabClient client = clients.get(i);
                int index = i;
                Random random = new Random(seed + i);
                results.add(threads.submit(() -> {
                    for (int n = 0; n < EDITS; n++) {
                        if (n == EDITS / 4 || n == 3 * EDITS / 4) {
                            fault.inject();
                        }
                        try {
                            client.pump();
                            client.edit(RandomEdits.next(random, client.text()));
                        } catch (RuntimeException e) {
                            if (!client.isClosed()) {
                                throw e;
                            }
                        }
                        if (client.isClosed()) {
                            resumer.resume(client, index);
                        }
                        Thread.sleep(random.nextInt(5));
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (!client.isSynchronized() && System.nanoTime() < deadline) {
                        if (client.pump() == 0) {
                            Thread.sleep(5);
                        }
                        if (client.isClosed()) {
                            resumer.resume(client, index);
                        }
                    }
                    assertTrue(client.isSynchronized(), "client " + index + " still waits for an ack");
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(180, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** The client name of this cluster's Redis connections: its deployment id comes from PostgreSQL. */
    private static String busClientName(Cluster cluster) throws Exception {
        try (Connection db = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:5432/test?user=root&currentSchema=" + cluster.schema());
             PreparedStatement read = db.prepareStatement("SELECT value FROM settings WHERE key = 'deployment_id'");
             ResultSet row = read.executeQuery()) {
            assertTrue(row.next(), "the cluster has a deployment id");
            return "livepad-livepad:" + row.getString(1);
        }
    }

    /** Stops Redis (it keeps nothing) and starts it again as the machine does; waits until it answers. */
    private static void restartRedis() throws Exception {
        try {
            Redis.command("SHUTDOWN", "NOSAVE");
        } catch (RuntimeException e) {
            // the connection dies with the server
        }
        Process start = new ProcessBuilder("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
                "--port", "6379", "--save", "", "--appendonly", "no").inheritIO().start();
        assertEquals(0, start.waitFor(), "redis-server did not start");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if ("PONG".equals(Redis.command("PING"))) {
                    return;
                }
            } catch (RuntimeException e) {
                assertTrue(System.nanoTime() < deadline, "Redis did not come back: " + e);
            }
            Thread.sleep(100);
        }
    }

    private static void awaitReady(ChildServer instance) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (RawHttp.send(instance.port(), "GET", "/ready", null, (String) null).status() != 200) {
            assertTrue(System.nanoTime() < deadline, "the instance did not become ready again");
            Thread.sleep(100);
        }
    }

    private static void join(WsClient ws, Room room) {
        ws.send(WsClient.message("join").put("room", room.name).put("token", room.owner));
        ws.nextOfType("joined");
    }

    private static JsonNode op(Room room, long rev, String id, String text) {
        return WsClient.message("op").put("room", room.name).put("rev", rev).put("id", id)
                .set("op", JSON.createArrayNode().add(text));
    }

    private static long count(JsonNode members, String clientIdPrefix) {
        long n = 0;
        for (JsonNode m : members) {
            if (m.path("clientId").asText().startsWith(clientIdPrefix)) {
                n++;
            }
        }
        return n;
    }

    /** A room of the cluster, its owner token, and its log as PostgreSQL holds it. */
    private static final class Room {
        final Cluster cluster;
        final String name;
        final String owner;

        private Room(Cluster cluster, String name, String owner) {
            this.cluster = cluster;
            this.name = name;
            this.owner = owner;
        }

        static Room create(Cluster cluster, String name) {
            return new Room(cluster, name, new ApiClient(cluster.instance(1).http("")).createRoom(name));
        }

        /** {@code count} editors, spread round-robin over the instances, each with a token minted where it joins. */
        List<CollabClient> clients(int count) {
            List<CollabClient> clients = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int instance = i % cluster.size() + 1;
                CollabClient client = new CollabClient(cluster.connect(instance), name,
                        "c" + i + "-" + System.nanoTime());
                client.join(new ApiClient(cluster.instance(instance).http("")).mint(name, owner, "editor"));
                clients.add(client);
            }
            return clients;
        }

        void resume(CollabClient client, int instance) {
            client.resume(cluster.connect(instance), owner);
        }

        /** Every client at the log's head with its text; every acked op in the log exactly once. */
        void assertConverged(List<CollabClient> clients) throws Exception {
            List<String> ids = new ArrayList<>();
            String text = replay(ids);
            for (CollabClient client : clients) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (client.revision() < ids.size() && System.nanoTime() < deadline) {
                    if (client.pump() == 0) {
                        Thread.sleep(5);
                    }
                }
                assertEquals(ids.size(), client.revision(), "a client did not reach the log's head");
                assertEquals(text, client.text(), "a client's text differs from the log's replay");
            }
            List<String> acked = clients.stream().flatMap(c -> c.ackedIds().stream()).sorted().toList();
            assertEquals(acked, ids.stream().sorted().toList(), "the log holds each acked op exactly once");
            for (int i = 1; i <= cluster.size(); i++) {
                if (cluster.instance(i).isAlive()) {
                    assertEquals(text, new ApiClient(cluster.instance(i).http("")).get("/api/rooms/" + name + "/text",
                            owner).body(), "instance " + i + " serves another text");
                }
            }
        }

        List<String> loggedIds() throws Exception {
            List<String> ids = new ArrayList<>();
            replay(ids);
            return ids;
        }

        /** The text PostgreSQL's log replays to; {@code ids} receives its op ids in order. */
        private String replay(List<String> ids) throws Exception {
            String text = "";
            try (Connection db = DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:5432/test?user=root&currentSchema=" + cluster.schema());
                 PreparedStatement ops = db.prepareStatement("SELECT o.rev, o.op_json, o.op_id FROM ops o"
                         + " JOIN rooms r ON r.id = o.room_id WHERE r.name = ? ORDER BY o.rev")) {
                ops.setString(1, name);
                try (ResultSet rows = ops.executeQuery()) {
                    long expected = 1;
                    while (rows.next()) {
                        assertEquals(expected++, rows.getLong(1), "the log has no gaps");
                        text = CollabClient.parse(JSON.readTree(rows.getString(2))).apply(text);
                        ids.add(rows.getString(3));
                    }
                }
            }
            return text;
        }
    }
}
