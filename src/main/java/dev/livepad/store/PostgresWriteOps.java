package dev.livepad.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The SQL of one group commit, run by {@link PostgresWriter} in its open transaction: move each
 * room's head, insert the ops of the batches that moved it, and record every batch's outcome on
 * it. The group arrives sorted by room id, each room's batches in append order.
 */
final class PostgresWriteOps {

    private static final String MOVE_HEAD = "UPDATE rooms SET head = ? WHERE id = ? AND head = ?";
    private static final String INSERT_OP = "INSERT INTO ops (room_id, rev, op_json, op_id, client_id, time,"
            + " fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String LIVE_ROOMS = "SELECT id FROM rooms WHERE id = ANY (?)";
    private static final String LOCK_HEAD = "SELECT head FROM rooms WHERE id = ? FOR UPDATE";
    private static final String OPS_AFTER = "SELECT rev, op_json, op_id, client_id, time, fingerprint FROM ops"
            + " WHERE room_id = ? AND rev > ? ORDER BY rev";
    private static final String UNIQUE_VIOLATION = "23505";

    private PostgresWriteOps() {
    }

    /**
     * The common path: one batch of head moves, one of inserts, no savepoints. A room's batches that
     * follow on from each other (1..3, then 4, then 5..6) move its head once, from 0 to 6, rather
     * than once each, which would write a row version each. A chain that loses the race is resolved
     * again batch by batch, so the outcome is as if each batch had been tried in turn. (Those
     * retries lock the room's row out of room id order; should that ever deadlock with another
     * instance, PostgreSQL aborts one statement and the group is redone with savepoints.)
     */
    static void storeBatched(Connection connection, List<PostgresAppend> ordered) throws SQLException {
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
    static void storeIsolated(Connection connection, List<PostgresAppend> ordered) throws SQLException {
        try (PreparedStatement move = connection.prepareStatement(MOVE_HEAD);
             PreparedStatement insert = connection.prepareStatement(INSERT_OP)) {
            for (PostgresAppend append : ordered) {
                append.reset();
                Savepoint savepoint = connection.setSavepoint();
                try {
                    if (moveHead(move, append) != 1) {
                        refuse(connection, List.of(append)); // or rebase it past the winners
                    }
                    if (!append.failed()) {
                        addInserts(insert, append);
                        insert.executeBatch();
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
            String roomId = ordered.get(from).roomId;
            for (to = from + 1; to < ordered.size() && ordered.get(to).roomId.equals(roomId); to++) {
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
            if (!live.contains(append.roomId)) {
                append.fail(new StoreException("room " + append.roomId + " does not exist"));
            } else if (append.rebaser == null || !rebase(connection, append)) {
                append.fail(new DocumentStore.AppendConflict(append.roomId, append.firstRev()));
            }
        }
    }

    /**
     * A batch that lost its revisions, resolved here rather than refused: lock the room's row (so
     * no other writer moves its head until this transaction ends), read the ops that won, have the
     * batch transformed past them, and move the head past both. False when it cannot be (the ops
     * after its base were pruned, or the rebaser declines); then it is a conflict after all.
     */
    private static boolean rebase(Connection connection, PostgresAppend append) throws SQLException {
        long base = append.firstRev() - 1;
        long head;
        try (PreparedStatement lock = connection.prepareStatement(LOCK_HEAD)) {
            lock.setString(1, append.roomId);
            try (ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    return false;
                }
                head = row.getLong(1);
            }
        }
        if (head <= base) {
            return false; // not a lost race: a batch from the future
        }
        List<StoredOp> theirs = new ArrayList<>();
        try (PreparedStatement read = connection.prepareStatement(OPS_AFTER)) {
            read.setString(1, append.roomId);
            read.setLong(2, base);
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    theirs.add(new StoredOp(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            rows.getLong(5), rows.getLong(6)));
                }
            }
        }
        if (theirs.size() != head - base || theirs.get(0).rev() != base + 1) {
            return false; // pruned by a snapshot: the room must reload rather than rebase
        }
        List<StoredOp> rebased;
        try {
            rebased = append.rebaser.rebase(append.ops, List.copyOf(theirs));
        } catch (RuntimeException e) {
            return false;
        }
        if (rebased == null || rebased.size() != append.ops.size() || rebased.get(0).rev() != head + 1) {
            return false;
        }
        try (PreparedStatement move = connection.prepareStatement(MOVE_HEAD)) {
            bindMove(move, append.roomId, head + 1, head + rebased.size());
            if (move.executeUpdate() != 1) {
                return false;
            }
        }
        append.rebased(List.copyOf(theirs), rebased);
        return true;
    }

    private static void bindMove(PreparedStatement move, String roomId, long firstRev, long lastRev)
            throws SQLException {
        move.setLong(1, lastRev);
        move.setString(2, roomId);
        move.setLong(3, firstRev - 1);
    }

    private static void addInserts(PreparedStatement insert, PostgresAppend append) throws SQLException {
        for (StoredOp op : append.stored()) {
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

}
