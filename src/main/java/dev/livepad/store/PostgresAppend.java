package dev.livepad.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One {@link DocumentStore#appendAll} waiting for the writer: consecutive ops of one room, stored
 * all or none. Its outcome is decided inside the group's transaction but delivered to its future
 * only once that transaction committed (or failed), so nobody hears of an op that may vanish.
 */
final class PostgresAppend {

    /** Queued last by close: the writer commits what came before it and exits. */
    static final PostgresAppend STOP = new PostgresAppend("", List.of(new StoredOp(0, "", null, null, 0, 0)));

    final String roomId;
    final List<StoredOp> ops;
    final DocumentStore.Rebaser rebaser; // null: a lost race is a conflict
    final CompletableFuture<DocumentStore.Appended> future = new CompletableFuture<>();
    private RuntimeException failure;
    private List<StoredOp> theirs = List.of();
    private List<StoredOp> stored;

    PostgresAppend(String roomId, List<StoredOp> ops) {
        this(roomId, ops, null);
    }

    PostgresAppend(String roomId, List<StoredOp> ops, DocumentStore.Rebaser rebaser) {
        this.roomId = roomId;
        this.ops = ops;
        this.rebaser = rebaser;
        this.stored = ops;
    }

    /** The ops to insert: as sent, or as rebased past {@link #rebased theirs}. */
    List<StoredOp> stored() {
        return stored;
    }

    /** It lost the race but was transformed past {@code winners}: {@code rebased} is what gets stored. */
    void rebased(List<StoredOp> winners, List<StoredOp> rebased) {
        theirs = winners;
        stored = rebased;
    }

    /** The first revision it writes: as sent, or after the winners once rebased. */
    long firstRev() {
        return stored.get(0).rev();
    }

    long lastRev() {
        return stored.get(stored.size() - 1).rev();
    }

    /** The characters of op JSON it carries, which is what it costs the queue's byte bound. */
    long chars() {
        long chars = 0;
        for (StoredOp op : ops) {
            chars += op.opJson().length();
        }
        return chars;
    }

    /** Forgets an outcome recorded by a transaction that was then rolled back, rebasing included. */
    void reset() {
        resetOutcome();
        theirs = List.of();
        stored = ops;
    }

    /** Forgets whether it failed, keeping what it was rebased to in this transaction. */
    void resetOutcome() {
        failure = null;
    }

    void fail(RuntimeException cause) {
        failure = cause;
    }

    boolean failed() {
        return failure != null;
    }

    /** Completes the future with the outcome recorded last: success unless {@link #fail} was called. */
    void deliver() {
        if (failure != null) {
            future.completeExceptionally(failure);
        } else {
            future.complete(new DocumentStore.Appended(theirs, stored));
        }
    }
}
