package dev.livepad.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Where rooms and their ordered op logs live. The embedded default is SQLite; an in-memory
 * store serves tests and benchmarks, and a shared PostgreSQL store lets several instances
 * serve one room. Implementations are thread-safe.
 *
 * <p>The log of a room is a gap-free sequence of revisions 1, 2, 3, ... Appends are optimistic:
 * an append names the revision it expects to write, and fails with {@link AppendConflict} when
 * another writer took it, as ShareDB's commit does. A future returned by {@link #append} completes
 * only once the op is durable (committed and, for disk stores, synced), so an ack sent after it
 * never promises what a crash could take back.
 */
public interface DocumentStore extends AutoCloseable {

    /** Creates the room; returns false when a room of that name already exists. */
    boolean createRoom(RoomRecord room);

    /** The live room of that name, if any. */
    Optional<RoomRecord> findRoom(String name);

    /**
     * Deletes the room with its log and snapshots, only if its current incarnation is
     * {@code roomId} (so a stale delete never removes a re-created room). Returns whether it did.
     */
    boolean deleteRoom(String name, String roomId);

    /**
     * Starts a new token generation for the room's current incarnation {@code roomId}, if its
     * generation is still {@code current}, so every token minted before is refused; returns the
     * new generation, or empty when that incarnation no longer exists or another revocation came
     * first (so two concurrent revocations never both answer, one with a token already dead).
     */
    OptionalLong nextTokenGeneration(String name, String roomId, long current);

    /** How many rooms exist. */
    long roomCount();

    /**
     * Loads a room's document: the newest snapshot plus every op after it, and at least the
     * last {@code historyOps} ops before the head (which may reach back before the snapshot), so
     * a client resuming after a restart can be given exactly what it missed. The base comes
     * first, then each op in revision order, streamed: the store never holds a room's whole log
     * in memory at once, so whatever the ops weigh, a room loads in the memory its text and the
     * sink's history need.
     *
     * @throws StoreException when the room cannot be read; callers must not serve it empty.
     */
    void load(String roomId, int historyOps, LoadSink sink);

    /** {@link #load(String, int, LoadSink)} collected into a list, for tests and tools. */
    default LoadedDocument load(String roomId, int historyOps) {
        long[] baseRev = new long[1];
        String[] baseText = new String[1];
        List<StoredOp> ops = new java.util.ArrayList<>();
        load(roomId, historyOps, new LoadSink() {
            @Override
            public void base(long rev, String text) {
                baseRev[0] = rev;
                baseText[0] = text;
            }

            @Override
            public void op(StoredOp op) {
                ops.add(op);
            }
        });
        return new LoadedDocument(baseRev[0], baseText[0], List.copyOf(ops));
    }

    /** Receives a loaded room: its base once, then each op after it, oldest first. */
    interface LoadSink {
        void base(long rev, String text);

        void op(StoredOp op);
    }

    /**
     * Appends {@code op} as revision {@code op.rev()}, which must be the current head plus one.
     * The future completes after the op is durable, or exceptionally with {@link AppendConflict}
     * when that revision is taken, or with {@link StoreException} when the write failed. Futures
     * for one room complete in the order their appends were made.
     */
    CompletableFuture<Void> append(String roomId, StoredOp op);

    /**
     * Appends consecutive ops, the first at the current head plus one, all or none: the future
     * completes after all are durable, or exceptionally with {@link AppendConflict} (when another
     * writer took any of those revisions; then none of them is stored) or {@link StoreException}.
     * This is how an instance of a cluster commits what its room ordered since the last commit.
     * With another writer, a caller must not queue a room's next batch before this one's outcome is
     * known: after a conflict, a later batch built on this one could start exactly where the
     * winner's ops end and be stored on top of ops that never were (the room's {@code SharedLog}
     * keeps one batch in flight per room).
     *
     * <p>The default appends one by one, which is all or none only for a store with a single
     * writer (SQLite holds its directory lock; nobody else can take a revision there).
     */
    default CompletableFuture<Void> appendAll(String roomId, List<StoredOp> ops) {
        CompletableFuture<?>[] each = new CompletableFuture<?>[ops.size()];
        for (int i = 0; i < each.length; i++) {
            each[i] = append(roomId, ops.get(i));
        }
        return CompletableFuture.allOf(each);
    }

    /**
     * {@link #appendAll}, except that when another writer took those revisions first the store
     * does not refuse: in the same transaction, holding the room, it reads the ops that won
     * ({@code theirs}), has {@code rebaser} transform this batch past them, and stores the result
     * after them. One round trip instead of a refusal, a read and a retry, so that instances of a
     * cluster writing to one room never race each other into a livelock (ShareDB's writers retry
     * 2.3 times per commit on one busy document). The future carries what was stored. It fails
     * with {@link AppendConflict} only when the batch cannot be rebased (the rebaser declines, or
     * the ops after its base were already pruned). A caller keeps one such batch in flight per room.
     *
     * <p>The default never rebases: a single-writer store never loses a race.
     */
    default CompletableFuture<Appended> appendRebasing(String roomId, List<StoredOp> ops, Rebaser rebaser) {
        return map(appendAll(roomId, ops), done -> new Appended(List.of(), ops));
    }

    /**
     * {@code future}'s value through {@code f}, failing with the very exception {@code future}
     * failed with (where {@code thenApply} would wrap it), so callers can tell an
     * {@link AppendConflict} by its class.
     */
    static <T, R> CompletableFuture<R> map(CompletableFuture<T> future, java.util.function.Function<T, R> f) {
        CompletableFuture<R> mapped = new CompletableFuture<>();
        future.whenComplete((value, failure) -> {
            if (failure != null) {
                mapped.completeExceptionally(failure);
            } else {
                mapped.complete(f.apply(value));
            }
        });
        return mapped;
    }

    /** Transforms a batch past the ops another writer stored first; null when it must not be. */
    @FunctionalInterface
    interface Rebaser {
        /**
         * {@code mine}, transformed past {@code theirs} (both consecutive from the same base) and
         * numbered from theirs' last revision plus one; null to refuse (for example, when one of
         * {@code theirs} already is one of {@code mine}, retried on another instance).
         */
        List<StoredOp> rebase(List<StoredOp> mine, List<StoredOp> theirs);
    }

    /** What {@link #appendRebasing} stored: the ops that won the race (often none), then this batch as stored. */
    record Appended(List<StoredOp> theirs, List<StoredOp> stored) {
    }

    /**
     * At most {@code limit} stored ops after revision {@code afterRev}, oldest first, for filling
     * a gap in what another instance published. When the log was already pruned past
     * {@code afterRev}, the first op returned is later than {@code afterRev + 1}: the caller must
     * reload the room instead.
     *
     * @throws StoreException when the room cannot be read
     */
    List<StoredOp> opsAfter(String roomId, long afterRev, int limit);

    /**
     * The head revision of each of these rooms (by room id) as stored now; rooms that no longer
     * exist are left out. One query for many rooms: an instance checks its rooms' heads this way
     * to notice a last op whose message it never received.
     *
     * @throws StoreException when the store cannot be read
     */
    Map<String, Long> heads(Collection<String> roomIds);

    /**
     * The newest stored snapshot at or before {@code rev}, or empty when there is none; with
     * {@link #opsAfter}, the text at any kept revision is at most one snapshot interval away
     * ({@code SNAPSHOT_EVERY} ops, more for large texts).
     *
     * @throws StoreException when the room cannot be read
     */
    Optional<Snapshot> snapshotAtOrBefore(String roomId, long rev);

    /** A room's full text at one revision. */
    record Snapshot(long rev, String text) {
    }

    /**
     * Records the full text at {@code rev}, then drops the snapshots and ops that no longer serve
     * a load keeping {@code keepOps} ops before the head ({@link Retention}); with
     * {@link Integer#MAX_VALUE}, nothing is dropped and every revision stays readable.
     */
    void saveSnapshot(String roomId, long rev, String text, int keepOps);

    /** A small named value that must survive restarts, such as the generated token secret. */
    Optional<String> setting(String key);

    /** Stores a setting only if it is absent; returns the value now stored. */
    String putSettingIfAbsent(String key, String value);

    /** Tells {@code observer} of every commit from now on; stores without commits ignore it. */
    default void observeCommits(CommitObserver observer) {
    }

    /** Commits what is pending and releases the store. */
    @Override
    void close();

    /** Thrown (or used to complete a future) when another writer already holds that revision. */
    final class AppendConflict extends RuntimeException {
        public AppendConflict(String roomId, long rev) {
            super("revision " + rev + " of room " + roomId + " is already taken");
        }
    }

    /** A room's stored state as loaded: a base text at {@code baseRev} and the ops after it. */
    record LoadedDocument(long baseRev, String baseText, List<StoredOp> ops) {
        public long headRev() {
            return ops.isEmpty() ? baseRev : ops.get(ops.size() - 1).rev();
        }
    }
}
