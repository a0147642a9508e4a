package dev.livepad.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * <p>Round trips: all head UPDATEs of a group go as one JDBC batch, whose per-statement counts say
 * which batches won (one UPDATE per run of a room's batches that follow on from each other), and
 * all their inserts as a second batch; then COMMIT. A lost race updates zero
 * rows without aborting the transaction, so it needs no savepoint. Only when a statement fails (a
 * row behind the head's back, text PostgreSQL refuses, a lock timeout) is the group rolled back and
 * redone with a SAVEPOINT around each room batch, so that failure fails that batch alone. Keeping
 * savepoints off the common path saves two round trips per batch, and keeps a group of many rooms
 * under PostgreSQL's 64 cached subtransactions per transaction, past which every session's
 * snapshots get slower.
 *
 * <p>UPDATEs run in room id order, so two instances' writers lock rows in the same order and never
 * deadlock each other; one room's batches keep their queue order (a stable sort).
 */
final class PostgresWriter implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(PostgresWriter.class);

    /** Ops per transaction; past a few hundred, a commit's fixed cost is already spread thin. */
    static final int MAX_OPS = 1000;

    private static final String MOVE_HEAD = "UPDATE rooms SET head = ? WHERE id = ? AND head = ?";
    private static final String INSERT_OP = "INSERT INTO ops (room_id, rev, op_json, op_id, client_id, time,"
            + " fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String LIVE_ROOMS = "SELECT id FROM rooms WHERE id = ANY (?)";
    private static final String UNIQUE_VIOLATION = "23505";

    private final PostgresWriteQueue queue;
    private final PostgresPool pool;
    private final Executor acks;
    private final AtomicLong commits = new AtomicLong();

    PostgresWriter(PostgresWriteQueue queue, PostgresPool pool, Executor acks) {
        this.queue = queue;
        this.pool = pool;
        this.acks = acks;
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
            group.forEach(append -> append.fail(failure));
            return stop;
        }
        List<PostgresAppend> ordered = new ArrayList<>(group);
        ordered.sort(Comparator.comparing(append -> append.roomId));
        try {
            try {
                applyBatched(connection, ordered);
            } catch (SQLException first) {
                if (PostgresPool.isConnectionLost(first)) {
                    throw first;
                }
                log.warn("group of {} appends failed ({}); redoing it with a savepoint per room batch",
                        group.size(), first.getMessage());
                connection.rollback();
                applyIsolated(connection, ordered);
            }
            connection.commit();
            commits.incrementAndGet();
        } catch (SQLException e) {
            PostgresPool.rollbackQuietly(connection);
            if (PostgresPool.isConnectionLost(e)) {
                pool.evict(connection); // the next group gets a fresh connection
            }
            log.error("group of {} appends failed and was rolled back", group.size(), e);
            StoreException failure = pool.failure("committing appends", e);
            group.forEach(append -> append.fail(failure));
        } finally {
            closeQuietly(connection);
        }
        return false;
    }

    /**
     * The common path: one batch of head moves, one of inserts, no savepoints. A room's batches that
     * follow on from each other (1..3, then 4, then 5..6) move its head once, from 0 to 6, rather
     * than once each, which would write a row version each. A chain that loses the race is resolved
     * again batch by batch, so the outcome is as if each batch had been tried in turn. (Those
     * retries lock the room's row out of room id order; should that ever deadlock with another
     * instance, PostgreSQL aborts one statement and the group is redone with savepoints.)
     */
    private void applyBatched(Connection connection, List<PostgresAppend> ordered) throws SQLException {
        List<List<PostgresAppend>> chains = chains(ordered);
        List<PostgresAppend> refused = new ArrayList<>();
        try (PreparedStatement move = connection.prepareStatement(MOVE_HEAD)) {
            for (List<PostgresAppend> chain : chains) {
                bindMove(move, chain.get(0).roomId, chain.get(0).firstRev(), chain.get(chain.size() - 1).lastRev());
                move.addBatch();
            }
            int[] moved = move.executeBatch();
            for (int i = 0; i < moved.length; i++) {
                if (moved[i] != 1) {
                    moveOneByOne(move, chains.get(i), refused);
                }
            }
        }
        refuse(connection, refused);
        try (PreparedStatement insert = connection.prepareStatement(INSERT_OP)) {
            boolean any = false;
            for (PostgresAppend append : ordered) {
                if (!append.failed()) {
                    addInserts(insert, append);
                    any = true;
                }
            }
            if (any) {
                insert.executeBatch();
            }
        }
    }

    /** The fallback after a statement failed: each room batch in its own savepoint, failing alone. */
    private void applyIsolated(Connection connection, List<PostgresAppend> ordered) throws SQLException {
        try (PreparedStatement move = connection.prepareStatement(MOVE_HEAD);
             PreparedStatement insert = connection.prepareStatement(INSERT_OP)) {
            for (PostgresAppend append : ordered) {
                append.reset();
                Savepoint savepoint = connection.setSavepoint();
                try {
                    if (moveHead(move, append) == 1) {
                        addInserts(insert, append);
                        insert.executeBatch();
                    } else {
                        refuse(connection, List.of(append));
                    }
                    connection.releaseSavepoint(savepoint);
                } catch (SQLException e) {
                    if (PostgresPool.isConnectionLost(e)) {
                        throw e;
                    }
                    insert.clearBatch();
                    connection.rollback(savepoint);
                    connection.releaseSavepoint(savepoint);
                    append.fail(UNIQUE_VIOLATION.equals(e.getSQLState())
                            ? new DocumentStore.AppendConflict(append.roomId, append.firstRev())
                            : new StoreException("append to room " + append.roomId + " failed: " + e.getMessage(), e));
                }
            }
        }
    }

    /**
     * Splits the room-ordered group into the statements of its head batch: all of a room's batches
     * as one chain when each starts right after the previous one ends (the common case), else each
     * on its own. Merging only whole rooms keeps a lost chain the room's last statement in the
     * batch, so resolving it afterwards, batch by batch, sees the head exactly as trying each in
     * turn would. Outcomes recorded by a rolled-back attempt are forgotten here.
     */
    private static List<List<PostgresAppend>> chains(List<PostgresAppend> ordered) {
        List<List<PostgresAppend>> chains = new ArrayList<>();
        for (int from = 0, to; from < ordered.size(); from = to) {
            boolean consecutive = true;
            for (to = from + 1; to < ordered.size() && ordered.get(to).roomId.equals(ordered.get(from).roomId); to++) {
                consecutive &= ordered.get(to).firstRev() == ordered.get(to - 1).lastRev() + 1;
            }
            List<PostgresAppend> room = ordered.subList(from, to);
            room.forEach(PostgresAppend::reset);
            if (consecutive) {
                chains.add(room);
            } else {
                room.forEach(append -> chains.add(List.of(append)));
            }
        }
        return chains;
    }

    /** After a chain's head did not move (nothing changed): each batch of it on its own, in order. */
    private static void moveOneByOne(PreparedStatement move, List<PostgresAppend> chain, List<PostgresAppend> refused)
            throws SQLException {
        for (PostgresAppend append : chain) {
            if (chain.size() == 1 || moveHead(move, append) != 1) {
                refused.add(append);
            }
        }
    }

    private static int moveHead(PreparedStatement move, PostgresAppend append) throws SQLException {
        bindMove(move, append.roomId, append.firstRev(), append.lastRev());
        return move.executeUpdate();
    }

    /** Fails batches whose head did not move: a conflict if the room is live, else a missing room. */
    private static void refuse(Connection connection, List<PostgresAppend> refused) throws SQLException {
        if (refused.isEmpty()) {
            return;
        }
        Set<String> live = new HashSet<>();
        try (PreparedStatement find = connection.prepareStatement(LIVE_ROOMS)) {
            Array ids = connection.createArrayOf("text", refused.stream().map(a -> a.roomId).distinct().toArray());
            find.setArray(1, ids);
            try (ResultSet rows = find.executeQuery()) {
                while (rows.next()) {
                    live.add(rows.getString(1));
                }
            }
        }
        for (PostgresAppend append : refused) {
            append.fail(live.contains(append.roomId)
                    ? new DocumentStore.AppendConflict(append.roomId, append.firstRev())
                    : new StoreException("room " + append.roomId + " does not exist"));
        }
    }

    private static void bindMove(PreparedStatement move, String roomId, long firstRev, long lastRev)
            throws SQLException {
        move.setLong(1, lastRev);
        move.setString(2, roomId);
        move.setLong(3, firstRev - 1);
    }

    private static void addInserts(PreparedStatement insert, PostgresAppend append) throws SQLException {
        for (StoredOp op : append.ops) {
            insert.setString(1, append.roomId);
            insert.setLong(2, op.rev());
            insert.setString(3, op.opJson());
            insert.setString(4, op.opId());
            insert.setString(5, op.clientId());
            insert.setLong(6, op.timeMillis());
            if (op.fingerprint() == 0) {
                insert.setNull(7, Types.BIGINT); // 0 means unknown, stored as NULL as SQLite does
            } else {
                insert.setLong(7, op.fingerprint());
            }
            insert.addBatch();
        }
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
