package dev.livepad.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared {@link DocumentStore} of cluster mode: several livepad instances serve the same rooms
 * from one PostgreSQL database, whose {@code rooms.head} column orders each room's log, so two
 * instances can never both store a revision (see {@link PostgresWriter}).
 *
 * <p>Threads: appends go through a bounded queue to one writer thread that commits the batches of
 * many rooms in one transaction (group commit) on its own connection; their futures complete, in
 * append order, on one "livepad-pg-ack" thread once COMMIT returned. A callback may call the store,
 * but must not block on another append's future. Every other call runs on the calling thread with
 * a connection from a small pool. A future or call fails with {@link StoreException} within
 * seconds when PostgreSQL cannot be reached; nothing waits for it to come back.
 *
 * <p>Durability is PostgreSQL's: with its default {@code synchronous_commit = on} a completed
 * append is flushed to its WAL (and to synchronous standbys, if configured).
 *
 * <p>Retention is {@link Retention}'s, as in {@link SqliteDocumentStore}.
 */
public final class PostgresDocumentStore implements DocumentStore {

    private static final Logger log = LoggerFactory.getLogger(PostgresDocumentStore.class);

    /** Readers and the non-append writes share these; with the writer's one, each instance uses 5. */
    static final int POOL_SIZE = 4;

    /** Ops waiting for the writer beyond this are refused, so an outage cannot exhaust memory. */
    private static final int QUEUE_MAX_OPS = 100_000;

    /** Op JSON waiting for the writer beyond this is refused too. */
    private static final long QUEUE_MAX_CHARS = 64L * 1024 * 1024;

    private final PostgresUrl url;
    private final PostgresPool pool;
    private final PostgresPool writerPool;
    private final PostgresReader reader;
    private final PostgresDirectWrites writes;
    private final PostgresWriteQueue queue = new PostgresWriteQueue(QUEUE_MAX_OPS, QUEUE_MAX_CHARS);
    private final ExecutorService acks;
    private volatile Thread ackThread;
    private final PostgresWriter writer;
    private final Thread writerThread;

    private PostgresDocumentStore(PostgresUrl url, PostgresPool pool, PostgresPool writerPool) {
        this.url = url;
        this.pool = pool;
        this.writerPool = writerPool;
        this.reader = new PostgresReader(pool);
        this.writes = new PostgresDirectWrites(pool);
        this.acks = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "livepad-pg-ack");
            thread.setDaemon(true);
            ackThread = thread;
            return thread;
        });
        this.writer = new PostgresWriter(queue, writerPool, acks);
        this.writerThread = new Thread(writer, "livepad-pg-writer");
        // Daemon: an unclosed store must not keep the JVM alive; what it had not acked was never promised.
        writerThread.setDaemon(true);
        writerThread.start();
    }

    /**
     * Connects to {@code databaseUrl}, {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?PARAMS]}
     * (or {@code postgres://}), and creates or migrates the schema. The password may be
     * percent-encoded; PARAMS go to pgjdbc as they are, e.g. {@code currentSchema=livepad} to keep
     * the tables in that schema, or {@code sslmode=require}.
     *
     * @throws IllegalArgumentException when the URL is not of that form (the message omits the password)
     * @throws StoreException when PostgreSQL is unreachable, refuses the login, or holds a schema
     *     this server cannot use
     */
    public static PostgresDocumentStore open(String databaseUrl) {
        PostgresUrl url = PostgresUrl.parse(databaseUrl);
        PostgresPool pool = null;
        PostgresPool writerPool = null;
        try {
            pool = PostgresPool.open(url, "livepad-pg-read", POOL_SIZE, true);
            pool.call("migrating the schema", connection -> {
                PostgresSchema.migrate(connection, url);
                return null;
            });
            // Its own pool of one: a burst of reads must never make the writer wait for a connection.
            writerPool = PostgresPool.open(url, "livepad-pg-write", 1, false);
            log.info("opened PostgreSQL store at {}", url);
            return new PostgresDocumentStore(url, pool, writerPool);
        } catch (RuntimeException e) {
            if (writerPool != null) {
                writerPool.close();
            }
            if (pool != null) {
                pool.close();
            }
            throw e;
        }
    }

    /**
     * The JDBC URL pgjdbc is given for {@code databaseUrl}: host, port, database and the query
     * parameters, never the user or password (see {@link #driverProperties}).
     *
     * @throws IllegalArgumentException as {@link #open} does
     */
    public static String jdbcUrl(String databaseUrl) {
        return PostgresUrl.parse(databaseUrl).jdbcUrl();
    }

    /**
     * The driver properties that go with {@link #jdbcUrl}: user, password if any, and the store's
     * timeouts, which a parameter of the same name in the URL overrides.
     */
    public static Properties driverProperties(String databaseUrl) {
        return PostgresUrl.parse(databaseUrl).driverProperties();
    }

    @Override
    public void observeCommits(CommitObserver observer) {
        writer.observe(observer);
    }

    /** Transactions the writer committed so far; for metrics, and for tests of group commit. */
    public long commitCount() {
        return writer.commits();
    }

    @Override
    public boolean createRoom(RoomRecord room) {
        Objects.requireNonNull(room.name(), "name");
        Objects.requireNonNull(room.id(), "id");
        checkOpen();
        return writes.createRoom(room);
    }

    @Override
    public Optional<RoomRecord> findRoom(String name) {
        checkOpen();
        return reader.findRoom(name);
    }

    @Override
    public boolean deleteRoom(String name, String roomId) {
        checkOpen();
        return writes.deleteRoom(name, roomId);
    }

    @Override
    public OptionalLong nextTokenGeneration(String name, String roomId, long current) {
        checkOpen();
        return writes.nextTokenGeneration(name, roomId, current);
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
        return appendAll(roomId, List.of(op));
    }

    /** All or none by construction: one head UPDATE covers the whole batch (see {@link PostgresWriter}). */
    @Override
    public CompletableFuture<Void> appendAll(String roomId, List<StoredOp> ops) {
        return DocumentStore.map(queue(roomId, ops, null), appended -> null);
    }

    /** A lost race is resolved in the group's transaction: see {@link PostgresWriteOps}. */
    @Override
    public CompletableFuture<Appended> appendRebasing(String roomId, List<StoredOp> ops, Rebaser rebaser) {
        return queue(roomId, ops, Objects.requireNonNull(rebaser, "rebaser"));
    }

    private CompletableFuture<Appended> queue(String roomId, List<StoredOp> ops, Rebaser rebaser) {
        Objects.requireNonNull(roomId, "roomId");
        if (ops.isEmpty()) {
            return CompletableFuture.completedFuture(new Appended(List.of(), List.of()));
        }
        for (int i = 0; i < ops.size(); i++) {
            Objects.requireNonNull(ops.get(i).opJson(), "opJson");
            if (ops.get(i).rev() != ops.get(0).rev() + i) {
                return CompletableFuture.failedFuture(new IllegalArgumentException(
                        "ops of one appendAll must have consecutive revisions, got " + ops.get(0).rev()
                                + " then " + ops.get(i).rev() + " at position " + i));
            }
        }
        PostgresAppend append = new PostgresAppend(roomId, List.copyOf(ops), rebaser);
        RuntimeException refused = queue.offer(append);
        return refused == null ? append.future : CompletableFuture.failedFuture(refused);
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
        checkOpen();
        writes.saveSnapshot(roomId, rev, text, historyOps);
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
        checkOpen();
        return writes.putSettingIfAbsent(key, value);
    }

    /**
     * Refuses new appends, lets the writer commit everything queued before, waits for the callbacks
     * of those appends, then closes the pools. Idempotent.
     */
    @Override
    public void close() {
        if (!queue.close()) {
            return;
        }
        joinUninterruptibly(writerThread);
        List<PostgresAppend> leftovers = queue.drainLeftovers();
        if (!leftovers.isEmpty()) {
            log.error("{} appends were never processed; failing them", leftovers.size());
            StoreException failure = new StoreException("store closed before the append was processed");
            leftovers.forEach(append -> append.future.completeExceptionally(failure));
        }
        acks.shutdown();
        if (Thread.currentThread() != ackThread) { // closing from an ack callback must not wait for itself
            awaitAcks();
        }
        writerPool.close();
        pool.close();
        log.info("closed PostgreSQL store at {} after {} commits", url, writer.commits());
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

    private void awaitAcks() {
        try {
            while (!acks.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("still waiting for append callbacks to finish before closing {}", url);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
