package dev.livepad.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The read side of {@link PostgresDocumentStore}, on pooled connections, so reads run side by side
 * and never queue behind the writer. Each read sees what was committed when it started; a load
 * runs in one REPEATABLE READ transaction, so its probe, base and ops are one consistent picture
 * even while other instances append and snapshot.
 */
final class PostgresReader {

    /** Ops fetched per round trip while a load streams; a room's log never sits in memory whole. */
    static final int FETCH_SIZE = 500;

    private static final String OP_COLUMNS = "SELECT rev, op_json, op_id, client_id, time, fingerprint, name FROM ops";

    private final PostgresPool pool;

    PostgresReader(PostgresPool pool) {
        this.pool = pool;
    }

    Optional<RoomRecord> findRoom(String name) {
        return pool.call("reading room " + name, connection -> {
            try (PreparedStatement find = connection.prepareStatement(
                    "SELECT id, created_at, token_gen FROM rooms WHERE name = ?")) {
                find.setString(1, name);
                try (ResultSet row = find.executeQuery()) {
                    return row.next()
                            ? Optional.of(new RoomRecord(name, row.getString(1), row.getLong(2), row.getLong(3)))
                            : Optional.empty();
                }
            }
        });
    }

    long roomCount() {
        return pool.call("counting rooms", connection -> {
            try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM rooms");
                 ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    Optional<String> setting(String key) {
        return pool.call("reading setting " + key, connection -> {
            try (PreparedStatement read = connection.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
                read.setString(1, key);
                try (ResultSet row = read.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Streams the room as {@link Retention} picks its base. The ops query runs through a cursor
     * ({@link #FETCH_SIZE} rows per fetch), which pgjdbc only uses inside a transaction.
     */
    void load(String roomId, int historyOps, DocumentStore.LoadSink sink) {
        pool.call("loading room " + roomId, connection -> {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                loadInTransaction(connection, roomId, historyOps, sink);
                connection.commit();
                return null;
            } catch (SQLException | RuntimeException e) {
                PostgresPool.rollbackQuietly(connection);
                throw e;
            }
        });
    }

    private static void loadInTransaction(Connection connection, String roomId, int historyOps,
                                          DocumentStore.LoadSink sink) throws SQLException {
        long head;
        Long firstOp;
        boolean anySnapshot;
        try (PreparedStatement probe = connection.prepareStatement("""
                SELECT head,
                       (SELECT min(rev) FROM ops WHERE room_id = rooms.id),
                       EXISTS (SELECT 1 FROM snapshots WHERE room_id = rooms.id)
                FROM rooms WHERE id = ?""")) {
            probe.setString(1, roomId);
            try (ResultSet row = probe.executeQuery()) {
                if (!row.next()) {
                    throw new StoreException("room " + roomId + " does not exist");
                }
                head = row.getLong(1);
                firstOp = row.getLong(2);
                if (row.wasNull()) {
                    firstOp = null;
                }
                anySnapshot = row.getBoolean(3);
            }
        }

        Snapshot base = snapshot(connection, roomId,
                "SELECT rev, text FROM snapshots WHERE room_id = ? AND rev <= ? ORDER BY rev DESC LIMIT 1",
                Retention.baseLimit(head, historyOps));
        if (base == null && !Retention.startsFromEmpty(firstOp, anySnapshot)) {
            base = snapshot(connection, roomId, "SELECT rev, text FROM snapshots WHERE room_id = ? AND rev >= ?"
                    + " ORDER BY rev LIMIT 1", 0);
            if (base == null) {
                throw new StoreException("room " + roomId + ": log starts at revision " + firstOp
                        + " and no snapshot precedes it");
            }
        }
        long baseRev = base == null ? 0 : base.rev();
        sink.base(baseRev, base == null ? "" : base.text());
        long last = baseRev;
        try (PreparedStatement read = connection.prepareStatement(
                OP_COLUMNS + " WHERE room_id = ? AND rev > ? ORDER BY rev")) {
            read.setFetchSize(FETCH_SIZE);
            read.setString(1, roomId);
            read.setLong(2, baseRev);
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    StoredOp op = op(rows);
                    // A gap means lost rows; serving the text anyway would silently corrupt the room.
                    if (op.rev() != last + 1) {
                        throw new StoreException("room " + roomId + ": log has a gap before revision " + op.rev());
                    }
                    last = op.rev();
                    sink.op(op);
                }
            }
        }
        if (last != head) {
            throw new StoreException("room " + roomId + ": log ends at revision " + last + " but its head is " + head);
        }
    }

    private record Snapshot(long rev, String text) {
    }

    /** The first snapshot {@code sql} finds for the room and a revision bound, or null. */
    private static Snapshot snapshot(Connection connection, String roomId, String sql, long rev) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(sql)) {
            find.setString(1, roomId);
            find.setLong(2, rev);
            try (ResultSet row = find.executeQuery()) {
                return row.next() ? new Snapshot(row.getLong(1), row.getString(2)) : null;
            }
        }
    }

    List<StoredOp> opsAfter(String roomId, long afterRev, int limit) {
        return pool.call("reading ops of room " + roomId, connection -> {
            try (PreparedStatement read = connection.prepareStatement(
                    OP_COLUMNS + " WHERE room_id = ? AND rev > ? ORDER BY rev LIMIT ?")) {
                read.setString(1, roomId);
                read.setLong(2, afterRev);
                read.setInt(3, limit);
                List<StoredOp> ops = new ArrayList<>();
                try (ResultSet rows = read.executeQuery()) {
                    while (rows.next()) {
                        ops.add(op(rows));
                    }
                }
                return ops;
            }
        });
    }

    Optional<DocumentStore.Snapshot> snapshotAtOrBefore(String roomId, long rev) {
        return pool.call("reading snapshots of room " + roomId, connection -> {
            Snapshot found = snapshot(connection, roomId,
                    "SELECT rev, text FROM snapshots WHERE room_id = ? AND rev <= ? ORDER BY rev DESC LIMIT 1", rev);
            return found == null
                    ? Optional.<DocumentStore.Snapshot>empty()
                    : Optional.of(new DocumentStore.Snapshot(found.rev(), found.text()));
        });
    }

    /** One query for all rooms: {@code rooms.head} is each room's last revision. */
    Map<String, Long> heads(Collection<String> roomIds) {
        if (roomIds.isEmpty()) {
            return Map.of();
        }
        return pool.call("reading room heads", connection -> {
            try (PreparedStatement read = connection.prepareStatement(
                    "SELECT id, head FROM rooms WHERE id = ANY (?)")) {
                read.setArray(1, connection.createArrayOf("text", roomIds.toArray()));
                Map<String, Long> heads = new HashMap<>();
                try (ResultSet rows = read.executeQuery()) {
                    while (rows.next()) {
                        heads.put(rows.getString(1), rows.getLong(2));
                    }
                }
                return heads;
            }
        });
    }

    private static StoredOp op(ResultSet rows) throws SQLException {
        return new StoredOp(rows.getLong(1), rows.getString(2), ColumnText.decode(rows.getString(3)),
                ColumnText.decode(rows.getString(4)), rows.getLong(5), rows.getLong(6), // NULL fingerprint: 0, unknown
                ColumnText.decode(rows.getString(7)));
    }
}
