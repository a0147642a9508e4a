package dev.livepad.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread's loop (group commit): it takes the append batches queued from all rooms, up
 * to {@link #MAX_OPS} ops, stores them in one transaction, and only after COMMIT returns delivers
 * each outcome, in queue order, on the single ack executor (so callbacks never stall this thread,
 * and futures of one room complete in the order their appends were made).
 *
 * <p>Ordering authority: {@code rooms.head}. A batch for revisions {@code first..last} runs
 * {@code UPDATE rooms SET head = last WHERE id = ? AND head = first - 1}; one row means this writer
 * now holds the room's row lock and the revisions are its own, zero rows means another writer took
 * them (or the room is gone). This is safe under READ COMMITTED across instances: a concurrent
 * writer blocks on the row lock, and once the holder commits re-checks {@code head} on the new row
 * version, so it finds its revision taken. The ops are inserted only behind a successful UPDATE.
 *
 * <p>Round trips ({@link PostgresWriteOps}): all head UPDATEs of a group go as one JDBC batch,
 * whose per-statement counts say which batches won, and all their inserts as a second batch; then
 * COMMIT. A lost race updates zero rows without aborting the transaction, so it needs no
 * savepoint. Only when a statement fails (a row behind the head's back, text PostgreSQL refuses, a
 * lock timeout) is the group rolled back and redone with a SAVEPOINT around each room batch, so
 * that failure fails that batch alone. Keeping savepoints off the common path saves two round
 * trips per batch, and keeps a group of many rooms under PostgreSQL's 64 cached subtransactions
 * per transaction, past which every session's snapshots get slower.
 *
 * <p>UPDATEs run in room id order, so two instances' writers lock rows in the same order and never
 * deadlock each other; one room's batches keep their queue order (a stable sort).
 */
final class PostgresWriter implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(PostgresWriter.class);

    /** Ops per transaction; past a few hundred, a commit's fixed cost is already spread thin. */
    static final int MAX_OPS = 1000;

    private final PostgresWriteQueue queue;
    private final PostgresPool pool;
    private final Executor acks;
    private final AtomicLong commits = new AtomicLong();
    private volatile CommitObserver observer = CommitObserver.NONE;

    PostgresWriter(PostgresWriteQueue queue, PostgresPool pool, Executor acks) {
        this.queue = queue;
        this.pool = pool;
        this.acks = acks;
    }

    void observe(CommitObserver observer) {
        this.observer = observer;
    }

    /** Transactions committed so far; far fewer than appends when group commit works. */
    long commits() {
        return commits.get();
    }

    @Override
    public void run() {
        boolean stopping = false;
        while (!stopping) {
            List<PostgresAppend> group = new ArrayList<>();
            try {
                queue.takeGroup(group, MAX_OPS);
            } catch (InterruptedException e) {
                // Only close stops this thread, by queueing STOP, so pending appends are never dropped.
                log.warn("PostgreSQL store writer interrupted; it keeps running until the store is closed");
                continue;
            }
            stopping = group.remove(PostgresAppend.STOP);
            if (group.isEmpty()) {
                continue;
            }
            try {
                stopping |= store(group);
            } catch (Throwable e) {
                // A bug must not leave callers waiting forever on futures that nothing will complete.
                log.error("PostgreSQL store writer failed on a group of {} appends", group.size(), e);
                observer.failed(opCount(group));
                StoreException failure = new StoreException("store writer failed", e);
                group.forEach(append -> append.fail(failure));
            }
            deliver(group);
        }
    }

    /**
     * Stores the group in one transaction and records each append's outcome. When no connection
     * can be had at all, everything queued meanwhile is failed too (each would wait as long again);
     * returns whether STOP was among them.
     */
    private boolean store(List<PostgresAppend> group) {
        Connection connection;
        try {
            connection = pool.connection();
        } catch (SQLException e) {
            StoreException failure = pool.failure("committing appends", e);
            queue.drainAll(group);
            boolean stop = group.remove(PostgresAppend.STOP);
            log.error("no connection to PostgreSQL; failing {} appends", group.size(), e);
            observer.failed(opCount(group));
            group.forEach(append -> append.fail(failure));
            return stop;
        }
        long began = System.nanoTime();
        List<PostgresAppend> ordered = new ArrayList<>(group);
        ordered.sort(Comparator.comparing(append -> append.roomId));
        try {
            try {
                PostgresWriteOps.storeBatched(connection, ordered);
            } catch (SQLException first) {
                if (PostgresPool.isConnectionLost(first)) {
                    throw first;
                }
                log.warn("group of {} appends failed ({}); redoing it with a savepoint per room batch",
                        group.size(), first.getMessage());
                connection.rollback();
                PostgresWriteOps.storeIsolated(connection, ordered);
            }
            connection.commit();
            commits.incrementAndGet();
            observer.committed(opCount(group), System.nanoTime() - began);
        } catch (SQLException e) {
            PostgresPool.rollbackQuietly(connection);
            if (PostgresPool.isConnectionLost(e)) {
                pool.evict(connection); // the next group gets a fresh connection
            }
            log.error("group of {} appends failed and was rolled back", group.size(), e);
            observer.failed(opCount(group));
            StoreException failure = pool.failure("committing appends", e);
            group.forEach(append -> append.fail(failure));
        } finally {
            closeQuietly(connection);
        }
        return false;
    }

    private static int opCount(List<PostgresAppend> group) {
        int ops = 0;
        for (PostgresAppend append : group) {
            ops += append.ops.size();
        }
        return ops;
    }

    private void deliver(List<PostgresAppend> group) {
        acks.execute(() -> group.forEach(PostgresAppend::deliver));
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("returning a connection to the pool failed", e);
        }
    }
}
