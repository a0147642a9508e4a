package dev.livepad.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link DocumentStore}: one SQLite file, {@value #FILE_NAME}, in WAL mode with
 * synchronous=FULL, written by a single thread that commits many appends per fsync (group commit).
 *
 * <p>Threads: every write (appends, and room, snapshot and setting changes, which block their
 * caller until committed) goes through one queue to the writer thread, so writes are applied in
 * the order they were queued. Append futures complete on the writer thread, in order, right after
 * their commit: a callback must not block, and may append but not wait for another write (a call
 * from it fails rather than wait for itself). Reads use a separate connection and see committed
 * data only.
 *
 * <p>Retention: {@link #load} returns the newest snapshot at least {@code historyOps} revisions
 * below the head (else revision 0 while the log still starts at 1, else the oldest snapshot kept)
 * and every op after it, so {@code baseRev} may be older than the newest snapshot and the caller
 * rebuilds the text by applying all returned ops. {@link #saveSnapshot} deletes the snapshots and
 * ops older than that base, so a room keeps about {@code historyOps} plus one snapshot interval of ops.
 *
 * <p>One store per data directory: a lock file beside the database refuses a second one.
 */
public final class SqliteDocumentStore implements DocumentStore {

    private static final Logger log = LoggerFactory.getLogger(SqliteDocumentStore.class);

    /** The database file's name inside the data directory. */
    public static final String FILE_NAME = "livepad.db";

    /** Writes beyond this many queued block their caller, so overload cannot exhaust memory. */
    private static final int QUEUE_CAPACITY = 100_000;

    /** Op JSON waiting for the writer beyond this blocks its caller too. */
    private static final long QUEUE_MAX_BYTES = 64L * 1024 * 1024;

    /** A longer wait would make acks visibly late; the gain flattens out well before it. */
    static final Duration MAX_COMMIT_DELAY = Duration.ofMillis(100);

    private final Path file;
    private final DirectoryLock directoryLock;
    private final Connection writeConnection;
    private final SqliteWriteOps writeOps;
    private final SqliteReader reader;
    private final WriteQueue queue = new WriteQueue(QUEUE_CAPACITY, QUEUE_MAX_BYTES);
    private final SqliteWriter writer;
    private final Thread writerThread;

    private SqliteDocumentStore(Path file, DirectoryLock directoryLock, Connection writeConnection,
                                SqliteWriteOps writeOps, SqliteReader reader, Duration commitDelay) {
        this.file = file;
        this.directoryLock = directoryLock;
        this.writeConnection = writeConnection;
        this.writeOps = writeOps;
        this.reader = reader;
        this.writer = new SqliteWriter(queue, writeOps, commitDelay);
        this.writerThread = new Thread(writer, "livepad-store-writer");
        // Daemon: an unclosed store must not keep the JVM alive; what it had not acked was never promised.
        writerThread.setDaemon(true);
        writerThread.start();
    }

    /**
     * Opens (creating if needed) {@code dataDir/livepad.db}, creating the directory too.
     *
     * @throws StoreException when the directory is in use by another store, or the file is not a
     *     readable livepad database (corrupt, foreign, or from a newer version)
     */
    public static SqliteDocumentStore open(Path dataDir) {
        return open(dataDir, Duration.ZERO);
    }

    /**
     * Opens the store with a commit delay: when a commit would carry more than one write, the
     * writer first waits {@code commitDelay} for more to join it (PostgreSQL's {@code
     * commit_delay}), trading that much latency for fewer fsyncs. A lone write never waits.
     */
    public static SqliteDocumentStore open(Path dataDir, Duration commitDelay) {
        if (commitDelay.isNegative() || commitDelay.compareTo(MAX_COMMIT_DELAY) > 0) {
            throw new IllegalArgumentException("the commit delay must be between 0 and "
                    + MAX_COMMIT_DELAY.toMillis() + " ms, got " + commitDelay.toNanos() / 1000 + " microseconds");
        }
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
        DirectoryLock directoryLock = null;
        Connection writeConnection = null;
        SqliteWriteOps writeOps = null;
        Connection readConnection = null;
        try {
            PrivateFiles.directory(dataDir);
            directoryLock = DirectoryLock.acquire(dataDir);
            PrivateFiles.file(file); // SQLite gives its -wal and -shm files the database file's mode
            writeConnection = SqliteSchema.openWriter(file);
            writeOps = new SqliteWriteOps(writeConnection);
            readConnection = SqliteSchema.openReader(file);
            SqliteReader reader = new SqliteReader(readConnection);
            log.info("opened {}", file);
            return new SqliteDocumentStore(file, directoryLock, writeConnection, writeOps, reader, commitDelay);
        } catch (IOException | SQLException | RuntimeException e) {
            SqliteSchema.closeQuietly(readConnection);
            SqliteSchema.closeQuietly(writeOps);
            SqliteSchema.closeQuietly(writeConnection);
            SqliteSchema.closeQuietly(directoryLock);
            if (e instanceof StoreException storeException) {
                throw storeException;
            }
            throw new StoreException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** The database file this store writes. */
    public Path file() {
        return file;
    }

    @Override
    public void observeCommits(CommitObserver observer) {
        writer.observe(observer);
    }

    /** Transactions committed so far (one fsync each); for metrics, and for tests of group commit. */
    public long commitCount() {
        return writer.commits();
    }

    /** Commits that waited for the commit delay (always 0 without one). */
    long delayedCommitCount() {
        return writer.delayedCommits();
    }

    /** A PRAGMA's value on the write connection, whose settings decide durability; for tests. */
    String writerPragma(String name) {
        return call(ops -> ops.pragma(name));
    }

    @Override
    public boolean createRoom(RoomRecord room) {
        Objects.requireNonNull(room.name(), "name");
        Objects.requireNonNull(room.id(), "id");
        return call(ops -> ops.createRoom(room));
    }

    @Override
    public Optional<RoomRecord> findRoom(String name) {
        checkOpen();
        return reader.findRoom(name);
    }

    @Override
    public boolean deleteRoom(String name, String roomId) {
        return call(ops -> ops.deleteRoom(name, roomId));
    }

    @Override
    public OptionalLong nextTokenGeneration(String name, String roomId, long current) {
        return call(ops -> ops.nextTokenGeneration(name, roomId, current));
    }

    @Override
    public long roomCount() {
        checkOpen();
        return reader.roomCount();
    }

    @Override
    public void load(String roomId, int historyOps, LoadSink sink) {
        checkOpen();
        reader.load(roomId, historyOps, sink);
    }

    @Override
    public CompletableFuture<Void> append(String roomId, StoredOp op) {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(op.opJson(), "opJson");
        WriteCommand.Append command = new WriteCommand.Append(roomId, op);
        RuntimeException refused = queue.offer(command);
        return refused == null ? command.future : CompletableFuture.failedFuture(refused);
    }

    @Override
    public List<StoredOp> opsAfter(String roomId, long afterRev, int limit) {
        checkOpen();
        return reader.opsAfter(roomId, afterRev, limit);
    }

    @Override
    public Optional<Snapshot> snapshotAtOrBefore(String roomId, long rev) {
        checkOpen();
        return reader.snapshotAtOrBefore(roomId, rev);
    }

    @Override
    public Map<String, Long> heads(Collection<String> roomIds) {
        checkOpen();
        return reader.heads(roomIds);
    }

    @Override
    public void saveSnapshot(String roomId, long rev, String text, int historyOps) {
        Objects.requireNonNull(text, "text");
        call(ops -> ops.saveSnapshot(roomId, rev, text, historyOps));
    }

    @Override
    public Optional<String> setting(String key) {
        checkOpen();
        return reader.setting(key);
    }

    @Override
    public String putSettingIfAbsent(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return call(ops -> ops.putSettingIfAbsent(key, value));
    }

    /**
     * Refuses new writes, lets the writer commit everything queued before and deliver their
     * outcomes, then closes the connections and releases the directory. Idempotent.
     */
    @Override
    public void close() {
        if (!queue.close()) {
            return;
        }
        if (Thread.currentThread() != writerThread) { // closing from an append callback must not wait for itself
            joinUninterruptibly(writerThread);
        }
        List<WriteCommand> leftovers = queue.drainLeftovers();
        if (!leftovers.isEmpty()) {
            log.error("{} writes were never processed; failing them", leftovers.size());
            StoreException failure = new StoreException("store closed before the write was processed");
            leftovers.forEach(command -> command.future().completeExceptionally(failure));
        }
        SqliteSchema.closeQuietly(writeOps);
        SqliteSchema.closeQuietly(writeConnection);
        SqliteSchema.closeQuietly(reader);
        SqliteSchema.closeQuietly(directoryLock);
        log.info("closed {} after {} commits", file, writer.commits());
    }

    /** Runs {@code work} on the writer thread in the next batch and returns once it is committed. */
    private <T> T call(WriteCommand.Work<T> work) {
        if (Thread.currentThread() == writerThread) {
            throw new IllegalStateException("a store write from an append callback would wait for itself");
        }
        WriteCommand.Call<T> command = new WriteCommand.Call<>(work);
        RuntimeException refused = queue.offer(command);
        if (refused != null) {
            throw refused;
        }
        try {
            return command.future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StoreException("store write failed", cause);
        }
    }

    private void checkOpen() {
        if (queue.isClosed()) {
            throw new StoreException("store is closed");
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

}
