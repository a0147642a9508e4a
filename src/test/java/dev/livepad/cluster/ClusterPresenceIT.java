package dev.livepad.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.store.PostgresDocumentStore;
import dev.livepad.testing.Postgres;
import dev.livepad.testing.Redis;
import dev.livepad.testing.TcpProxy;
import dev.livepad.testing.TestServer;
import dev.livepad.testing.WsClient;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Members and cursors across instances sharing the real PostgreSQL and Redis, where an instance's
 * view of the others can go wrong: a room loaded while Redis was down, a cursor that arrives while
 * ops are in flight, members read from the shared hash at load, and an instance restarted at once
 * under its old id.
 */
@Timeout(90)
class ClusterPresenceIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private String url;
    private String prefix;

    @BeforeEach
    void freshSchemaAndChannels() {
        Redis.requireRunning();
        url = Postgres.freshDatabaseUrl();
        prefix = "livepad:" + Redis.randomPrefix();
    }

    @AfterEach
    void dropSchema() {
        Postgres.drop(url);
    }

    @Test
    void a_room_loaded_while_redis_was_down_hears_the_other_instances_once_it_is_back() throws Exception {
        try (TcpProxy redisForB = TcpProxy.start(Redis.HOST, Redis.PORT);
             PostgresDocumentStore store = PostgresDocumentStore.open(url);
             RedisRoomBus busA = RedisRoomBus.open(Redis.URL, prefix);
             RedisRoomBus busB = RedisRoomBus.open("redis://127.0.0.1:" + redisForB.port(), prefix);
             TestServer a = TestServer.instance(store, busA, "INSTANCE_ID", "a", "PRESENCE_EXPIRY_SECONDS", "3");
             TestServer b = TestServer.instance(store, busB, "INSTANCE_ID", "b", "PRESENCE_EXPIRY_SECONDS", "3");
             WsClient bob = b.connect();
             WsClient alice = a.connect()) {
            String owner = a.createRoom("r");
            redisForB.cut();
            awaitBus(busB, false);
            join(bob, owner, "Bob"); // the room loads on B without a subscription
            redisForB.restore();
            awaitBus(busB, true);

            String aliceId = join(alice, owner, "Alice").path("clientId").asText();
            assertEquals("join Alice", presence(bob.next(m -> "presence".equals(m.path("type").asText()))));
            alice.send(WsClient.message("cursor").put("room", "r").put("rev", 0)
                    .set("ranges", JSON.createArrayNode().add(JSON.createArrayNode().add(0).add(0))));
            assertEquals(aliceId, bob.nextOfType("cursor").path("clientId").asText(), "Alice's cursor on B");
        }
    }

    @Test
    void a_remote_cursor_never_reaches_a_member_ahead_of_the_ops_it_was_sent() throws Exception {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (TcpProxy databaseForB = TcpProxy.start("127.0.0.1", 5432);
             PostgresDocumentStore storeA = PostgresDocumentStore.open(url);
             PostgresDocumentStore storeB = PostgresDocumentStore.open(
                     Postgres.withSchema("postgresql://root@127.0.0.1:" + databaseForB.port() + "/test", schema));
             RedisRoomBus busA = RedisRoomBus.open(Redis.URL, prefix);
             RedisRoomBus busB = RedisRoomBus.open(Redis.URL, prefix);
             TestServer a = TestServer.instance(storeA, busA, "INSTANCE_ID", "a");
             TestServer b = TestServer.instance(storeB, busB, "INSTANCE_ID", "b");
             WsClient alice = a.connect();
             WsClient bob = b.connect()) {
            String owner = a.createRoom("r");
            join(alice, owner, "Alice");
            long seen = join(bob, owner, "Bob").path("rev").asLong();
            alice.nextOfType("presence"); // Bob is known on A, so A has the room's channel

            databaseForB.stall(); // Bob's op stays in flight on B, applied there as revision 1 for now
            bob.send(WsClient.message("op").put("room", "r").put("rev", 0).put("id", "bob-1")
                    .set("op", JSON.createArrayNode().add("XYZ")));
            Thread.sleep(300);
            alice.send(WsClient.message("cursor").put("room", "r").put("rev", 0)
                    .set("ranges", JSON.createArrayNode().add(JSON.createArrayNode().add(0).add(0))));
            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(databaseForB::restore);

            while (true) {
                JsonNode m = bob.next(x -> !"presence".equals(x.path("type").asText()));
                if ("cursor".equals(m.path("type").asText())) {
                    assertTrue(m.path("rev").asLong() <= seen, "a cursor at a revision Bob was not sent yet: " + m
                            + " (he has seen revision " + seen + ")");
                    break;
                }
                seen = Math.max(seen, m.path("rev").asLong());
            }
        }
    }

    @Test
    void members_read_from_the_shared_hash_at_load_expire_counted_from_when_they_were_written() throws Exception {
        try (PostgresDocumentStore store = PostgresDocumentStore.open(url);
             RedisRoomBus busA = RedisRoomBus.open(Redis.URL, prefix);
             RedisRoomBus busB = RedisRoomBus.open(Redis.URL, prefix);
             TestServer a = TestServer.instance(store, busA, "INSTANCE_ID", "a", "PRESENCE_EXPIRY_SECONDS", "3");
             TestServer b = TestServer.instance(store, busB, "INSTANCE_ID", "b", "PRESENCE_EXPIRY_SECONDS", "3");
             WsClient alice = a.connect();
             WsClient bob = b.connect()) {
            String owner = a.createRoom("r");
            join(alice, owner, "Alice"); // written into the presence hash now
            Thread.sleep(200);
            busA.close(); // A goes silent, as a killed instance does
            long silent = System.nanoTime();
            Thread.sleep(2500);

            JsonNode joined = join(bob, owner, "Bob"); // the room loads on B, 2.5 s into A's silence
            assertEquals("Alice", joined.at("/members/0/name").asText());
            String left = presence(bob.next(m -> "presence".equals(m.path("type").asText())));
            double seconds = (System.nanoTime() - silent) / 1e9;
            assertEquals("leave Alice", left);
            // Silent for PRESENCE_EXPIRY_SECONDS (3 s), noticed within a heartbeat (1 s): about 4 s.
            // Counted from the load instead, it would be 5.5 s at least.
            assertTrue(seconds < 5.0, "Alice left " + seconds + " s after her instance went silent");
        }
    }

    @Test
    void an_instance_restarted_at_once_under_its_id_does_not_pass_its_new_members_off_as_the_old() throws Exception {
        try (PostgresDocumentStore store = PostgresDocumentStore.open(url);
             RedisRoomBus busB = RedisRoomBus.open(Redis.URL, prefix);
             TestServer b = TestServer.instance(store, busB, "INSTANCE_ID", "b");
             WsClient bob = b.connect()) {
            String owner = b.createRoom("r");
            join(bob, owner, "Bob");
            String alice;
            try (RedisRoomBus busA = RedisRoomBus.open(Redis.URL, prefix);
                 TestServer a = TestServer.instance(store, busA, "INSTANCE_ID", "a");
                 WsClient ws = a.connect()) {
                alice = join(ws, owner, "Alice").path("clientId").asText();
                assertEquals("join Alice", presence(bob.next(m -> "presence".equals(m.path("type").asText()))));
                busA.close(); // killed: no word to the others about Alice leaving
            }
            try (RedisRoomBus busA = RedisRoomBus.open(Redis.URL, prefix);
                 TestServer a = TestServer.instance(store, busA, "INSTANCE_ID", "a");
                 WsClient ws = a.connect()) {
                String carol = join(ws, owner, "Carol").path("clientId").asText();
                assertNotEquals(alice, carol, "client ids of the restarted instance");
                Set<String> events = new HashSet<>();
                events.add(presence(bob.next(m -> "presence".equals(m.path("type").asText()))));
                events.add(presence(bob.next(m -> "presence".equals(m.path("type").asText()))));
                assertEquals(Set.of("leave Alice", "join Carol"), events);
            }
        }
    }

    private static JsonNode join(WsClient ws, String token, String name) {
        ws.send(WsClient.message("join").put("room", "r").put("token", token).put("name", name));
        return ws.nextOfType("joined");
    }

    private static String presence(JsonNode m) {
        return m.path("event").asText() + " " + m.at("/member/name").asText();
    }

    private static void awaitBus(RedisRoomBus bus, boolean up) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (bus.isUp() != up) {
            assertTrue(System.nanoTime() < deadline, "the bus never went " + (up ? "up" : "down"));
            Thread.sleep(20);
        }
    }
}
