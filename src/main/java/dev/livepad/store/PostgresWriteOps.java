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
            + " fingerprint, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String LIVE_ROOMS = "SELECT id FROM rooms WHERE id = ANY (?)";
    // Locks the group's rooms in id order, as one statement (the row locks are taken as the sorted
    // rows come out), so two instances' groups never wait for each other in a cycle. NO KEY: the
    // foreign keys of snapshot inserts (KEY SHARE) need not wait for it.
    private static final String LOCK_HEADS = "SELECT id, head FROM rooms WHERE id = ANY (?) ORDER BY id"
            + " FOR NO KEY UPDATE";
    private static final String OPS_AFTER_BASES = "SELECT o.room_id, o.rev, o.op_json, o.op_id, o.client_id, o.time,"
            + " o.fingerprint, o.name FROM ops o JOIN unnest(?::text[], ?::bigint[]) AS b (room_id, base)"
            + " ON o.room_id = b.room_id AND o.rev > b.base ORDER BY o.room_id, o.rev";
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
        ordered.forEach(PostgresAppend::reset);
        lockAndRebase(connection, ordered);
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
        ordered.forEach(PostgresAppend::reset);
        lockAndRebase(connection, ordered);
        try (PreparedStatement move = connection.prepareStatement(MOVE_HEAD);
             PreparedStatement insert = connection.prepareStatement(INSERT_OP)) {
            for (PostgresAppend append : ordered) {
                append.resetOutcome();
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
     * First, the group's rooms are locked (one sorted statement) and their heads read; then the
     * batches that may be rebased and whose room's head has moved past their base (another
     * instance stored ops there) are transformed past those ops, read in one query for the whole
     * group. With the rows held, the head moves that follow cannot miss: instances writing to the
     * same rooms wait for each other's commits, but never lose a race, retry or deadlock. (Reading
     * heads without the lock still lost about one race per commit to the next group's writer.)
     */
    private static void lockAndRebase(Connection connection, List<PostgresAppend> ordered) throws SQLException {
        List<PostgresAppend> rebasing = ordered.stream().filter(a -> a.rebaser != null).toList();
        if (rebasing.isEmpty()) {
            return; // plain appends: the conditional head moves alone decide
        }
        java.util.Map<String, Long> heads = new java.util.HashMap<>();
        try (PreparedStatement read = connection.prepareStatement(LOCK_HEADS)) {
            read.setArray(
                    1,
                    connection.createArrayOf(
                            "text",
                            ordered.stream().map(a -> a.roomId).distinct().toArray()));
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    heads.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        List<PostgresAppend> behind = rebasing.stream()
                .filter(a -> heads.getOrDefault(a.roomId, 0L) > a.firstRev() - 1).toList();
        if (behind.isEmpty()) {
            return;
        }
        java.util.Map<String, List<StoredOp>> theirs = new java.util.HashMap<>();
        try (PreparedStatement read = connection.prepareStatement(OPS_AFTER_BASES)) {
            read.setArray(1, connection.createArrayOf("text", behind.stream().map(a -> a.roomId).toArray()));
            read.setArray(2, connection.createArrayOf("bigint", behind.stream().map(a -> a.firstRev() - 1).toArray()));
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    theirs.computeIfAbsent(rows.getString(1), id -> new ArrayList<>()).add(new StoredOp(rows.getLong(2),
                            rows.getString(3), ColumnText.decode(rows.getString(4)),
                            ColumnText.decode(rows.getString(5)), rows.getLong(6), rows.getLong(7),
                            ColumnText.decode(rows.getString(8))));
                }
            }
        }
        for (PostgresAppend append : behind) {
            long base = append.firstRev() - 1;
            List<StoredOp> winners = theirs.getOrDefault(append.roomId, List.of());
            if (winners.isEmpty() || winners.get(0).rev() != base + 1
                    || winners.size() != heads.get(append.roomId) - base) {
                continue; // pruned: left to conflict, and the room reloads
            }
            List<StoredOp> rebased;
            try {
                rebased = append.rebaser.rebase(append.ops, List.copyOf(winners));
            } catch (RuntimeException e) {
                continue;
            }
            if (rebased != null && rebased.size() == append.ops.size()
                    && rebased.get(0).rev() == winners.get(winners.size() - 1).rev() + 1) {
                append.rebased(List.copyOf(winners), rebased);
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
            room.forEach(PostgresAppend::resetOutcome);
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
        for (StoredOp op : append.stored()) {
            insert.setString(1, append.roomId);
            insert.setLong(2, op.rev());
            insert.setString(3, op.opJson());
            insert.setString(4, ColumnText.encode(op.opId()));
            insert.setString(5, ColumnText.encode(op.clientId()));
            insert.setLong(6, op.timeMillis());
            if (op.fingerprint() == 0) {
                insert.setNull(7, Types.BIGINT); // 0 means unknown, stored as NULL as SQLite does
            } else {
                insert.setLong(7, op.fingerprint());
            }
            insert.setString(8, ColumnText.encode(op.name()));
            insert.addBatch();
        }
    }

}
