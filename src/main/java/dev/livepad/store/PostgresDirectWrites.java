package dev.livepad.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * The writes other than appends (rooms, token generations, snapshots and settings), made directly
 * by the calling thread on a pooled connection rather than through the writer's queue, each one
 * short statement or transaction. They are rare and their callers wait for them, so there is
 * nothing to gain from the writer's group commit, and running them beside it keeps a slow
 * snapshot from delaying acks. Each is atomic in PostgreSQL itself (ON CONFLICT, conditional
 * UPDATE, row locks), since other instances write the same rows.
 */
final class PostgresDirectWrites {

    private final PostgresPool pool;

    PostgresDirectWrites(PostgresPool pool) {
        this.pool = pool;
    }

    /** False when the name or the id is taken; the unique indexes decide, not a prior read. */
    boolean createRoom(RoomRecord room) {
        return pool.call("creating room " + room.name(), connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rooms (id, name, created_at,"
                    + " token_gen, head) VALUES (?, ?, ?, ?, 0) ON CONFLICT DO NOTHING")) {
                insert.setString(1, room.id());
                insert.setString(2, room.name());
                insert.setLong(3, room.createdAtMillis());
                insert.setLong(4, room.tokenGen());
                return insert.executeUpdate() == 1;
            }
        });
    }

    /**
     * Locks the room's row first: an append in flight holds it until it commits, so once this has
     * it no op can still be added, and the DELETE of ops then sees every committed one (deleting
     * ops first would miss those, and the room's row would then be refused by its foreign keys).
     * A writer that was waiting finds the row gone and fails its append.
     */
    boolean deleteRoom(String name, String roomId) {
        return pool.transaction("deleting room " + name, connection -> {
            try (PreparedStatement lock = connection.prepareStatement(
                    "SELECT 1 FROM rooms WHERE name = ? AND id = ? FOR UPDATE")) {
                lock.setString(1, name);
                lock.setString(2, roomId);
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        return false;
                    }
                }
            }
            for (String delete : new String[] {
                    "DELETE FROM ops WHERE room_id = ?",
                    "DELETE FROM snapshots WHERE room_id = ?",
                    "DELETE FROM rooms WHERE id = ?"}) {
                try (PreparedStatement statement = connection.prepareStatement(delete)) {
                    statement.setString(1, roomId);
                    statement.executeUpdate();
                }
            }
            return true;
        });
    }

    /** One conditional UPDATE, so of two concurrent revocations (on any instances) exactly one counts. */
    OptionalLong nextTokenGeneration(String name, String roomId, long current) {
        return pool.call("revoking the links of room " + name, connection -> {
            try (PreparedStatement bump = connection.prepareStatement("UPDATE rooms SET token_gen = token_gen + 1"
                    + " WHERE name = ? AND id = ? AND token_gen = ? RETURNING token_gen")) {
                bump.setString(1, name);
                bump.setString(2, roomId);
                bump.setLong(3, current);
                try (ResultSet row = bump.executeQuery()) {
                    return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    /**
     * Stores the snapshot, then drops what lies before the base a load would now choose, as
     * {@link Retention} and SQLite's writer do, in one transaction. The room's row is read FOR KEY
     * SHARE: that keeps a delete out until this commits, without blocking appends, which may move
     * the head meanwhile; retention computed from the older head only keeps more.
     */
    Void saveSnapshot(String roomId, long rev, String text, int historyOps) {
        return pool.transaction("saving a snapshot of room " + roomId, connection -> {
            long head = lockedHead(connection, roomId);
            if (rev < 0 || rev > head) {
                throw new IllegalArgumentException(
                        "snapshot at revision " + rev + " of room " + roomId + " whose head is " + head);
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO snapshots (room_id, rev, text)"
                    + " VALUES (?, ?, ?) ON CONFLICT (room_id, rev) DO UPDATE SET text = EXCLUDED.text")) {
                insert.setString(1, roomId);
                insert.setLong(2, rev);
                insert.setString(3, text);
                insert.executeUpdate();
            }
            long base;
            try (PreparedStatement findBase = connection.prepareStatement(
                    "SELECT max(rev) FROM snapshots WHERE room_id = ? AND rev <= ?")) {
                findBase.setString(1, roomId);
                findBase.setLong(2, Retention.baseLimit(head, historyOps));
                try (ResultSet row = findBase.executeQuery()) {
                    row.next();
                    base = row.getLong(1);
                    if (row.wasNull()) {
                        return null; // no snapshot is old enough to be a base yet: keep the log from revision 1
                    }
                }
            }
            deleteBefore(connection, "DELETE FROM snapshots WHERE room_id = ? AND rev < ?", roomId, base);
            deleteBefore(connection, "DELETE FROM ops WHERE room_id = ? AND rev <= ?", roomId, base);
            return null;
        });
    }

    private static long lockedHead(Connection connection, String roomId) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement(
                "SELECT head FROM rooms WHERE id = ? FOR KEY SHARE")) {
            read.setString(1, roomId);
            try (ResultSet row = read.executeQuery()) {
                if (!row.next()) {
                    throw new StoreException("room " + roomId + " does not exist");
                }
                return row.getLong(1);
            }
        }
    }

    private static void deleteBefore(Connection connection, String sql, String roomId, long rev) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setString(1, roomId);
            delete.setLong(2, rev);
            delete.executeUpdate();
        }
    }

    /** Inserts unless present, then reads what is stored: the first value wins across instances too. */
    String putSettingIfAbsent(String key, String value) {
        return pool.call("storing setting " + key, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")) {
                insert.setString(1, key);
                insert.setString(2, value);
                insert.executeUpdate();
            }
            try (PreparedStatement read = connection.prepareStatement("SELECT value FROM settings WHERE key = ?")) {
                read.setString(1, key);
                try (ResultSet row = read.executeQuery()) {
                    row.next();
                    return row.getString(1);
                }
            }
        });
    }
}
