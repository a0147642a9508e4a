package dev.livepad.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.livepad.store.DocumentStore.AppendConflict;
import dev.livepad.testing.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against the machine's PostgreSQL, each test in a fresh schema, plus what only a
 * shared store has to get right: several instances migrating and appending at once, and group
 * commit with per-room failure. {@link PostgresOutageTest} covers an unreachable server.
 */
class PostgresDocumentStoreTest extends DocumentStoreContract {

    private String url;

    @BeforeAll
    static void requirePostgres() {
        Postgres.requireAvailable();
    }

    @Override
    protected DocumentStore newStore() {
        url = Postgres.freshDatabaseUrl();
        return PostgresDocumentStore.open(url);
    }

    @Override
    protected boolean isDurable() {
        return true;
    }

    @Override
    protected DocumentStore reopen() {
        store.close();
        return PostgresDocumentStore.open(url);
    }

    @AfterEach
    void dropSchema() {
        store.close(); // before the schema goes; the contract's close after this one is a no-op
        Postgres.drop(url);
    }

    private PostgresDocumentStore postgres() {
        return (PostgresDocumentStore) store;
    }

    // --- schema -----------------------------------------------------------------------------------

    @Test
    void the_tables_live_in_the_schema_the_url_names() throws SQLException {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection connection = Postgres.connect(Postgres.baseUrl())) {
            assertEquals(Set.of("rooms", "ops", "snapshots", "settings", "schema_version"),
                    PostgresSchema.tables(connection, schema));
        }
        assertEquals(everyVersion(), longs("SELECT version FROM schema_version ORDER BY version"));
    }

    @Test
    void three_stores_opened_at_once_on_an_empty_schema_all_migrate_it_once() throws Exception {
        String fresh = Postgres.freshDatabaseUrl();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<PostgresDocumentStore> opened = new ArrayList<>();
        try {
            CyclicBarrier together = new CyclicBarrier(3);
            List<Future<PostgresDocumentStore>> opening = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                opening.add(pool.submit(() -> {
                    together.await();
                    return PostgresDocumentStore.open(fresh);
                }));
            }
            for (Future<PostgresDocumentStore> each : opening) {
                opened.add(each.get(30, TimeUnit.SECONDS));
            }
            assertTrue(opened.get(0).createRoom(room("shared")));
            for (PostgresDocumentStore each : opened) {
                assertEquals(1, each.roomCount());
            }
            try (Connection connection = Postgres.connect(fresh)) {
                assertEquals(everyVersion(), longs(connection, "SELECT version FROM schema_version ORDER BY version"));
            }
        } finally {
            opened.forEach(PostgresDocumentStore::close);
            pool.shutdownNow();
            Postgres.drop(fresh);
        }
    }

    @Test
    void a_schema_of_a_newer_version_is_refused() {
        store.close();
        execute("INSERT INTO schema_version (version) VALUES (" + (PostgresSchema.VERSION + 1) + ")");
        StoreException refused = assertThrows(StoreException.class, () -> PostgresDocumentStore.open(url));
        assertTrue(refused.getMessage().contains("newer"), refused.getMessage());
    }

    @Test
    void tables_of_the_same_names_without_a_version_are_left_alone() {
        store.close();
        execute("DROP TABLE schema_version");
        assertThrows(StoreException.class, () -> PostgresDocumentStore.open(url));
    }

    @Test
    void a_url_naming_no_existing_schema_is_refused_with_a_clear_message() {
        String nowhere = Postgres.withSchema(Postgres.baseUrl(), "livepad_no_such_schema");
        StoreException refused = assertThrows(StoreException.class, () -> PostgresDocumentStore.open(nowhere));
        assertTrue(refused.getMessage().contains("currentSchema"), refused.getMessage());
    }

    @Test
    void an_op_id_may_repeat_since_retries_are_recognised_in_memory_not_by_an_index() {
        RoomRecord room = created("alpha");
        join(store.append(room.id(), new StoredOp(1, "a", "same-id", "c", 1, 5)));
        join(store.append(room.id(), new StoredOp(2, "b", "same-id", "c", 2, 6)));
        assertEquals("ab", text(store.load(room.id(), 10)));
    }

    // --- several instances ------------------------------------------------------------------------

    /**
     * What two instances serving one room do: each reads the head, appends a batch after it, and on
     * a conflict reads again. Every revision must have exactly one winner, every winning batch must be
     * stored whole where it asked to be, and no trace may be left of a losing one.
     */
    @Test
    void two_stores_racing_append_all_on_one_room_leave_one_gapless_log() throws Exception {
        RoomRecord room = created("contested");
        long target = 300;
        try (PostgresDocumentStore other = PostgresDocumentStore.open(url)) {
            List<DocumentStore> instances = List.of(store, other);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<List<List<StoredOp>>[]>> racers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    DocumentStore instance = instances.get(i);
                    String name = "instance-" + i;
                    racers.add(pool.submit(() -> {
                        start.await();
                        return race(instance, name, room.id(), target);
                    }));
                }
                start.countDown();
                List<List<StoredOp>> won = new ArrayList<>();
                List<List<StoredOp>> lost = new ArrayList<>();
                for (Future<List<List<StoredOp>>[]> racer : racers) {
                    List<List<StoredOp>>[] outcome = racer.get(60, TimeUnit.SECONDS);
                    won.addAll(outcome[0]);
                    lost.addAll(outcome[1]);
                }
                assertTrue(lost.size() > 0, "the instances never actually raced");
                List<StoredOp> log = store.load(room.id(), Integer.MAX_VALUE).ops();
                long head = log.get(log.size() - 1).rev();
                assertEquals(
                        LongStream.rangeClosed(1, head).boxed().toList(),
                        log.stream().map(StoredOp::rev).toList());
                Set<StoredOp> stored = new HashSet<>(log);
                assertEquals(head, won.stream().mapToLong(List::size).sum(), "each revision has exactly one winner");
                won.forEach(batch -> assertTrue(stored.containsAll(batch), "a winning batch is stored whole"));
                Set<String> storedIds = new HashSet<>();
                log.forEach(op -> storedIds.add(op.opId()));
                lost.forEach(batch -> batch.forEach(op -> assertTrue(!storedIds.contains(op.opId()),
                        "no trace of a losing batch: " + op.opId())));
                assertEquals(Map.of(room.id(), head), other.heads(List.of(room.id())));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Appends batches of 1 to 4 ops after the head it reads until the log reaches {@code target}. */
    @SuppressWarnings("unchecked")
    private static List<List<StoredOp>>[] race(DocumentStore instance, String name, String roomId, long target)
            throws InterruptedException, java.util.concurrent.TimeoutException {
        List<List<StoredOp>> won = new ArrayList<>();
        List<List<StoredOp>> lost = new ArrayList<>();
        java.util.Random random = new java.util.Random(name.hashCode());
        for (int attempt = 0; ; attempt++) {
            long head = instance.heads(List.of(roomId)).get(roomId);
            if (head >= target) {
                return new List[] {won, lost};
            }
            List<StoredOp> batch = new ArrayList<>();
            for (int i = 0, size = 1 + random.nextInt(4); i < size; i++) {
                batch.add(new StoredOp(head + 1 + i, name + ",", name + "-" + attempt + "-" + i, name, 0, 0));
            }
            try {
                instance.appendAll(roomId, batch).get(30, TimeUnit.SECONDS);
                won.add(batch);
            } catch (ExecutionException e) {
                assertInstanceOf(AppendConflict.class, e.getCause());
                lost.add(batch);
            }
        }
    }

    // --- group commit -----------------------------------------------------------------------------

    @Test
    void group_commit_takes_far_fewer_commits_than_appends() throws Exception {
        int threads = 8;
        int rooms = 50;
        int appends = 2_000;
        List<RoomRecord> records = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            records.add(created("room-" + i));
        }
        long commitsBefore = postgres().commitCount();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitted.add(pool.submit(() -> {
                    start.await();
                    List<CompletableFuture<Void>> futures = new ArrayList<>();
                    for (long rev = 1; rev <= appends / rooms; rev++) {
                        for (int r = thread; r < rooms; r += threads) {
                            futures.add(store.append(records.get(r).id(), op(rev, "x")));
                        }
                    }
                    return futures;
                }));
            }
            start.countDown();
            for (Future<List<CompletableFuture<Void>>> thread : submitted) {
                thread.get(30, TimeUnit.SECONDS).forEach(DocumentStoreContract::join);
            }
        } finally {
            pool.shutdownNow();
        }
        long commits = postgres().commitCount() - commitsBefore;
        assertTrue(commits <= appends / 10, appends + " appends took " + commits + " commits");
        assertEquals(appends, store.heads(records.stream().map(RoomRecord::id).toList())
                .values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void a_row_written_behind_the_heads_back_fails_only_that_append() {
        RoomRecord clashing = created("clashing");
        RoomRecord bystander = created("bystander");
        append(clashing, 1, "1,");
        // Another program takes revision 2 without moving the head: the head UPDATE passes, the INSERT clashes.
        execute("INSERT INTO ops (room_id, rev, op_json, time) VALUES ('" + clashing.id() + "', 2, '2,', 0)");
        List<CompletableFuture<Void>> before = new ArrayList<>();
        for (long rev = 1; rev <= 300; rev++) { // keeps the writer busy so the next appends share a group
            before.add(store.append(bystander.id(), op(rev, rev + ",")));
        }
        CompletableFuture<Void> clash = store.append(clashing.id(), op(2, "mine"));
        CompletableFuture<Void> after = store.append(bystander.id(), op(301, "301,"));

        assertInstanceOf(AppendConflict.class, failureOf(clash));
        before.forEach(DocumentStoreContract::join);
        join(after);
        assertEquals(expectedText(301), text(store.load(bystander.id(), 1_000)));
        assertEquals(Map.of(clashing.id(), 1L), store.heads(List.of(clashing.id())), "the failed batch left no trace");
        // The stray row contradicts the head: the room is refused rather than served wrong.
        assertThrows(StoreException.class, () -> store.load(clashing.id(), 10));
    }

    @Test
    void text_postgresql_refuses_fails_only_its_room_batch() {
        RoomRecord refused = created("refused");
        RoomRecord bystander = created("bystander");
        List<CompletableFuture<Void>> before = new ArrayList<>();
        for (long rev = 1; rev <= 300; rev++) {
            before.add(store.append(bystander.id(), op(rev, rev + ",")));
        }
        CompletableFuture<Void> nul = store.appendAll(refused.id(), List.of(op(1, "fine"), op(2, "nul \u0000 byte")));
        CompletableFuture<Void> after = store.append(bystander.id(), op(301, "301,"));

        Throwable failure = failureOf(nul);
        assertInstanceOf(StoreException.class, failure);
        assertTrue(failure.getMessage().contains(refused.id()), failure.getMessage());
        before.forEach(DocumentStoreContract::join);
        join(after);
        assertEquals(expectedText(301), text(store.load(bystander.id(), 1_000)));
        join(store.appendAll(refused.id(), List.of(op(1, "a"), op(2, "b"))));
        assertEquals("ab", text(store.load(refused.id(), 10)));
    }

    /**
     * Batches of one room that land in one group resolve as trying them one by one in append order
     * would: a room whose batches are irregular (one takes a revision already taken, one skips
     * ahead), and a room whose batches form one chain that another instance partly took first.
     */
    @Test
    void batches_of_one_room_in_one_group_resolve_as_if_tried_in_turn() throws Exception {
        RoomRecord blocker = created("blocker");
        RoomRecord irregular = created("irregular");
        RoomRecord chained = created("chained");
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        try (Connection holder = Postgres.connect(url); PostgresDocumentStore other = PostgresDocumentStore.open(url)) {
            // The writer takes the blocker's append alone and waits on its row; the rest queue behind.
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.execute("SELECT 1 FROM rooms WHERE id = '" + blocker.id() + "' FOR UPDATE");
            }
            CompletableFuture<Void> blocked = store.append(blocker.id(), op(1, "x"));
            Thread.sleep(200);
            futures.add(store.append(irregular.id(), op(1, "a")));
            futures.add(store.appendAll(irregular.id(), List.of(op(2, "b"), op(3, "c"))));
            futures.add(store.append(irregular.id(), op(3, "taken")));
            futures.add(store.append(irregular.id(), op(4, "d")));
            futures.add(store.append(irregular.id(), op(6, "ahead")));
            futures.add(store.append(irregular.id(), op(5, "e")));
            futures.add(store.append(chained.id(), op(1, "p")));
            futures.add(store.append(chained.id(), op(2, "q")));
            futures.add(store.append(chained.id(), op(3, "r")));
            join(other.appendAll(chained.id(), List.of(op(1, "o"), op(2, "o")))); // the other instance was first
            holder.rollback();
            join(blocked);
        }
        List<String> outcomes = new ArrayList<>();
        for (CompletableFuture<Void> future : futures) {
            outcomes.add(
                    future.handle((ok, e) -> e == null ? "ok" : e.getClass().getSimpleName())
                            .get(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of("ok", "ok", "AppendConflict", "ok", "AppendConflict", "ok",
                "AppendConflict", "AppendConflict", "ok"), outcomes);
        assertEquals("abcde", text(store.load(irregular.id(), 10)));
        assertEquals("oor", text(store.load(chained.id(), 10)));
    }

    @Test
    void append_all_with_gaps_between_its_ops_is_refused() {
        RoomRecord room = created("alpha");
        assertInstanceOf(IllegalArgumentException.class,
                failureOf(store.appendAll(room.id(), List.of(op(1, "a"), op(3, "c")))));
        assertEquals(0, store.load(room.id(), 10).headRev());
    }

    @Test
    void a_full_queue_refuses_appends_at_once_and_the_queued_ones_still_complete() throws Exception {
        RoomRecord room = created("alpha");
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        Throwable refusal = null;
        try (Connection blocker = Postgres.connect(url)) {
            // Holding the room's row stalls the writer on its head UPDATE, so appends pile up.
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("SELECT 1 FROM rooms WHERE id = '" + room.id() + "' FOR UPDATE");
            }
            for (long rev = 1; rev <= 200_000 && refusal == null; rev++) {
                CompletableFuture<Void> future = store.append(room.id(), op(rev, "x"));
                if (future.isCompletedExceptionally()) {
                    refusal = failureOf(future);
                } else {
                    queued.add(future);
                }
            }
            blocker.rollback();
        }
        assertInstanceOf(StoreException.class, refusal);
        assertTrue(refusal.getMessage().contains("full"), refusal.getMessage());
        assertTrue(queued.size() >= 10_000, queued.size() + " queued");
        for (CompletableFuture<Void> future : queued) {
            try {
                future.get(30, TimeUnit.SECONDS); // or a lock timeout; either way it completes
            } catch (ExecutionException outcome) {
                assertInstanceOf(RuntimeException.class, outcome.getCause());
            }
        }
    }

    @Test
    void close_commits_pending_appends_and_then_refuses_writes() {
        RoomRecord room = created("alpha");
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (long rev = 1; rev <= 500; rev++) {
            futures.add(store.append(room.id(), op(rev, rev + ",")));
        }
        store.close();
        assertTrue(futures.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()),
                "every append queued before close is acknowledged by the time close returns");
        assertInstanceOf(StoreException.class, failureOf(store.append(room.id(), op(501, "x"))));
        assertThrows(StoreException.class, () -> store.createRoom(room("beta")));
        assertThrows(StoreException.class, () -> store.load(room.id(), 10));
        store.close(); // idempotent

        store = PostgresDocumentStore.open(url);
        assertEquals(expectedText(500), text(store.load(room.id(), 1_000)));
    }

    @Test
    void deleting_a_room_removes_its_rows() {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 20);
        store.saveSnapshot(room.id(), 10, expectedText(10), 5);
        store.deleteRoom("alpha", room.id());
        for (String table : List.of("ops", "snapshots")) {
            assertEquals(List.of(0L), longs("SELECT count(*) FROM " + table + " WHERE room_id = '" + room.id() + "'"));
        }
    }

    @Test
    void a_snapshot_never_moves_the_head() {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 10);
        store.saveSnapshot(room.id(), 5, expectedText(5), 0);
        assertEquals(Map.of(room.id(), 10L), store.heads(List.of(room.id())));
        append(room, 11, "11,");
        assertEquals(expectedText(11), text(store.load(room.id(), 0)));
    }

    // --- helpers ----------------------------------------------------------------------------------

    private void execute(String sql) {
        Postgres.execute(url, sql);
    }

    private List<Long> longs(String sql) {
        try (Connection connection = Postgres.connect(url)) {
            return longs(connection, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> longs(Connection connection, String sql) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getLong(1));
            }
        }
        return values;
    }

    /** The schema_version rows a fresh schema has: one per migration applied, each once. */
    private static List<Long> everyVersion() {
        return java.util.stream.LongStream.rangeClosed(1, PostgresSchema.VERSION).boxed().toList();
    }
}
