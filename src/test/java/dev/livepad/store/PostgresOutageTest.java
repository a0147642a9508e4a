package dev.livepad.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.testing.Nginx;
import dev.livepad.testing.Postgres;
import dev.livepad.testing.TcpProxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * PostgreSQL out of reach: every call must fail with {@link StoreException} within seconds, never
 * hang, and the store must serve again once the server is back. The store talks to the real server
 * through a {@link TcpProxy} that the tests cut (connections reset, new ones refused) or stall
 * (connections open, nothing comes back).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PostgresOutageTest {

    /** Generous for a 2-core machine: the store's own bounds are 3 s for a connection, 10 s for a reply. */
    private static final Duration PROMPTLY = Duration.ofSeconds(20);

    private String schemaUrl;
    private TcpProxy proxy;
    private PostgresDocumentStore store;

    @BeforeAll
    static void requirePostgres() {
        Postgres.requireAvailable();
    }

    @BeforeEach
    void openThroughProxy() throws Exception {
        schemaUrl = Postgres.freshDatabaseUrl();
        proxy = TcpProxy.start("127.0.0.1", 5432);
    }

    @AfterEach
    void closeAll() {
        if (store != null) {
            store.close();
        }
        proxy.close();
        Postgres.drop(schemaUrl);
    }

    /** The schema's URL with the proxy's port in place of 5432, plus {@code extra} query parameters. */
    private String proxied(String extra) {
        return schemaUrl.replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port()) + extra;
    }

    @Test
    void opening_fails_promptly_when_nothing_listens() {
        int port = Nginx.freePort();
        long started = System.nanoTime();
        StoreException refused = assertThrows(StoreException.class,
                () -> PostgresDocumentStore.open("postgresql://root:pw@127.0.0.1:" + port + "/test"));
        assertTrue(refused.getMessage().contains("unreachable"), refused.getMessage());
        assertTrue(!refused.getMessage().contains(":pw"), refused.getMessage());
        assertFaster(started);
    }

    @Test
    void a_cut_connection_fails_appends_and_reads_promptly_and_a_new_one_serves_after() throws Exception {
        store = PostgresDocumentStore.open(proxied(""));
        RoomRecord room = DocumentStoreContract.room("alpha");
        assertTrue(store.createRoom(room));
        DocumentStoreContract.join(store.append(room.id(), DocumentStoreContract.op(1, "a")));

        proxy.cut();
        assertUnreachable(store.append(room.id(), DocumentStoreContract.op(2, "b")));
        assertFailsPromptly(() -> store.findRoom("alpha"));
        assertFailsPromptly(() -> store.load(room.id(), 10));
        assertFailsPromptly(() -> store.heads(java.util.List.of(room.id())));

        proxy.restore();
        appendEventually(room, 2, "b");
        assertEquals("ab", DocumentStoreContract.text(store.load(room.id(), 10)));
    }

    @Test
    void a_silent_server_fails_appends_and_reads_within_the_socket_timeout() throws Exception {
        store = PostgresDocumentStore.open(proxied("&socketTimeout=2")); // the URL's setting beats the 10 s default
        RoomRecord room = DocumentStoreContract.room("alpha");
        assertTrue(store.createRoom(room));
        DocumentStoreContract.join(store.append(room.id(), DocumentStoreContract.op(1, "a")));

        proxy.stall();
        assertUnreachable(store.append(room.id(), DocumentStoreContract.op(2, "b")));
        assertFailsPromptly(() -> store.findRoom("alpha"));
        assertFailsPromptly(() -> store.opsAfter(room.id(), 0, 10));

        proxy.restore();
        appendEventually(room, 2, "b");
        assertEquals("ab", DocumentStoreContract.text(store.load(room.id(), 10)));
    }

    private static void assertUnreachable(CompletableFuture<Void> append) throws Exception {
        long started = System.nanoTime();
        try {
            append.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("an append through a dead connection succeeded");
        } catch (ExecutionException e) {
            assertInstanceOf(StoreException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("unreachable"), e.getCause().getMessage());
        }
        assertFaster(started);
    }

    private static void assertFailsPromptly(Executable read) {
        long started = System.nanoTime();
        assertThrows(StoreException.class, read);
        assertFaster(started);
    }

    private static void assertFaster(long startedNanos) {
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        assertTrue(took.compareTo(PROMPTLY) < 0, "took " + took);
    }

    /** The first append after an outage may still meet a connection broken by it; one soon succeeds. */
    private void appendEventually(RoomRecord room, long rev, String text) throws Exception {
        long deadline = System.nanoTime() + PROMPTLY.toNanos();
        while (true) {
            try {
                store.append(room.id(), DocumentStoreContract.op(rev, text))
                        .get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof StoreException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
