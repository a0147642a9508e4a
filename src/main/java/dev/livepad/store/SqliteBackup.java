package dev.livepad.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.sqlite.SQLiteConnection;

/**
 * Copies a data directory's database while a server may be writing it, and puts such a copy in
 * place in another data directory, for the {@code backup} and {@code restore} commands.
 *
 * <p>The copy is SQLite's online backup API in a single step: one read transaction over every
 * page, so it holds one committed state of the whole database, and in WAL mode the server keeps
 * committing meanwhile. A plain {@code cp} could catch a page half-written and miss commits that
 * are still only in {@code livepad.db-wal}. Copying in several steps (sqlite-jdbc's default is
 * 100 pages) lets go of the read transaction between them, and a commit by another connection
 * restarts the copy from the first page: with a 40 MB database and a writer committing every
 * 2 ms, 100-page steps had not finished after 60 s, where one step took 0.15 s. The cost of one
 * step is that the server's checkpoints cannot pass the copy's snapshot until it ends, so the
 * WAL grows meanwhile.
 */
public final class SqliteBackup {
    /** {@code sqlite3_backup_step}'s "every remaining page". */
    private static final int ALL_PAGES = -1;
    private static final int BUSY_SLEEP_MILLIS = 100;
    private static final int BUSY_RETRIES = 100;
    private static final List<String> LIVE_SUFFIXES = List.of("", "-wal", "-shm", "-journal");

    private SqliteBackup() {
    }

    /**
     * A verified copy: its size, schema version and rooms, and for the current schema the sum of
     * their head revisions (every op ever stored). An older schema is copied as it is, so that a
     * backup taken before an upgrade can go back to the release that wrote it.
     */
    public record Summary(long bytes, int schemaVersion, long rooms, OptionalLong revisions) {
    }

    /**
     * Copies {@code dataDir}'s database to {@code target}, a new file (600), then checks the copy.
     * Takes no directory lock: a running server keeps serving.
     *
     * @throws StoreException when there is no database, {@code target} exists, or the copy fails
     *     or does not pass its integrity check
     */
    public static Summary backup(Path dataDir, Path target) {
        Path source = dataDir.resolve(SqliteDocumentStore.FILE_NAME).toAbsolutePath();
        if (!Files.isRegularFile(source)) {
            throw new StoreException("there is no livepad database at " + source);
        }
        try {
            // Created first, so SQLite writes into a file only its owner may read.
            PrivateFiles.newFile(target);
            try (Connection connection = SqliteSchema.openReader(source)) {
                SqliteSchema.livepadVersion(connection, source);
                int code = connection.unwrap(SQLiteConnection.class).getDatabase().backup("main",
                        target.toAbsolutePath().toString(), null, BUSY_SLEEP_MILLIS, BUSY_RETRIES, ALL_PAGES);
                if (code != 0) {
                    throw new StoreException(
                            "copying " + source + " to " + target + " failed (SQLite result " + code + ")");
                }
            }
            return seal(target);
        } catch (SQLException | IOException e) {
            throw new StoreException("backing up " + source + " to " + target + " failed: " + e, e);
        }
    }

    /**
     * Puts {@code backupFile} into {@code dataDir} as its database, after copying each of
     * {@code companions} there under its own name (files a server needs beside the database, such
     * as the token secret; one already there with the same content is kept). Holds the directory
     * lock meanwhile, so a running server makes it fail and no server starts on a half-restored
     * directory; the database appears last, by rename, once verified.
     *
     * @throws StoreException when the directory is in use, already holds a database or a different
     *     companion, or the copy does not pass its integrity check
     */
    public static Summary restore(Path backupFile, List<Path> companions, Path dataDir) {
        try {
            if (!Files.isRegularFile(backupFile)) {
                throw new StoreException("there is no database at " + backupFile);
            }
            Path wal = backupFile.resolveSibling(backupFile.getFileName() + "-wal");
            if (Files.exists(wal) && Files.size(wal) > 0) {
                throw new StoreException(backupFile + " has a " + wal.getFileName() + " beside it: it is in use"
                        + " or was not closed; restore from a copy made by the backup command");
            }
            PrivateFiles.directory(dataDir);
            try (DirectoryLock lock = lock(dataDir)) {
                requireNoDatabase(dataDir);
                for (Path companion : companions) {
                    place(companion, dataDir.resolve(companion.getFileName().toString()));
                }
                Path staged = dataDir.resolve(SqliteDocumentStore.FILE_NAME + ".restoring");
                Files.deleteIfExists(staged); // left by a restore that was interrupted; the lock makes it ours
                PrivateFiles.copy(backupFile, staged);
                Summary summary = seal(staged);
                Files.move(staged, dataDir.resolve(SqliteDocumentStore.FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
                PrivateFiles.forceDirectory(dataDir);
                return summary;
            }
        } catch (SQLException | IOException e) {
            throw new StoreException("restoring " + backupFile + " into " + dataDir + " failed: " + e, e);
        }
    }

    private static DirectoryLock lock(Path dataDir) throws IOException {
        try {
            return DirectoryLock.acquire(dataDir);
        } catch (StoreException e) {
            throw new StoreException(e.getMessage() + "; stop the server first", e);
        }
    }

    private static void requireNoDatabase(Path dataDir) {
        for (String suffix : LIVE_SUFFIXES) {
            Path file = dataDir.resolve(SqliteDocumentStore.FILE_NAME + suffix);
            if (Files.exists(file)) {
                throw new StoreException(dataDir + " already holds a database (" + file.getFileName()
                        + "); restore into an empty data directory, or move that one away first");
            }
        }
    }

    /** Copies a companion file unless the very same is already there. */
    private static void place(Path source, Path target) throws IOException {
        if (Files.exists(target)) {
            if (Files.mismatch(source, target) != -1) {
                throw new StoreException(target + " exists and differs from " + source + "; move it away first");
            }
            return;
        }
        Path staged = target.resolveSibling(target.getFileName() + ".restoring");
        Files.deleteIfExists(staged);
        PrivateFiles.copy(source, staged);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes {@code file} one self-contained file (a rollback journal instead of WAL, so that no
     * {@code -wal} beside it holds commits a file copy would leave behind; a server switches it
     * back to WAL when it opens it), checks its integrity and schema, syncs it and summarizes it.
     */
    private static Summary seal(Path file) throws SQLException, IOException {
        int version;
        long rooms;
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = " + SqliteSchema.BUSY_TIMEOUT_MILLIS);
            String mode = SqliteSchema.queryString(statement, "PRAGMA journal_mode = DELETE");
            if (!"delete".equalsIgnoreCase(mode)) {
                throw new StoreException(file + " stays in journal mode " + mode);
            }
            String integrity = SqliteSchema.queryString(statement, "PRAGMA integrity_check");
            if (!"ok".equals(integrity)) {
                throw new StoreException(file + " fails SQLite's integrity check: " + integrity);
            }
            version = SqliteSchema.livepadVersion(connection, file);
            rooms = Long.parseLong(SqliteSchema.queryString(statement, "SELECT COUNT(*) FROM rooms"));
        }
        PrivateFiles.force(file);
        if (version < SqliteSchema.VERSION) {
            return new Summary(Files.size(file), version, rooms, OptionalLong.empty());
        }
        try (SqliteFileReader reader = SqliteFileReader.open(file)) {
            Map<String, Long> heads = reader.heads(reader.rooms().stream().map(RoomRecord::id).toList());
            long revisions = heads.values().stream().mapToLong(Long::longValue).sum();
            return new Summary(Files.size(file), version, rooms, OptionalLong.of(revisions));
        }
    }
}
