package dev.livepad.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code livepad.db} without opening it as a store: no directory lock and no writer, so
 * it works while a server in another process has the file open, and WAL lets it read committed
 * data without holding up that server's commits. Backup summaries and export use it.
 */
public final class SqliteFileReader implements AutoCloseable {
    private final SqliteReader reader;

    private SqliteFileReader(SqliteReader reader) {
        this.reader = reader;
    }

    /**
     * @throws StoreException when there is no such file (it is never created here), or it is not a
     *     livepad database of this server's schema version
     */
    public static SqliteFileReader open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new StoreException("there is no livepad database at " + file);
        }
        Connection connection = null;
        try {
            connection = SqliteSchema.openReader(file);
            SqliteSchema.requireCurrent(connection, file);
            return new SqliteFileReader(new SqliteReader(connection));
        } catch (SQLException | RuntimeException e) {
            SqliteSchema.closeQuietly(connection);
            if (e instanceof StoreException storeException) {
                throw storeException;
            }
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every room, by name. */
    public List<RoomRecord> rooms() {
        return reader.rooms();
    }

    /**
     * Streams a room from its newest snapshot (the least to replay), in one read transaction, as
     * {@link DocumentStore#load} does.
     */
    public void load(String roomId, DocumentStore.LoadSink sink) {
        reader.load(roomId, 0, sink);
    }

    /** The head revision of each of these rooms; rooms that no longer exist are left out. */
    public Map<String, Long> heads(Collection<String> roomIds) {
        return reader.heads(roomIds);
    }

    @Override
    public void close() {
        reader.close();
    }
}
