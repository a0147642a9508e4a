package dev.livepad.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SQL the writer thread runs on the write connection, plus its cache of each room's head
 * revision, which lets an append's revision be checked without a query. Used by that thread only.
 *
 * <p>Appends go to {@code ops_tail}, which has no index, and {@link #fold} moves them into
 * {@code ops} in one sorted batch once {@link #FOLD_ROWS} have gathered (see the schema in
 * {@link SqliteSchema}). Every read and delete of a room's log covers both tables.
 */
final class SqliteWriteOps implements AutoCloseable {

    /** A {@link #head} value meaning the room has no row, i.e. never existed or was deleted. */
    static final long NO_ROOM = -1;

    private static final int HEAD_CACHE_ROOMS = 100_000;

    /**
     * Rows {@code ops_tail} gathers before they move to {@code ops}. Larger folds put more of each
     * room's rows on one page; every read and prune scans the tail, so it stays small. The system
     * property {@code livepad.sqlite.foldRows} sets it for tests that need folds within a few ops
     * (the crash and durability tests); it is not a setting for operators.
     */
    static final int FOLD_ROWS = Math.max(1, Integer.getInteger("livepad.sqlite.foldRows", 1024));

    private static final String INSERT_OP = "INSERT INTO ops_tail"
            + " (room_id, rev, op_json, op_id, client_id, time, fingerprint, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String PROBE_HEAD = """
            SELECT EXISTS (SELECT 1 FROM rooms WHERE id = ?1),
                   MAX(IFNULL((SELECT MAX(rev) FROM ops WHERE room_id = ?1), 0),
                       IFNULL((SELECT MAX(rev) FROM ops_tail WHERE room_id = ?1), 0),
                       IFNULL((SELECT MAX(rev) FROM snapshots WHERE room_id = ?1), 0))""";
    // Sorted, so each room's rows are appended together to the table and its index. %s: a WHERE or nothing.
    private static final String FOLD = """
            INSERT INTO ops (room_id, rev, op_json, op_id, client_id, time, fingerprint, name)
            SELECT room_id, rev, op_json, op_id, client_id, time, fingerprint, name FROM ops_tail%s
            ORDER BY room_id, rev""";
    // Rooms with a revision in both tables, or twice in the tail.
    private static final String CLASHING_ROOMS = """
            SELECT t.room_id FROM ops_tail t JOIN ops o ON o.room_id = t.room_id AND o.rev = t.rev
            UNION
            SELECT room_id FROM ops_tail GROUP BY room_id, rev HAVING COUNT(*) > 1""";

    private final Statement plain;
    private final StatementCache sql;
    private final PreparedStatement insertOp;
    private int queuedInserts;
    /** Rows in ops_tail as of the open transaction; -1 when unknown (after a rollback or a prune). */
    private long tailRows = -1;
    /** The tail's size that triggers a fold: {@link #FOLD_ROWS} beyond what stays, or more after a fold failed. */
    private long foldAt = FOLD_ROWS;
    /** Rooms whose rows clash and so stay in the tail (found again after a restart, by a failing fold). */
    private final Set<String> heldBack = new TreeSet<>();

    /**
     * Head revision of recently used rooms, including ops written earlier in the open transaction;
     * cleared whenever a transaction or savepoint is rolled back, then reloaded lazily from MAX(rev).
     */
    private final Map<String, Long> heads = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > HEAD_CACHE_ROOMS;
        }
    };

    SqliteWriteOps(Connection connection) throws SQLException {
        this.plain = connection.createStatement();
        this.sql = new StatementCache(connection);
        this.insertOp = sql.get(INSERT_OP);
    }

    // --- transactions ---------------------------------------------------------------------------

    void begin() throws SQLException {
        // IMMEDIATE takes the write lock up front, so no statement in the batch can hit a busy upgrade.
        plain.execute("BEGIN IMMEDIATE");
    }

    void commit() throws SQLException {
        plain.execute("COMMIT");
    }

    /** Rolls back the open transaction, if any, and forgets everything it may have cached from it. */
    void rollback() {
        discardQueuedInserts();
        heads.clear();
        tailRows = -1;
        try {
            plain.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite may already have rolled back by itself (e.g. on I/O error); nothing is open then.
        }
    }

    void savepoint() throws SQLException {
        plain.execute("SAVEPOINT cmd");
    }

    void release() throws SQLException {
        plain.execute("RELEASE cmd");
    }

    /** Undoes the command since {@link #savepoint}; throws if the transaction itself is gone. */
    void rollbackToSavepoint() throws SQLException {
        heads.clear();
        tailRows = -1;
        plain.execute("ROLLBACK TO cmd");
        plain.execute("RELEASE cmd");
    }

    // --- appends --------------------------------------------------------------------------------

    /** Null when {@code rev} may be appended now, else the exception the append fails with. */
    RuntimeException rejectAppend(String roomId, long rev) throws SQLException {
        long head = head(roomId);
        if (head == NO_ROOM) {
            return new StoreException("room " + roomId + " does not exist");
        }
        return rev == head + 1 ? null : new DocumentStore.AppendConflict(roomId, rev);
    }

    /** Adds the insert to the JDBC batch; {@link #flushInserts} executes it. */
    void queueInsert(String roomId, StoredOp op) throws SQLException {
        bindOp(roomId, op);
        insertOp.addBatch();
        queuedInserts++;
        heads.put(roomId, op.rev());
        if (tailRows >= 0) {
            tailRows++;
        }
    }

    void insertNow(String roomId, StoredOp op) throws SQLException {
        bindOp(roomId, op);
        insertOp.executeUpdate();
        heads.put(roomId, op.rev());
        if (tailRows >= 0) {
            tailRows++;
        }
    }

    void flushInserts() throws SQLException {
        if (queuedInserts == 0) {
            return;
        }
        try {
            insertOp.executeBatch();
        } finally {
            queuedInserts = 0;
            insertOp.clearBatch();
        }
    }

    private void discardQueuedInserts() {
        queuedInserts = 0;
        try {
            insertOp.clearBatch();
        } catch (SQLException ignored) {
            // Only fails on a closed statement, which holds no batch either.
        }
    }

    private void bindOp(String roomId, StoredOp op) throws SQLException {
        insertOp.setString(1, roomId);
        insertOp.setLong(2, op.rev());
        insertOp.setString(3, op.opJson());
        setNullable(insertOp, 4, ColumnText.encode(op.opId()));
        setNullable(insertOp, 5, ColumnText.encode(op.clientId()));
        insertOp.setLong(6, op.timeMillis());
        if (op.fingerprint() == 0) {
            insertOp.setNull(7, Types.INTEGER);
        } else {
            insertOp.setLong(7, op.fingerprint());
        }
        setNullable(insertOp, 8, ColumnText.encode(op.name()));
    }

    /** The room's head revision as of the open transaction, or {@link #NO_ROOM}. */
    long head(String roomId) throws SQLException {
        Long cached = heads.get(roomId);
        if (cached != null) {
            return cached;
        }
        flushInserts(); // the probe must see inserts still sitting in the JDBC batch
        PreparedStatement probe = sql.get(PROBE_HEAD);
        probe.setString(1, roomId);
        try (ResultSet row = probe.executeQuery()) {
            row.next();
            if (row.getInt(1) == 0) {
                return NO_ROOM; // not cached: a deleted room never comes back under the same id
            }
            long head = row.getLong(2);
            heads.put(roomId, head);
            return head;
        }
    }

    // --- the tail of the log ----------------------------------------------------------------------

    /** Whether the tail has gathered enough rows to move; flushes queued inserts to count them. */
    boolean foldDue() throws SQLException {
        return tailRows() >= foldAt; // queued inserts are counted already
    }

    private long tailRows() throws SQLException {
        if (tailRows < 0) {
            flushInserts();
            try (ResultSet row = plain.executeQuery("SELECT COUNT(*) FROM ops_tail")) {
                row.next();
                tailRows = row.getLong(1);
            }
        }
        return tailRows;
    }

    /**
     * Moves the rows of {@code ops_tail} into {@code ops}, but those of held-back rooms, inside the
     * open transaction (the caller wraps it in a savepoint). A row whose (room_id, rev) is taken in
     * {@code ops} fails the whole move, which then leaves both tables as they were.
     */
    void fold() throws SQLException {
        flushInserts();
        String where = heldBack.isEmpty() ? ""
                : " WHERE room_id NOT IN (" + String.join(", ", Collections.nCopies(heldBack.size(), "?")) + ")";
        for (String statement : new String[] {FOLD.formatted(where), "DELETE FROM ops_tail" + where}) {
            PreparedStatement move = sql.get(statement);
            int i = 1;
            for (String roomId : heldBack) {
                move.setString(i++, roomId);
            }
            move.executeUpdate();
        }
        tailRows = heldBack.isEmpty() ? 0 : -1;
        foldAt = tailRows() + FOLD_ROWS;
    }

    /** After a failed fold: tries again only once the tail has gathered twice as many rows. */
    void postponeFold() {
        foldAt = Math.max(FOLD_ROWS, foldAt * 2);
    }

    /** Finds the rooms whose rows clash, and leaves their rows in the tail from now on; returns the new ones. */
    Set<String> holdBackClashingRooms() throws SQLException {
        Set<String> found = new TreeSet<>();
        try (ResultSet rows = plain.executeQuery(CLASHING_ROOMS)) {
            while (rows.next()) {
                found.add(rows.getString(1));
            }
        }
        found.removeAll(heldBack);
        heldBack.addAll(found);
        return found;
    }

    // --- other writes, each run inside a savepoint by the writer ----------------------------------

    boolean createRoom(RoomRecord room) throws SQLException {
        PreparedStatement insert = sql.get("INSERT OR IGNORE INTO rooms (id, name, created_at) VALUES (?, ?, ?)");
        insert.setString(1, room.id());
        insert.setString(2, room.name());
        insert.setLong(3, room.createdAtMillis());
        boolean created = insert.executeUpdate() == 1;
        if (created) {
            heads.put(room.id(), 0L);
        }
        return created;
    }

    boolean deleteRoom(String name, String roomId) throws SQLException {
        PreparedStatement find = sql.get("SELECT 1 FROM rooms WHERE name = ? AND id = ?");
        find.setString(1, name);
        find.setString(2, roomId);
        try (ResultSet row = find.executeQuery()) {
            if (!row.next()) {
                return false;
            }
        }
        for (String delete : new String[] {
                "DELETE FROM ops WHERE room_id = ?",
                "DELETE FROM ops_tail WHERE room_id = ?",
                "DELETE FROM snapshots WHERE room_id = ?",
                "DELETE FROM rooms WHERE id = ?"}) {
            PreparedStatement statement = sql.get(delete);
            statement.setString(1, roomId);
            statement.executeUpdate();
        }
        heads.remove(roomId);
        heldBack.remove(roomId);
        tailRows = -1;
        return true;
    }

    OptionalLong nextTokenGeneration(String name, String roomId, long current) throws SQLException {
        PreparedStatement bump = sql.get(
                "UPDATE rooms SET token_gen = token_gen + 1 WHERE name = ? AND id = ? AND token_gen = ?");
        bump.setString(1, name);
        bump.setString(2, roomId);
        bump.setLong(3, current);
        if (bump.executeUpdate() != 1) {
            return OptionalLong.empty();
        }
        PreparedStatement read = sql.get("SELECT token_gen FROM rooms WHERE id = ?");
        read.setString(1, roomId);
        try (ResultSet row = read.executeQuery()) {
            row.next();
            return OptionalLong.of(row.getLong(1));
        }
    }

    /** Stores the snapshot, then drops what lies before the base a load would now choose. */
    Void saveSnapshot(String roomId, long rev, String text, int historyOps) throws SQLException {
        long head = head(roomId);
        if (head == NO_ROOM) {
            throw new StoreException("room " + roomId + " does not exist");
        }
        if (rev < 0 || rev > head) {
            throw new IllegalArgumentException(
                    "snapshot at revision " + rev + " of room " + roomId + " whose head is " + head);
        }
        PreparedStatement insert = sql.get("INSERT OR REPLACE INTO snapshots (room_id, rev, text) VALUES (?, ?, ?)");
        insert.setString(1, roomId);
        insert.setLong(2, rev);
        insert.setString(3, text);
        insert.executeUpdate();

        PreparedStatement findBase = sql.get("SELECT MAX(rev) FROM snapshots WHERE room_id = ? AND rev <= ?");
        findBase.setString(1, roomId);
        findBase.setLong(2, Retention.baseLimit(head, historyOps));
        long base;
        try (ResultSet row = findBase.executeQuery()) {
            row.next();
            base = row.getLong(1);
            if (row.wasNull()) {
                return null; // no snapshot is old enough to be a base yet: keep the log from revision 1
            }
        }
        PreparedStatement dropSnapshots = sql.get("DELETE FROM snapshots WHERE room_id = ? AND rev < ?");
        dropSnapshots.setString(1, roomId);
        dropSnapshots.setLong(2, base);
        dropSnapshots.executeUpdate();
        for (String table : new String[] {"ops", "ops_tail"}) {
            PreparedStatement dropOps = sql.get("DELETE FROM " + table + " WHERE room_id = ? AND rev <= ?");
            dropOps.setString(1, roomId);
            dropOps.setLong(2, base);
            int dropped = dropOps.executeUpdate();
            if (table.equals("ops_tail") && tailRows >= 0) {
                tailRows -= dropped;
            }
        }
        return null;
    }

    String putSettingIfAbsent(String key, String value) throws SQLException {
        PreparedStatement insert = sql.get("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)");
        insert.setString(1, key);
        insert.setString(2, value);
        insert.executeUpdate();
        PreparedStatement read = sql.get("SELECT value FROM settings WHERE key = ?");
        read.setString(1, key);
        try (ResultSet row = read.executeQuery()) {
            row.next();
            return row.getString(1);
        }
    }

    /** The value of a PRAGMA on this connection (the one whose settings govern durability). */
    String pragma(String name) throws SQLException {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a pragma name: " + name);
        }
        return SqliteSchema.queryString(plain, "PRAGMA " + name);
    }

    /** Folds the WAL back into the database file, so a closed store is one self-contained file. */
    void checkpoint() throws SQLException {
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    private static void setNullable(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    @Override
    public void close() {
        sql.close();
        SqliteSchema.closeQuietly(plain);
    }
}
