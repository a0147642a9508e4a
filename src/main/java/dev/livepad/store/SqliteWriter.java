package dev.livepad.store;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread's loop (group commit): it takes whatever writes are queued, up to
 * {@link #MAX_BATCH}, runs them in one transaction with one fsync, and only then delivers their
 * outcomes. With a commit delay, a batch of more than one write first waits that long for more.
 * Futures complete on this thread, in queue order, so futures of one room complete in append
 * order. An append's callbacks therefore must not block: a room's only one hands the commit to
 * the room, which sends the acks and broadcasts from here when it is idle, so an op costs one
 * thread hand-off (from the reader to this writer) instead of three.
 *
 * <p>Appends are checked against the cached head and sent as one JDBC batch. If a statement fails
 * anyway (say a row another process wrote), the transaction is rolled back and the batch redone
 * with a savepoint around each command, so only the offending command fails. Non-append commands
 * always run in a savepoint. A failed COMMIT fails every command of the batch.
 */
final class SqliteWriter implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SqliteWriter.class);

    static final int MAX_BATCH = 1000;

    private final WriteQueue queue;
    private final SqliteWriteOps ops;
    private final long commitDelayNanos;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong delayedCommits = new AtomicLong();
    private volatile CommitObserver observer = CommitObserver.NONE;

    SqliteWriter(WriteQueue queue, SqliteWriteOps ops, Duration commitDelay) {
        this.queue = queue;
        this.ops = ops;
        this.commitDelayNanos = commitDelay.toNanos();
    }

    void observe(CommitObserver observer) {
        this.observer = observer;
    }

    /** Batches that waited for the commit delay before committing. */
    long delayedCommits() {
        return delayedCommits.get();
    }

    /** Transactions committed so far; far fewer than appends when group commit works. */
    long commits() {
        return commits.get();
    }

    @Override
    public void run() {
        queue.consumedBy(Thread.currentThread());
        boolean stopping = false;
        while (!stopping) {
            List<WriteCommand> batch = new ArrayList<>();
            try {
                queue.takeBatch(batch, MAX_BATCH);
                if (commitDelayNanos > 0 && batch.size() > 1 && batch.size() < MAX_BATCH
                        && !batch.contains(WriteCommand.Stop.INSTANCE)) {
                    // Others are writing too: let more join this commit (a lone write never waits).
                    LockSupport.parkNanos(commitDelayNanos);
                    queue.drainMore(batch, MAX_BATCH);
                    delayedCommits.incrementAndGet();
                }
            } catch (InterruptedException e) {
                // Only close stops this thread, by queueing Stop, so pending writes are never dropped.
                log.warn("store writer interrupted; it keeps running until the store is closed");
                continue;
            }
            stopping = batch.remove(WriteCommand.Stop.INSTANCE);
            if (batch.isEmpty()) {
                continue;
            }
            try {
                process(batch);
            } catch (Throwable e) {
                // A bug must not leave callers waiting forever on futures that nothing will complete.
                log.error("store writer failed on a batch of {}", batch.size(), e);
                observer.failed(batch.size());
                ops.rollback();
                StoreException failure = new StoreException("store writer failed", e);
                batch.forEach(command -> command.fail(failure));
                deliver(batch);
            }
        }
        try {
            ops.checkpoint();
        } catch (SQLException e) {
            log.warn("WAL checkpoint at close failed; the WAL file will be replayed on next open", e);
        }
    }

    private void process(List<WriteCommand> batch) {
        long began = System.nanoTime();
        int appends = 0;
        for (WriteCommand command : batch) {
            if (command instanceof WriteCommand.Append) {
                appends++;
            }
        }
        try {
            try {
                ops.begin();
                apply(batch, false);
                if (ops.foldDue()) {
                    foldInSavepoint();
                }
            } catch (SQLException first) {
                log.warn("batch of {} writes failed ({}); redoing it one savepoint per command",
                        batch.size(), first.getMessage());
                ops.rollback();
                ops.begin();
                apply(batch, true); // without a fold: housekeeping must never fail the commands
            }
            ops.commit();
            commits.incrementAndGet();
            observer.committed(appends, System.nanoTime() - began);
        } catch (SQLException e) {
            log.error("batch of {} writes failed and was rolled back", batch.size(), e);
            observer.failed(appends);
            ops.rollback();
            StoreException failure = new StoreException("write not committed: " + e.getMessage(), e);
            batch.forEach(command -> command.fail(failure));
        }
        deliver(batch);
    }

    private void apply(List<WriteCommand> batch, boolean isolateAppends) throws SQLException {
        for (WriteCommand command : batch) {
            command.reset();
            if (command instanceof WriteCommand.Append append) {
                RuntimeException rejected = ops.rejectAppend(append.roomId, append.op.rev());
                if (rejected != null) {
                    append.fail(rejected);
                } else if (isolateAppends) {
                    appendInSavepoint(append);
                } else {
                    ops.queueInsert(append.roomId, append.op);
                    append.succeed(null);
                }
            } else if (command instanceof WriteCommand.Call<?> call) {
                ops.flushInserts(); // a call may read or delete ops, so earlier appends must be in the table
                callInSavepoint(call);
            }
        }
        ops.flushInserts();
    }

    /**
     * Moves the log's tail into ops within this commit. If a room's rows clash (a revision taken
     * twice, which only a row written behind this writer's back can cause), that room's rows stay
     * in the tail, where its loads fail loudly, and the others move. Any other failure postpones
     * folding; if it also ended the transaction, the caller redoes the batch without a fold.
     */
    private void foldInSavepoint() throws SQLException {
        while (true) { // ends: each turn either returns or holds back at least one more room
            ops.savepoint();
            try {
                ops.fold();
                ops.release();
                return;
            } catch (SQLException e) {
                ops.postponeFold(); // first: rolling back may throw, when the error ended the transaction
                ops.rollbackToSavepoint();
                Set<String> clashing = ops.holdBackClashingRooms();
                if (clashing.isEmpty()) {
                    log.error("moving ops from ops_tail to ops failed; folding is postponed", e);
                    return;
                }
                log.error("rooms {} have a revision stored twice; their ops stay in ops_tail and the rooms will not"
                        + " load until an operator removes the row written behind the server's back", clashing, e);
            }
        }
    }

    private void appendInSavepoint(WriteCommand.Append append) throws SQLException {
        ops.savepoint();
        try {
            ops.insertNow(append.roomId, append.op);
            ops.release();
            append.succeed(null);
        } catch (SQLException e) {
            ops.rollbackToSavepoint();
            append.fail(isPrimaryKeyClash(e)
                    ? new DocumentStore.AppendConflict(append.roomId, append.op.rev())
                    : new StoreException("append to room " + append.roomId + " failed: " + e.getMessage(), e));
        }
    }

    private void callInSavepoint(WriteCommand.Call<?> call) throws SQLException {
        ops.savepoint();
        try {
            Object result = call.work.run(ops);
            ops.release();
            call.succeed(result);
        } catch (SQLException | RuntimeException e) {
            ops.rollbackToSavepoint();
            call.fail(e instanceof RuntimeException runtime ? runtime : new StoreException(e.getMessage(), e));
        }
    }

    private static boolean isPrimaryKeyClash(SQLException e) {
        return e instanceof SQLiteException sqlite
                && (sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                    || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE);
    }

    /** Completes every command's future, in queue order: callers blocked on calls, and append callbacks. */
    private void deliver(List<WriteCommand> batch) {
        for (WriteCommand command : batch) {
            try {
                command.deliver();
            } catch (RuntimeException e) {
                log.error("an append callback failed", e);
            }
        }
    }
}
