package dev.livepad.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.livepad.store.DocumentStore.LoadedDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

class SqliteDocumentStoreTest extends DocumentStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected DocumentStore newStore() {
        return SqliteDocumentStore.open(dataDir);
    }

    @Override
    protected boolean isDurable() {
        return true;
    }

    @Override
    protected boolean hasSharedWriters() {
        return false; // one process holds the directory lock
    }

    @Override
    protected DocumentStore reopen() {
        store.close();
        return SqliteDocumentStore.open(dataDir);
    }

    private SqliteDocumentStore sqlite() {
        return (SqliteDocumentStore) store;
    }

    private Path databaseFile() {
        return dataDir.resolve(SqliteDocumentStore.FILE_NAME);
    }

    @Test
    void appends_complete_on_the_writer_and_a_blocking_call_from_their_callback_fails_instead_of_deadlocking()
            throws Exception {
        RoomRecord room = room("callback");
        assertTrue(store.createRoom(room));
        // A callback registered after its append committed runs here, on the test's thread; one
        // registered before runs on the thread that delivered the commit. Each round appends two
        // ops and registers on the second, which usually waits behind the first's commit (an
        // empty writer could commit a lone op before thenRun, as it once did in CI); until one is early.
        CompletableFuture<Throwable> fromWriter = new CompletableFuture<>();
        for (int rev = 1; rev <= 200 && !fromWriter.isDone(); rev += 2) {
            store.append(room.id(), op(rev, "x"));
            CompletableFuture<Void> appended = store.append(room.id(), op(rev + 1, "x"));
            appended.thenRun(() -> {
                if (!Thread.currentThread().getName().equals("livepad-store-writer")) {
                    return;
                }
                try {
                    store.createRoom(room("second")); // would wait for the writer, which is this thread
                    fromWriter.complete(null);
                } catch (RuntimeException e) {
                    fromWriter.complete(e);
                }
            });
            appended.get(10, TimeUnit.SECONDS);
        }
        assertTrue(fromWriter.isDone(), "no append's callback ran on the writer: commits are handed to another thread");
        assertInstanceOf(IllegalStateException.class, fromWriter.get());
        // The writer is still alive and the store still works.
        assertTrue(store.createRoom(room("third")));
        assertTrue(store.findRoom("second").isEmpty());
    }

    @Test
    void the_data_directory_is_created_when_missing() {
        Path nested = dataDir.resolve("a/b/c");
        try (SqliteDocumentStore other = SqliteDocumentStore.open(nested)) {
            assertTrue(Files.isRegularFile(nested.resolve("livepad.db")));
            assertEquals(0, other.roomCount());
        }
    }

    @Test
    void the_database_runs_in_wal_mode_with_full_sync_and_foreign_keys() throws SQLException {
        assertEquals("wal", sqlite().writerPragma("journal_mode"));
        assertEquals("2", sqlite().writerPragma("synchronous"), "2 is FULL");
        assertEquals("1", sqlite().writerPragma("foreign_keys"));
        try (Connection outside = connect()) {
            assertEquals("wal", queryString(outside, "PRAGMA journal_mode"), "WAL is persistent in the file");
        }
    }

    @Test
    void connections_skip_the_generated_keys_query() throws SQLException {
        try (Connection reader = SqliteSchema.openReader(databaseFile())) {
            assertFalse(reader.unwrap(SQLiteConnection.class).getConnectionConfig().isGetGeneratedKeys());
        }
    }

    @Test
    void the_schema_version_is_recorded_in_user_version() throws SQLException {
        try (Connection outside = connect()) {
            assertEquals(String.valueOf(SqliteSchema.VERSION), queryString(outside, "PRAGMA user_version"));
        }
    }

    @Test
    void a_version_1_database_is_migrated_keeping_its_rooms_and_ops() throws Exception {
        store.close();
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(databaseFile() + suffix));
        }
        try (Connection outside = connect(); Statement statement = outside.createStatement()) {
            statement.execute(
                    "CREATE TABLE rooms (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL)");
            statement.execute(
                    "CREATE TABLE ops (room_id TEXT NOT NULL REFERENCES rooms (id), rev INTEGER NOT NULL, op_json TEXT"
                        + " NOT NULL, op_id TEXT, client_id TEXT, time INTEGER NOT NULL, PRIMARY KEY (room_id, rev))");
            statement.execute(
                    "CREATE TABLE snapshots (room_id TEXT NOT NULL REFERENCES rooms (id), rev INTEGER NOT NULL,"
                            + " text TEXT NOT NULL, PRIMARY KEY (room_id, rev))");
            statement.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            statement.execute("INSERT INTO rooms VALUES ('r1', 'old', 5)");
            statement.execute("INSERT INTO ops VALUES ('r1', 1, '[\"hi\"]', 'op-1', 'c1', 7)");
            statement.execute("PRAGMA user_version = 1");
        }
        store = SqliteDocumentStore.open(dataDir);
        assertEquals(new RoomRecord("old", "r1", 5, 0), store.findRoom("old").orElseThrow());
        assertEquals(List.of(new StoredOp(1, "[\"hi\"]", "op-1", "c1", 7, 0)), store.load("r1", 10).ops());
        assertEquals(java.util.OptionalLong.of(1), store.nextTokenGeneration("old", "r1", 0));
    }

    @Test
    void a_data_directory_the_store_creates_is_readable_by_its_owner_only() throws Exception {
        Path fresh = dataDir.resolve("made/here");
        try (SqliteDocumentStore own = SqliteDocumentStore.open(fresh)) {
            DocumentStoreContract.join(own.append(created(own, "private").id(), op(1, "secret")));
            assertEquals("rwx------", perms(fresh));
            for (String name : new String[] {"livepad.db", "livepad.db-wal", "livepad.db-shm", "livepad.db.lock"}) {
                assertEquals("rw-------", perms(fresh.resolve(name)), name);
            }
        }
    }

    private static RoomRecord created(DocumentStore store, String name) {
        RoomRecord room = new RoomRecord(name, name + "-id", 1);
        assertTrue(store.createRoom(room));
        return room;
    }

    private static String perms(Path path) throws java.io.IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void a_database_from_a_newer_version_is_refused() throws SQLException {
        store.close();
        try (Connection outside = connect(); Statement statement = outside.createStatement()) {
            statement.execute("PRAGMA user_version = " + (SqliteSchema.VERSION + 1));
        }
        assertThrows(StoreException.class, () -> SqliteDocumentStore.open(dataDir));
    }

    @Test
    void group_commit_takes_far_fewer_commits_than_appends() throws Exception {
        assertGroupCommit();
        assertEquals(0, sqlite().delayedCommitCount(), "no commit delay is configured");
    }

    @Test
    void with_a_commit_delay_every_append_is_still_stored_once_and_in_order() throws Exception {
        store.close();
        store = SqliteDocumentStore.open(dataDir, java.time.Duration.ofMillis(2));
        assertGroupCommit(); // may fill whole batches of 1,000, which never wait

        // Two appends queued back to back: the writer, woken by the first, finds the second too
        // (a wake-up takes far longer than a queue insert), so that commit has company and waits.
        RoomRecord pair = created("pair");
        long delayedBefore = sqlite().delayedCommitCount();
        for (long rev = 1; rev <= 40; rev += 2) {
            CompletableFuture<Void> first = store.append(pair.id(), op(rev, "a"));
            CompletableFuture<Void> second = store.append(pair.id(), op(rev + 1, "b"));
            DocumentStoreContract.join(first);
            DocumentStoreContract.join(second);
        }
        assertTrue(sqlite().delayedCommitCount() > delayedBefore, "commits with company waited for more");
        assertEquals(40, store.load(pair.id(), 1_000).headRev());
    }

    @Test
    void a_commit_delay_outside_0_to_100_ms_is_refused() {
        store.close();
        assertThrows(IllegalArgumentException.class,
                () -> SqliteDocumentStore.open(dataDir, java.time.Duration.ofMillis(101)));
        assertThrows(IllegalArgumentException.class,
                () -> SqliteDocumentStore.open(dataDir, java.time.Duration.ofMillis(-1)));
        store = SqliteDocumentStore.open(dataDir, java.time.Duration.ofMillis(100));
    }

    /** Appends from 8 threads to 50 rooms: all stored, each room's revisions in order, few commits. */
    private void assertGroupCommit() throws Exception {
        int threads = 8;
        int rooms = 50;
        int appends = 2_000;
        List<RoomRecord> records = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            records.add(created("room-" + i));
        }
        long commitsBefore = sqlite().commitCount();
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
        long commits = sqlite().commitCount() - commitsBefore;
        assertTrue(commits <= appends / 10, appends + " appends took " + commits + " commits");
        assertEquals(appends, records.stream().mapToLong(r -> store.load(r.id(), 1_000).headRev()).sum());
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

        store = SqliteDocumentStore.open(dataDir);
        assertEquals(expectedText(500), text(store.load(room.id(), 1_000)));
    }

    @Test
    void deleting_a_room_removes_its_rows_from_the_file() throws SQLException {
        RoomRecord room = created("alpha");
        appendAll(room, 1, SqliteWriteOps.FOLD_ROWS + 20); // so that both ops and ops_tail hold some
        store.saveSnapshot(room.id(), 10, expectedText(10), 5_000);
        store.deleteRoom("alpha", room.id());
        try (Connection outside = connect()) {
            for (String table : List.of("ops", "ops_tail", "snapshots")) {
                try (PreparedStatement count = outside.prepareStatement(
                        "SELECT COUNT(*) FROM " + table + " WHERE room_id = ?")) {
                    count.setString(1, room.id());
                    try (ResultSet row = count.executeQuery()) {
                        row.next();
                        assertEquals(0, row.getInt(1), table);
                    }
                }
            }
        }
    }

    @Test
    void a_statement_that_fails_in_a_batch_fails_only_its_append() throws SQLException {
        RoomRecord doomed = created("doomed");
        RoomRecord bystander = created("bystander");
        append(doomed, 1, "1,");
        // Another process (here a raw connection, without foreign keys) deletes the room behind the
        // writer's back, so its cached head still admits revision 2 and only the insert itself fails.
        try (Connection outside = connect(); Statement statement = outside.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
            statement.executeUpdate("DELETE FROM rooms WHERE id = '" + doomed.id() + "'");
        }
        List<CompletableFuture<Void>> before = new ArrayList<>();
        for (long rev = 1; rev <= 200; rev++) { // keeps the writer busy so the next appends share a batch
            before.add(store.append(bystander.id(), op(rev, rev + ",")));
        }
        CompletableFuture<Void> failing = store.append(doomed.id(), op(2, "mine"));
        CompletableFuture<Void> after = store.append(bystander.id(), op(201, "201,"));

        assertInstanceOf(StoreException.class, failureOf(failing));
        before.forEach(DocumentStoreContract::join);
        join(after);
        assertEquals(expectedText(201), text(store.load(bystander.id(), 1_000)));
    }

    @Test
    void the_commit_observer_hears_of_every_commit_with_its_ops_and_of_every_failed_one() throws SQLException {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        store.observeCommits(new CommitObserver() {
            @Override
            public void committed(int ops, long nanos) {
                heard.add("committed " + ops + (nanos > 0 ? "" : " in no time"));
            }

            @Override
            public void failed(int ops) {
                heard.add("failed " + ops);
            }
        });
        RoomRecord room = created("observed");
        heard.clear(); // the room's creation was a commit of no ops
        append(room, 1, "one");
        assertEquals(List.of("committed 1"), heard);

        heard.clear();
        try (Connection outside = connect(); Statement statement = outside.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
            statement.execute(
                    "CREATE TRIGGER broken BEFORE INSERT ON ops_tail BEGIN SELECT RAISE(ROLLBACK, 'disk on fire');"
                            + " END");
        }
        assertInstanceOf(StoreException.class, failureOf(store.append(room.id(), op(2, "two"))));
        assertEquals(List.of("failed 1"), heard);
    }

    @Test
    void the_log_tail_moves_into_ops_in_folds_and_every_read_spans_both_tables() throws SQLException {
        RoomRecord a = created("alpha");
        RoomRecord b = created("beta");
        int total = SqliteWriteOps.FOLD_ROWS + 300; // per room: at least one fold, and rows left in the tail
        for (long rev = 1; rev <= total; rev += 50) { // interleaved, as rooms write at once
            appendAll(a, rev, Math.min(rev + 49, total));
            appendAll(b, rev, Math.min(rev + 49, total));
        }
        try (Connection outside = connect()) {
            long tail = count(outside, "SELECT COUNT(*) FROM ops_tail");
            assertTrue(tail > 0 && tail < SqliteWriteOps.FOLD_ROWS, "the tail holds " + tail + " rows");
            assertEquals(2L * total, tail + count(outside, "SELECT COUNT(*) FROM ops"), "every op in one table");
        }
        for (boolean reopened : new boolean[] {false, true}) {
            if (reopened) {
                store = reopen();
            }
            assertEquals(expectedText(total) + (reopened ? "x" : ""), text(store.load(a.id(), 10_000)));
            assertEquals(expectedText(total), text(store.load(b.id(), 10_000)));
            // From inside ops across into the tail, within ops under a limit, and within the tail.
            List<StoredOp> after = store.opsAfter(b.id(), 100, total);
            assertEquals(total - 100, after.size());
            assertEquals(101, after.get(0).rev());
            assertEquals(total, after.get(after.size() - 1).rev());
            assertEquals(List.of(1L, 2L, 3L), store.opsAfter(b.id(), 0, 3).stream().map(StoredOp::rev).toList());
            assertEquals(List.of(total - 1L, (long) total),
                    store.opsAfter(b.id(), total - 2, 5).stream().map(StoredOp::rev).toList());
            assertEquals(Long.valueOf(total), store.heads(List.of(b.id())).get(b.id()));
            append(a, total + (reopened ? 2 : 1), "x"); // the writer's head counts the tail too
        }
    }

    @Test
    void pruning_and_deleting_reach_ops_still_in_the_tail() throws SQLException {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 300);
        store.saveSnapshot(room.id(), 250, expectedText(250), 10);
        LoadedDocument loaded = store.load(room.id(), 10);
        assertEquals(250, loaded.baseRev());
        assertEquals(expectedText(300), text(loaded));
        try (Connection outside = connect()) {
            assertEquals(50, count(outside, "SELECT COUNT(*) FROM ops_tail"), "ops up to the new base were pruned");
        }
    }

    @Test
    void a_room_whose_rows_clash_stays_in_the_tail_and_fails_to_load_while_the_others_fold() throws SQLException {
        RoomRecord broken = created("broken");
        RoomRecord healthy = created("healthy");
        appendAll(broken, 1, 10);
        // A row another process wrote into ops, at a revision the writer will append to its tail.
        try (Connection outside = connect(); Statement statement = outside.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
            statement.executeUpdate("INSERT INTO ops (room_id, rev, op_json, time) VALUES ('"
                    + broken.id() + "', 20, 'theirs', 0)");
        }
        appendAll(broken, 11, 30); // acked: committed in the tail
        int total = 3 * SqliteWriteOps.FOLD_ROWS;
        appendAll(healthy, 1, total);
        try (Connection outside = connect()) {
            assertEquals(30, count(outside, "SELECT COUNT(*) FROM ops_tail WHERE room_id = '" + broken.id() + "'"),
                    "the clashing room's rows stay in the tail");
            assertTrue(count(outside, "SELECT COUNT(*) FROM ops_tail") < SqliteWriteOps.FOLD_ROWS + 30,
                    "the other rooms' rows kept moving into ops");
            assertEquals(1, count(outside, "SELECT COUNT(*) FROM ops WHERE room_id = '" + broken.id() + "'"));
        }
        // The duplicate revision makes the room unreadable, loudly, rather than served with a wrong text.
        StoreException failure = assertThrows(StoreException.class, () -> store.load(broken.id(), 10));
        assertTrue(failure.getMessage().contains("revision 20 twice"), failure.getMessage());
        assertThrows(StoreException.class, () -> store.opsAfter(broken.id(), 15, 10));
        assertEquals(expectedText(total), text(store.load(healthy.id(), 10 * total)));
        store = reopen(); // the held-back room is found again by the first fold after a restart
        appendAll(healthy, total + 1, total + SqliteWriteOps.FOLD_ROWS + 10);
        assertEquals(expectedText(total + SqliteWriteOps.FOLD_ROWS + 10),
                text(store.load(healthy.id(), 10 * total)));
        try (Connection outside = connect()) {
            assertTrue(count(outside, "SELECT COUNT(*) FROM ops_tail") < SqliteWriteOps.FOLD_ROWS + 30,
                    "after the restart too");
        }
    }

    @Test
    void a_fold_that_ends_the_transaction_fails_no_command() throws SQLException {
        RoomRecord room = created("alpha");
        // Stands in for an error that aborts the whole transaction (I/O, memory) while ops is written.
        try (Connection outside = connect(); Statement statement = outside.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
            statement.execute("CREATE TRIGGER boom BEFORE INSERT ON ops BEGIN SELECT RAISE(ROLLBACK, 'boom'); END");
        }
        int total = 3 * SqliteWriteOps.FOLD_ROWS;
        appendAll(room, 1, total); // every append acknowledged although every fold fails
        try (Connection outside = connect(); Statement statement = outside.createStatement()) {
            assertEquals(total, count(outside, "SELECT COUNT(*) FROM ops_tail"));
            statement.execute("PRAGMA busy_timeout = 10000");
            statement.execute("DROP TRIGGER boom");
        }
        appendAll(room, total + 1, total + 2 * SqliteWriteOps.FOLD_ROWS); // folding resumes
        try (Connection outside = connect()) {
            assertTrue(count(outside, "SELECT COUNT(*) FROM ops") > 0, "a fold succeeded once the error was gone");
        }
        assertEquals(expectedText(total + 2 * SqliteWriteOps.FOLD_ROWS), text(store.load(room.id(), 100_000)));
    }

    @Test
    void a_second_store_on_the_same_directory_is_refused() {
        assertThrows(StoreException.class, () -> SqliteDocumentStore.open(dataDir));
        assertEquals(0, store.roomCount(), "the first store still works");
    }

    @Test
    void a_garbage_database_file_is_refused() throws Exception {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 10);
        store.close();
        byte[] garbage = new byte[64 * 1024];
        new Random(42).nextBytes(garbage);
        Files.write(databaseFile(), garbage);
        assertRefused(room);
    }

    @Test
    void a_database_with_garbage_pages_is_refused() throws Exception {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 2_000);
        store.close();
        byte[] file = Files.readAllBytes(databaseFile());
        assertTrue(file.length > 4 * 4096, "file of " + file.length + " bytes");
        Random random = new Random(7);
        for (int i = 100; i < file.length; i++) { // keep the 100-byte header, so it still looks like SQLite
            file[i] = (byte) random.nextInt();
        }
        Files.write(databaseFile(), file);
        assertRefused(room);
    }

    /** Opening or loading must throw StoreException; serving the room empty would lose it. */
    private void assertRefused(RoomRecord room) throws Exception {
        Files.deleteIfExists(dataDir.resolve(SqliteDocumentStore.FILE_NAME + "-wal"));
        Files.deleteIfExists(dataDir.resolve(SqliteDocumentStore.FILE_NAME + "-shm"));
        SqliteDocumentStore reopened;
        try {
            reopened = SqliteDocumentStore.open(dataDir);
        } catch (StoreException expected) {
            return;
        }
        store = reopened;
        try {
            store.findRoom("alpha");
            store.load(room.id(), 10);
        } catch (StoreException expected) {
            return;
        }
        fail("a corrupt database was served");
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + databaseFile());
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
