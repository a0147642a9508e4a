package dev.livepad.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livepad.store.DocumentStore.AppendConflict;
import dev.livepad.store.DocumentStore.LoadedDocument;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour every {@link DocumentStore} must show. Ops in these tests are opaque to the store; the
 * tests give each op the text it appends, so a document is its base text followed by its ops.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class DocumentStoreContract {

    protected DocumentStore store;

    /** A new, empty store. */
    protected abstract DocumentStore newStore() throws Exception;

    /** Whether {@link #reopen} keeps data; stores that cannot skip the durability tests. */
    protected boolean isDurable() {
        return false;
    }

    /**
     * Whether {@link DocumentStore#appendAll} is all or none even when another writer took a
     * revision. Only stores that can have another writer must be: a single-writer store (SQLite
     * behind its directory lock) never sees a conflict outside these tests.
     */
    protected boolean hasSharedWriters() {
        return true;
    }

    /** Closes {@link #store} and returns a store over the same data. */
    protected DocumentStore reopen() throws Exception {
        throw new UnsupportedOperationException("not durable");
    }

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // --- rooms ------------------------------------------------------------------------------------

    @Test
    void a_created_room_can_be_found_by_name() {
        RoomRecord room = room("alpha");
        assertTrue(store.createRoom(room));
        assertEquals(Optional.of(room), store.findRoom("alpha"));
    }

    @Test
    void an_unknown_name_finds_nothing() {
        assertEquals(Optional.empty(), store.findRoom("nobody"));
    }

    @Test
    void creating_a_room_with_a_taken_name_returns_false() {
        RoomRecord first = room("alpha");
        assertTrue(store.createRoom(first));
        assertFalse(store.createRoom(room("alpha")));
        assertEquals(Optional.of(first), store.findRoom("alpha"));
    }

    @Test
    void deleting_a_room_removes_it_with_its_log() {
        RoomRecord room = created("alpha");
        append(room, 1, "a");
        store.saveSnapshot(room.id(), 1, "a", 0);
        assertTrue(store.deleteRoom("alpha", room.id()));
        assertEquals(Optional.empty(), store.findRoom("alpha"));
        assertThrows(StoreException.class, () -> store.load(room.id(), 10));
        assertFalse(store.deleteRoom("alpha", room.id()), "second delete");
    }

    @Test
    void a_reused_name_gives_a_new_incarnation_with_an_empty_log() {
        RoomRecord old = created("alpha");
        append(old, 1, "old");
        assertTrue(store.deleteRoom("alpha", old.id()));
        RoomRecord fresh = created("alpha");
        assertNotEquals(old.id(), fresh.id());
        assertEquals(Optional.of(fresh), store.findRoom("alpha"));
        LoadedDocument document = store.load(fresh.id(), 100);
        assertEquals(0, document.headRev());
        assertEquals("", text(document));
    }

    @Test
    void deleting_a_stale_incarnation_is_refused() {
        RoomRecord old = created("alpha");
        store.deleteRoom("alpha", old.id());
        RoomRecord fresh = created("alpha");
        assertFalse(store.deleteRoom("alpha", old.id()));
        assertFalse(store.deleteRoom("alpha", "no-such-id"));
        assertEquals(Optional.of(fresh), store.findRoom("alpha"));
    }

    @Test
    void a_new_token_generation_is_counted_and_found_with_the_room() {
        RoomRecord room = created("alpha");
        assertEquals(0, store.findRoom("alpha").orElseThrow().tokenGen());
        assertEquals(java.util.OptionalLong.of(1), store.nextTokenGeneration("alpha", room.id(), 0));
        assertEquals(java.util.OptionalLong.of(2), store.nextTokenGeneration("alpha", room.id(), 1));
        assertEquals(java.util.OptionalLong.empty(), store.nextTokenGeneration("alpha", room.id(), 1),
                "a revocation that lost the race does not count");
        assertEquals(2, store.findRoom("alpha").orElseThrow().tokenGen());
    }

    @Test
    void a_stale_incarnation_gets_no_token_generation() {
        RoomRecord old = created("alpha");
        store.deleteRoom("alpha", old.id());
        RoomRecord fresh = created("alpha");
        assertEquals(java.util.OptionalLong.empty(), store.nextTokenGeneration("alpha", old.id(), 0));
        assertEquals(0, store.findRoom("alpha").orElseThrow().tokenGen());
        assertEquals(java.util.OptionalLong.empty(), store.nextTokenGeneration("beta", fresh.id(), 0));
    }

    @Test
    void room_count_counts_live_rooms() {
        assertEquals(0, store.roomCount());
        RoomRecord a = created("a");
        created("b");
        created("c");
        assertEquals(3, store.roomCount());
        store.deleteRoom("a", a.id());
        assertEquals(2, store.roomCount());
    }

    // --- appends ----------------------------------------------------------------------------------

    @Test
    void append_at_head_plus_one_succeeds() {
        RoomRecord room = created("alpha");
        append(room, 1, "a");
        append(room, 2, "b");
        assertEquals(2, store.load(room.id(), 10).headRev());
    }

    @Test
    void append_at_a_taken_revision_conflicts() {
        RoomRecord room = created("alpha");
        append(room, 1, "a");
        append(room, 2, "b");
        assertInstanceOf(AppendConflict.class, failureOf(store.append(room.id(), op(2, "x"))));
        assertInstanceOf(AppendConflict.class, failureOf(store.append(room.id(), op(1, "x"))));
        assertEquals("ab", text(store.load(room.id(), 10)), "the log is unchanged");
    }

    @Test
    void append_at_a_future_revision_conflicts() {
        RoomRecord room = created("alpha");
        append(room, 1, "a");
        assertInstanceOf(AppendConflict.class, failureOf(store.append(room.id(), op(3, "x"))));
        append(room, 2, "b");
        assertEquals("ab", text(store.load(room.id(), 10)));
    }

    @Test
    void append_to_a_deleted_room_fails_and_does_not_resurrect_it() {
        RoomRecord room = created("alpha");
        append(room, 1, "a");
        store.deleteRoom("alpha", room.id());
        Throwable failure = failureOf(store.append(room.id(), op(2, "b")));
        assertTrue(failure instanceof StoreException || failure instanceof AppendConflict, failure.toString());
        assertEquals(Optional.empty(), store.findRoom("alpha"));
        assertEquals(0, store.roomCount());
        assertThrows(StoreException.class, () -> store.load(room.id(), 10));
    }

    @Test
    void append_to_an_unknown_room_fails() {
        Throwable failure = failureOf(store.append("no-such-room", op(1, "a")));
        assertTrue(failure instanceof StoreException || failure instanceof AppendConflict, failure.toString());
    }

    @Test
    void futures_for_one_room_complete_in_append_order() throws Exception {
        RoomRecord room = created("alpha");
        List<Long> completed = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (long rev = 1; rev <= 200; rev++) {
            long r = rev;
            futures.add(store.append(room.id(), op(rev, "x")).whenComplete((v, e) -> completed.add(r)));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), completed);
    }

    @Test
    void append_all_stores_consecutive_ops_together() {
        RoomRecord room = created("alpha");
        append(room, 1, "a");
        join(store.appendAll(room.id(), List.of(op(2, "b"), op(3, "c"), op(4, "d"))));
        assertEquals("abcd", text(store.load(room.id(), 10)));
    }

    @Test
    void append_all_that_conflicts_stores_none_of_its_ops() {
        assumeTrue(hasSharedWriters(), "a single-writer store never conflicts");
        RoomRecord room = created("alpha");
        append(room, 1, "a");
        append(room, 2, "b");
        // Another writer took revision 2; this batch of 2..4 must leave no trace, not even 3 and 4.
        assertInstanceOf(AppendConflict.class,
                failureOf(store.appendAll(room.id(), List.of(op(2, "x"), op(3, "y"), op(4, "z")))));
        assertEquals("ab", text(store.load(room.id(), 10)));
        join(store.appendAll(room.id(), List.of(op(3, "c"), op(4, "d"))));
        assertEquals("abcd", text(store.load(room.id(), 10)));
    }

    @Test
    void one_rooms_conflict_never_fails_another_rooms_batch() throws Exception {
        assumeTrue(hasSharedWriters(), "a single-writer store never conflicts");
        RoomRecord a = created("alpha");
        RoomRecord b = created("beta");
        append(a, 1, "a");
        CompletableFuture<Void> conflicting = store.appendAll(a.id(), List.of(op(1, "x"), op(2, "y")));
        CompletableFuture<Void> fine = store.appendAll(b.id(), List.of(op(1, "p"), op(2, "q")));
        assertInstanceOf(AppendConflict.class, failureOf(conflicting));
        join(fine);
        assertEquals("a", text(store.load(a.id(), 10)));
        assertEquals("pq", text(store.load(b.id(), 10)));
    }

    @Test
    void a_rebasing_append_that_lost_its_race_is_stored_after_the_winners_as_rebased() {
        assumeTrue(hasSharedWriters(), "a single-writer store never loses a race");
        RoomRecord room = created("alpha");
        append(room, 1, "a");
        append(room, 2, "b"); // another writer's, while ours was made at revision 1
        List<List<StoredOp>> seen = new ArrayList<>();
        DocumentStore.Rebaser rebaser = (mine, theirs) -> {
            seen.add(theirs);
            long rev = theirs.get(theirs.size() - 1).rev() + 1;
            List<StoredOp> rebased = new ArrayList<>();
            for (StoredOp op : mine) {
                rebased.add(op(rev++, op.opJson().toUpperCase()));
            }
            return rebased;
        };
        DocumentStore.Appended appended = joinValue(store.appendRebasing(room.id(), List.of(op(2, "x"), op(3, "y")),
                rebaser));
        assertEquals(List.of(op(2, "b")), appended.theirs());
        assertEquals(List.of(op(3, "X"), op(4, "Y")), appended.stored());
        assertEquals(List.of(List.of(op(2, "b"))), seen, "the rebaser saw exactly the winners");
        assertEquals("abXY", text(store.load(room.id(), 10)));
    }

    @Test
    void a_rebasing_append_the_rebaser_declines_is_a_conflict_and_stores_nothing() {
        assumeTrue(hasSharedWriters(), "a single-writer store never loses a race");
        RoomRecord room = created("alpha");
        append(room, 1, "a");
        append(room, 2, "b");
        assertInstanceOf(AppendConflict.class,
                failureOf(store.appendRebasing(room.id(), List.of(op(2, "x")), (mine, theirs) -> null)));
        assertEquals("ab", text(store.load(room.id(), 10)));
    }

    @Test
    void a_rebasing_append_that_won_is_stored_as_sent() {
        RoomRecord room = created("alpha");
        append(room, 1, "a");
        DocumentStore.Appended appended = joinValue(store.appendRebasing(room.id(), List.of(op(2, "b")),
                (mine, theirs) -> fail("nothing to rebase past")));
        assertEquals(List.of(), appended.theirs());
        assertEquals(List.of(op(2, "b")), appended.stored());
        assertEquals("ab", text(store.load(room.id(), 10)));
    }

    @Test
    void ops_after_a_revision_are_read_in_order_up_to_a_limit() {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 10);
        assertEquals(List.of(4L, 5L, 6L), store.opsAfter(room.id(), 3, 3).stream().map(StoredOp::rev).toList());
        assertEquals(List.of(9L, 10L), store.opsAfter(room.id(), 8, 100).stream().map(StoredOp::rev).toList());
        assertEquals(List.of(), store.opsAfter(room.id(), 10, 100));
        assertEquals(op(7, "7,"), store.opsAfter(room.id(), 6, 1).get(0), "every field is read back");
    }

    @Test
    void heads_name_each_live_room_with_its_last_revision() {
        RoomRecord a = created("alpha");
        RoomRecord b = created("beta");
        RoomRecord gone = created("gone");
        appendAll(a, 1, 5);
        store.deleteRoom("gone", gone.id());
        assertEquals(java.util.Map.of(a.id(), 5L, b.id(), 0L),
                store.heads(List.of(a.id(), b.id(), gone.id(), "no-such-room")));
    }

    // --- load -------------------------------------------------------------------------------------

    @Test
    void a_new_room_loads_empty_at_revision_zero() {
        RoomRecord room = created("alpha");
        LoadedDocument document = store.load(room.id(), 100);
        assertEquals(new LoadedDocument(0, "", List.of()), document);
    }

    @Test
    void load_returns_the_ops_in_order_with_their_fields() {
        RoomRecord room = created("alpha");
        StoredOp first = new StoredOp(1, "[\"hi\"]", "op-1", "client-a", 1_000, 42);
        StoredOp second = new StoredOp(2, "[2,\"!\"]", "op-2", "client-b", 2_000, -7);
        join(store.append(room.id(), first));
        join(store.append(room.id(), second));
        assertEquals(new LoadedDocument(0, "", List.of(first, second)), store.load(room.id(), 10));
    }

    @Test
    void load_of_an_unknown_room_throws() {
        assertThrows(StoreException.class, () -> store.load("no-such-room", 10));
    }

    // --- snapshots and retention ------------------------------------------------------------------

    @Test
    void with_no_history_wanted_load_starts_at_the_newest_snapshot() {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 10);
        store.saveSnapshot(room.id(), 10, expectedText(10), 0);
        appendAll(room, 11, 12);
        LoadedDocument document = store.load(room.id(), 0);
        assertEquals(10, document.baseRev());
        assertEquals(expectedText(10), document.baseText());
        assertEquals(List.of(11L, 12L), revs(document));
        assertEquals(expectedText(12), text(document));
    }

    @Test
    void load_reaches_back_before_the_newest_snapshot_for_history() {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 30);
        store.saveSnapshot(room.id(), 30, expectedText(30), 20);
        LoadedDocument document = store.load(room.id(), 20);
        assertTrue(document.ops().size() >= 20, "history of " + document.ops().size());
        assertEquals(30, document.headRev());
        assertEquals(expectedText(30), text(document));
    }

    @Test
    void a_snapshot_beyond_the_head_is_rejected() {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 3);
        assertThrows(IllegalArgumentException.class, () -> store.saveSnapshot(room.id(), 4, "nope", 0));
        assertEquals(expectedText(3), text(store.load(room.id(), 0)));
    }

    @Test
    void a_snapshot_of_a_deleted_room_fails() {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 3);
        store.deleteRoom("alpha", room.id());
        assertThrows(StoreException.class, () -> store.saveSnapshot(room.id(), 3, expectedText(3), 0));
        assertEquals(Optional.empty(), store.findRoom("alpha"));
    }

    @Test
    void periodic_snapshots_keep_the_log_bounded_and_the_history_intact() {
        int historyOps = 50;
        int interval = 100;
        RoomRecord room = created("alpha");
        for (long from = 1; from <= 1_000; from += interval) {
            appendAll(room, from, from + interval - 1);
            long rev = from + interval - 1;
            store.saveSnapshot(room.id(), rev, expectedText(rev), historyOps);

            LoadedDocument document = store.load(room.id(), historyOps);
            assertEquals(rev, document.headRev());
            assertTrue(document.ops().size() >= historyOps, "history of " + document.ops().size() + " at " + rev);
            assertEquals(expectedText(rev), text(document), "text at " + rev);
        }
        appendAll(room, 1_001, 1_030);

        LoadedDocument withHistory = store.load(room.id(), historyOps);
        assertEquals(1_030, withHistory.headRev());
        assertTrue(withHistory.ops().size() >= historyOps);
        assertEquals(expectedText(1_030), text(withHistory));

        // Asking for unbounded history returns everything still stored.
        LoadedDocument everything = store.load(room.id(), Integer.MAX_VALUE);
        assertEquals(expectedText(1_030), text(everything));
        assertTrue(everything.ops().size() <= historyOps + interval + 30,
                "stored ops: " + everything.ops().size());
    }

    @Test
    void keeping_every_op_drops_nothing_and_each_snapshot_stays_readable() {
        RoomRecord room = created("alpha");
        for (long rev = 1; rev <= 30; rev++) {
            append(room, rev, rev + ",");
            if (rev % 7 == 0) {
                store.saveSnapshot(room.id(), rev, expectedText(rev), Integer.MAX_VALUE);
            }
        }
        assertEquals(List.of(1L, 2L), store.opsAfter(room.id(), 0, 2).stream().map(StoredOp::rev).toList());
        assertEquals(Optional.empty(), store.snapshotAtOrBefore(room.id(), 6));
        assertEquals(Optional.of(new DocumentStore.Snapshot(7, expectedText(7))),
                store.snapshotAtOrBefore(room.id(), 13));
        assertEquals(Optional.of(new DocumentStore.Snapshot(14, expectedText(14))),
                store.snapshotAtOrBefore(room.id(), 14));
        assertEquals(Optional.of(new DocumentStore.Snapshot(28, expectedText(28))),
                store.snapshotAtOrBefore(room.id(), 1_000));
        LoadedDocument document = store.load(room.id(), 5);
        assertEquals(21, document.baseRev(), "a load still starts at the newest snapshot it needs");
        assertEquals(expectedText(30), text(document));
    }

    @Test
    void an_op_keeps_its_authors_name() throws Exception {
        RoomRecord room = created("alpha");
        join(store.append(room.id(), new StoredOp(1, "a", "op-1", "c7", 1_700_000_000_001L, 42, "Ada Lovelace")));
        join(store.append(room.id(), new StoredOp(2, "b", "op-2", "c8", 1_700_000_000_002L, 43)));
        if (isDurable()) {
            store = reopen();
        }
        List<StoredOp> ops = store.opsAfter(room.id(), 0, 10);
        assertEquals("Ada Lovelace", ops.get(0).name());
        assertEquals("c7", ops.get(0).clientId());
        assertEquals(null, ops.get(1).name(), "no name given, none stored");
        assertEquals(ops, store.load(room.id(), 10).ops());
    }

    @Test
    void load_with_more_history_than_kept_starts_at_the_oldest_snapshot() {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 100);
        store.saveSnapshot(room.id(), 50, expectedText(50), 10);
        store.saveSnapshot(room.id(), 100, expectedText(100), 10);
        LoadedDocument document = store.load(room.id(), 1_000);
        assertEquals(50, document.baseRev());
        assertEquals(expectedText(100), text(document));
    }

    @Test
    void a_snapshot_with_zero_history_can_drop_the_whole_log() {
        RoomRecord room = created("alpha");
        appendAll(room, 1, 5);
        store.saveSnapshot(room.id(), 5, expectedText(5), 0);
        LoadedDocument document = store.load(room.id(), 100);
        assertEquals(new LoadedDocument(5, expectedText(5), List.of()), document);
        assertInstanceOf(AppendConflict.class, failureOf(store.append(room.id(), op(5, "x"))));
        append(room, 6, "6,");
        assertEquals(expectedText(6), text(store.load(room.id(), 100)));
    }

    // --- settings ---------------------------------------------------------------------------------

    @Test
    void an_absent_setting_is_empty() {
        assertEquals(Optional.empty(), store.setting("secret"));
    }

    @Test
    void put_setting_if_absent_keeps_the_first_value() {
        assertEquals("one", store.putSettingIfAbsent("secret", "one"));
        assertEquals("one", store.putSettingIfAbsent("secret", "two"));
        assertEquals(Optional.of("one"), store.setting("secret"));
    }

    // --- concurrency ------------------------------------------------------------------------------

    @Test
    void concurrent_appends_to_many_rooms_are_all_stored_in_order() throws Exception {
        int threads = 8;
        int rooms = 40;
        int opsPerRoom = 50;
        List<RoomRecord> records = new ArrayList<>();
        List<List<Long>> completions = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            records.add(created("room-" + i));
            completions.add(Collections.synchronizedList(new ArrayList<>()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitted.add(pool.submit(() -> {
                    start.await();
                    List<CompletableFuture<Void>> futures = new ArrayList<>();
                    // Each thread owns some rooms and interleaves them, without waiting for acks.
                    for (long rev = 1; rev <= opsPerRoom; rev++) {
                        for (int r = thread; r < rooms; r += threads) {
                            long revision = rev;
                            List<Long> log = completions.get(r);
                            futures.add(store.append(records.get(r).id(), op(rev, rev + ","))
                                    .whenComplete((v, e) -> log.add(revision)));
                        }
                    }
                    return futures;
                }));
            }
            start.countDown();
            for (Future<List<CompletableFuture<Void>>> thread : submitted) {
                for (CompletableFuture<Void> future : thread.get(30, TimeUnit.SECONDS)) {
                    future.get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> inOrder = LongStream.rangeClosed(1, opsPerRoom).boxed().toList();
        for (int r = 0; r < rooms; r++) {
            assertEquals(inOrder, completions.get(r), "completion order of room " + r);
            LoadedDocument document = store.load(records.get(r).id(), opsPerRoom);
            assertEquals(inOrder, revs(document), "stored revisions of room " + r);
            assertEquals(expectedText(opsPerRoom), text(document));
        }
    }

    @Test
    void of_racing_appends_at_one_revision_exactly_one_wins() throws Exception {
        RoomRecord room = created("alpha");
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (long rev = 1; rev <= 20; rev++) {
                long revision = rev;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<CompletableFuture<Void>>> racers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    racers.add(pool.submit(() -> {
                        start.await();
                        return store.append(room.id(), op(revision, "t" + thread + ","));
                    }));
                }
                start.countDown();
                int wins = 0;
                for (Future<CompletableFuture<Void>> racer : racers) {
                    CompletableFuture<Void> future = racer.get(10, TimeUnit.SECONDS);
                    try {
                        future.get(10, TimeUnit.SECONDS);
                        wins++;
                    } catch (ExecutionException e) {
                        assertInstanceOf(AppendConflict.class, e.getCause());
                    }
                }
                assertEquals(1, wins, "winners at revision " + rev);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), revs(store.load(room.id(), 100)));
    }

    /**
     * Ids and names are a client's strings: a lone surrogate (which UTF-8 cannot carry), U+0000
     * (which PostgreSQL's text refuses) and the store's own escape come back exactly, or a retry
     * after a restart would not be recognised as one.
     */
    @Test
    void ids_and_names_read_back_exactly_whatever_the_client_put_in_them() throws Exception {
        RoomRecord room = created("alpha");
        String[] strings = {"id-\ud800", "\udc00", "nul\u0000in", "back\\slash \ud83d\ude00", "\uffffstarts",
            "\uffff\\0041", "plain é 中"};
        List<StoredOp> written = new ArrayList<>();
        for (int i = 0; i < strings.length; i++) {
            written.add(new StoredOp(i + 1, "[\"x\"]", strings[i], strings[(i + 1) % strings.length],
                    1_700_000_000_000L, 0, strings[(i + 2) % strings.length]));
        }
        for (StoredOp op : written) {
            join(store.append(room.id(), op));
        }
        assertEquals(written, store.opsAfter(room.id(), 0, 100));
        if (isDurable()) {
            store = reopen();
            assertEquals(written, store.opsAfter(room.id(), 0, 100), "after a reopen");
        }
    }

    // --- durability (stores that keep data across a reopen) ---------------------------------------

    @Test
    void rooms_logs_snapshots_and_settings_survive_a_reopen() throws Exception {
        assumeTrue(isDurable());
        RoomRecord room = created("alpha");
        RoomRecord gone = created("gone");
        appendAll(room, 1, 40);
        store.saveSnapshot(room.id(), 30, expectedText(30), 5);
        store.deleteRoom("gone", gone.id());
        store.putSettingIfAbsent("secret", "s3cr3t");

        store = reopen();

        assertEquals(Optional.of(room), store.findRoom("alpha"));
        assertEquals(Optional.empty(), store.findRoom("gone"));
        assertEquals(1, store.roomCount());
        assertEquals(Optional.of("s3cr3t"), store.setting("secret"));
        LoadedDocument document = store.load(room.id(), 5);
        assertEquals(30, document.baseRev());
        assertEquals(expectedText(40), text(document));
    }

    @Test
    void the_head_is_known_after_a_reopen() throws Exception {
        assumeTrue(isDurable());
        RoomRecord room = created("alpha");
        appendAll(room, 1, 5);
        store = reopen();
        assertInstanceOf(AppendConflict.class, failureOf(store.append(room.id(), op(5, "x"))));
        assertInstanceOf(AppendConflict.class, failureOf(store.append(room.id(), op(7, "x"))));
        append(room, 6, "6,");
        assertEquals(expectedText(6), text(store.load(room.id(), 10)));
    }

    // --- helpers ----------------------------------------------------------------------------------

    static RoomRecord room(String name) {
        return new RoomRecord(name, UUID.randomUUID().toString(), System.currentTimeMillis());
    }

    RoomRecord created(String name) {
        RoomRecord room = room(name);
        assertTrue(store.createRoom(room), "created " + name);
        return room;
    }

    /** An op whose "JSON" is the text it appends; the store treats it as opaque. */
    static StoredOp op(long rev, String appended) {
        return new StoredOp(rev, appended, "op-" + rev, "client-1", 1_700_000_000_000L + rev, 0);
    }

    void append(RoomRecord room, long rev, String appended) {
        join(store.append(room.id(), op(rev, appended)));
    }

    /** Appends revisions {@code from..to}, each appending "rev,", without waiting between them. */
    void appendAll(RoomRecord room, long from, long to) {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (long rev = from; rev <= to; rev++) {
            futures.add(store.append(room.id(), op(rev, rev + ",")));
        }
        futures.forEach(DocumentStoreContract::join);
    }

    /** The text after revisions 1..rev of {@link #appendAll}. */
    static String expectedText(long rev) {
        return LongStream.rangeClosed(1, rev).mapToObj(r -> r + ",").collect(Collectors.joining());
    }

    static String text(LoadedDocument document) {
        StringBuilder text = new StringBuilder(document.baseText());
        long expectedRev = document.baseRev() + 1;
        for (StoredOp op : document.ops()) {
            assertEquals(expectedRev++, op.rev(), "ops follow the base without gaps");
            text.append(op.opJson());
        }
        return text.toString();
    }

    static List<Long> revs(LoadedDocument document) {
        return document.ops().stream().map(StoredOp::rev).toList();
    }

    static void join(CompletableFuture<?> future) {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            fail("append failed", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            fail(e);
        }
    }

    static <T> T joinValue(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return fail("append failed", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            return fail(e);
        }
    }

    static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            fail(e);
        }
        return fail("expected the future to fail");
    }
}
