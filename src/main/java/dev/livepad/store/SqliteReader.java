package dev.livepad.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The read side of {@link SqliteDocumentStore}: one query-only connection, used by one caller at
 * a time. In WAL mode it sees every committed transaction without waiting for the writer.
 */
final class SqliteReader implements AutoCloseable {

    // A room's log is ops plus ops_tail (SqliteWriteOps): the aggregates skip the NULL of an empty side.
    private static final String PROBE_ROOM = """
            SELECT EXISTS (SELECT 1 FROM rooms WHERE id = ?1),
                   (SELECT MIN(rev) FROM (SELECT MIN(rev) AS rev FROM ops WHERE room_id = ?1
                                          UNION ALL SELECT MIN(rev) FROM ops_tail WHERE room_id = ?1)),
                   (SELECT MAX(rev) FROM (SELECT MAX(rev) AS rev FROM ops WHERE room_id = ?1
                                          UNION ALL SELECT MAX(rev) FROM ops_tail WHERE room_id = ?1)),
                   (SELECT MAX(rev) FROM snapshots WHERE room_id = ?1)""";
    // Each side comes ordered (ops by its key, the small tail sorted) and SQLite merges them, streaming.
    private static final String OPS_AFTER = """
            SELECT rev, op_json, op_id, client_id, time, fingerprint, name FROM ops WHERE room_id = ?1 AND rev > ?2
            UNION ALL
            SELECT rev, op_json, op_id, client_id, time, fingerprint, name FROM ops_tail WHERE room_id = ?1 AND rev > ?2
            ORDER BY rev""";

    private final Connection connection;
    private final Statement plain;
    private final StatementCache sql;

    SqliteReader(Connection connection) throws SQLException {
        this.connection = connection;
        this.plain = connection.createStatement();
        this.sql = new StatementCache(connection);
    }

    synchronized Optional<RoomRecord> findRoom(String name) {
        try {
            PreparedStatement find = sql.get("SELECT id, created_at, token_gen FROM rooms WHERE name = ?");
            find.setString(1, name);
            try (ResultSet row = find.executeQuery()) {
                return row.next()
                        ? Optional.of(new RoomRecord(name, row.getString(1), row.getLong(2), row.getLong(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("reading room " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Every live room, by name. */
    synchronized List<RoomRecord> rooms() {
        try (ResultSet rows = sql.get("SELECT name, id, created_at, token_gen FROM rooms ORDER BY name")
                .executeQuery()) {
            List<RoomRecord> rooms = new ArrayList<>();
            while (rows.next()) {
                rooms.add(new RoomRecord(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getLong(4)));
            }
            return rooms;
        } catch (SQLException e) {
            throw new StoreException("listing rooms failed: " + e.getMessage(), e);
        }
    }

    synchronized long roomCount() {
        try (ResultSet row = sql.get("SELECT COUNT(*) FROM rooms").executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("counting rooms failed: " + e.getMessage(), e);
        }
    }

    synchronized Optional<String> setting(String key) {
        try {
            PreparedStatement read = sql.get("SELECT value FROM settings WHERE key = ?");
            read.setString(1, key);
            try (ResultSet row = read.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("reading setting " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** See {@link Retention} for which base is chosen; the queries share one read transaction. */
    synchronized void load(String roomId, int historyOps, DocumentStore.LoadSink sink) {
        try {
            plain.execute("BEGIN");
            try {
                loadInTransaction(roomId, historyOps, sink);
                plain.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    plain.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // The read transaction is gone already; the first failure is the one to report.
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("loading room " + roomId + " failed: " + e.getMessage(), e);
        }
    }

    private void loadInTransaction(String roomId, int historyOps, DocumentStore.LoadSink sink) throws SQLException {
        PreparedStatement probe = sql.get(PROBE_ROOM);
        probe.setString(1, roomId);
        Long firstOp;
        long head;
        boolean anySnapshot;
        try (ResultSet row = probe.executeQuery()) {
            row.next();
            if (row.getInt(1) == 0) {
                throw new StoreException("room " + roomId + " does not exist");
            }
            firstOp = nullableLong(row, 2);
            Long lastOp = nullableLong(row, 3);
            Long lastSnapshot = nullableLong(row, 4);
            anySnapshot = lastSnapshot != null;
            head = Math.max(lastOp == null ? 0 : lastOp, lastSnapshot == null ? 0 : lastSnapshot);
        }

        long baseRev = 0;
        String baseText = "";
        PreparedStatement newest = sql.get(
                "SELECT rev, text FROM snapshots WHERE room_id = ? AND rev <= ? ORDER BY rev DESC LIMIT 1");
        newest.setString(1, roomId);
        newest.setLong(2, Retention.baseLimit(head, historyOps));
        try (ResultSet row = newest.executeQuery()) {
            if (row.next()) {
                baseRev = row.getLong(1);
                baseText = row.getString(2);
            } else if (!Retention.startsFromEmpty(firstOp, anySnapshot)) {
                PreparedStatement oldest = sql.get(
                        "SELECT rev, text FROM snapshots WHERE room_id = ? ORDER BY rev LIMIT 1");
                oldest.setString(1, roomId);
                try (ResultSet first = oldest.executeQuery()) {
                    if (!first.next()) {
                        throw new StoreException("room " + roomId + ": log starts at revision " + firstOp
                                + " and no snapshot precedes it");
                    }
                    baseRev = first.getLong(1);
                    baseText = first.getString(2);
                }
            }
        }

        sink.base(baseRev, baseText);
        PreparedStatement readOps = sql.get(OPS_AFTER);
        readOps.setString(1, roomId);
        readOps.setLong(2, baseRev);
        long last = baseRev;
        try (ResultSet rows = readOps.executeQuery()) {
            while (rows.next()) {
                long rev = rows.getLong(1);
                // A gap means lost rows, a repeat a row written behind the writer's back; serving the
                // text anyway would silently corrupt the room.
                if (rev != last + 1) {
                    throw new StoreException("room " + roomId + ": log has " + (rev <= last
                            ? "revision " + rev + " twice" : "a gap before revision " + rev));
                }
                last = rev;
                sink.op(op(rev, rows)); // a NULL fingerprint reads as 0: unknown
            }
        }
        if (last != head) {
            throw new StoreException("room " + roomId + ": log ends at revision " + last + " but its head is " + head);
        }
    }

    synchronized List<StoredOp> opsAfter(String roomId, long afterRev, int limit) {
        try {
            PreparedStatement read = sql.get(OPS_AFTER + " LIMIT ?3");
            read.setString(1, roomId);
            read.setLong(2, afterRev);
            read.setInt(3, limit);
            List<StoredOp> ops = new ArrayList<>();
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    long rev = rows.getLong(1);
                    if (!ops.isEmpty() && rev <= ops.get(ops.size() - 1).rev()) {
                        throw new StoreException("room " + roomId + ": log has revision " + rev + " twice");
                    }
                    ops.add(op(rev, rows));
                }
            }
            return ops;
        } catch (SQLException e) {
            throw new StoreException("reading ops of room " + roomId + " failed: " + e.getMessage(), e);
        }
    }

    synchronized Optional<DocumentStore.Snapshot> snapshotAtOrBefore(String roomId, long rev) {
        try {
            PreparedStatement find = sql.get(
                    "SELECT rev, text FROM snapshots WHERE room_id = ? AND rev <= ? ORDER BY rev DESC LIMIT 1");
            find.setString(1, roomId);
            find.setLong(2, rev);
            try (ResultSet row = find.executeQuery()) {
                return row.next()
                        ? Optional.of(new DocumentStore.Snapshot(row.getLong(1), row.getString(2)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("reading snapshots of room " + roomId + " failed: " + e.getMessage(), e);
        }
    }

    synchronized Map<String, Long> heads(Collection<String> roomIds) {
        try {
            PreparedStatement probe = sql.get(PROBE_ROOM);
            Map<String, Long> heads = new HashMap<>();
            for (String roomId : roomIds) {
                probe.setString(1, roomId);
                try (ResultSet row = probe.executeQuery()) {
                    row.next();
                    if (row.getBoolean(1)) {
                        heads.put(roomId, Math.max(row.getLong(3), row.getLong(4))); // NULL reads as 0
                    }
                }
            }
            return heads;
        } catch (SQLException e) {
            throw new StoreException("reading room heads failed: " + e.getMessage(), e);
        }
    }

    /** The op of a row of {@link #OPS_AFTER}; a NULL fingerprint reads as 0 (unknown). */
    private static StoredOp op(long rev, ResultSet rows) throws SQLException {
        return new StoredOp(rev, rows.getString(2), ColumnText.decode(rows.getString(3)),
                ColumnText.decode(rows.getString(4)), rows.getLong(5), rows.getLong(6),
                ColumnText.decode(rows.getString(7)));
    }

    private static Long nullableLong(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    @Override
    public synchronized void close() {
        sql.close();
        SqliteSchema.closeQuietly(plain);
        SqliteSchema.closeQuietly(connection);
    }
}
