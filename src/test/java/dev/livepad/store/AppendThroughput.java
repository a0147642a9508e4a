package dev.livepad.store;

import dev.livepad.testing.Postgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * A manual measurement, not a test (surefire skips it by name): appends per second of the SQLite
 * and in-memory stores, and of PostgreSQL (in a fresh schema of the server {@link Postgres} uses)
 * when the fourth argument is {@code postgres}, with the commits each durable store made. Run with
 * {@code java -cp <test-classes>:<classes>:<deps> dev.livepad.store.AppendThroughput
 * [threads] [rooms] [opsPerRoom] [postgres]}.
 *
 * <p>"pipelined": each thread appends to its rooms without waiting, at most 2,000 acks outstanding.
 * "one in flight per room": each thread appends one op to each of its rooms, then waits for those
 * acks before the next round, as ot.js clients (one outstanding op each) would drive it.
 */
public final class AppendThroughput {

    private static final int WINDOW = 2_000;

    private AppendThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int rooms = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int opsPerRoom = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        boolean postgres = args.length > 3 && args[3].equals("postgres");
        System.out.printf("%d threads, %d rooms, %d ops per room%n", threads, rooms, opsPerRoom);
        for (boolean pipelined : new boolean[] {true, false}) {
            Path dir = Files.createTempDirectory("livepad-bench");
            try (SqliteDocumentStore sqlite = SqliteDocumentStore.open(dir)) {
                run("sqlite", sqlite, sqlite::commitCount, threads, rooms, opsPerRoom, pipelined);
            }
            if (postgres) {
                String url = Postgres.freshDatabaseUrl();
                try (PostgresDocumentStore pg = PostgresDocumentStore.open(url)) {
                    run("postgresql", pg, pg::commitCount, threads, rooms, opsPerRoom, pipelined);
                } finally {
                    Postgres.drop(url);
                }
            }
            try (InMemoryDocumentStore memory = new InMemoryDocumentStore()) {
                run("in-memory", memory, null, threads, rooms, opsPerRoom, pipelined);
            }
        }
    }

    /** Runs one measurement and prints it, with the commits made meanwhile if {@code commits} counts them. */
    private static void run(String name, DocumentStore store, LongSupplier commits, int threads, int rooms,
                            int opsPerRoom, boolean pipelined) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < rooms; i++) {
            RoomRecord room = new RoomRecord("bench-" + i, UUID.randomUUID().toString(), 0);
            store.createRoom(room);
            ids.add(room.id());
        }
        String payload = "[12,\"hello\",40]";
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long commitsBefore = commits == null ? 0 : commits.getAsLong();
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                ArrayDeque<CompletableFuture<Void>> outstanding = new ArrayDeque<>();
                for (long rev = 1; rev <= opsPerRoom; rev++) {
                    for (int r = thread; r < rooms; r += threads) {
                        outstanding.add(store.append(ids.get(r),
                                new StoredOp(rev, payload, "op-" + rev, "client-" + r, System.currentTimeMillis(), 0)));
                        if (pipelined && outstanding.size() > WINDOW) {
                            outstanding.poll().join();
                        }
                    }
                    if (!pipelined) {
                        outstanding.forEach(CompletableFuture::join);
                        outstanding.clear();
                    }
                }
                outstanding.forEach(CompletableFuture::join);
                return null;
            }));
        }
        for (Future<?> thread : done) {
            thread.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long total = (long) rooms * opsPerRoom;
        System.out.printf("%-10s %-24s %,9d appends in %6.2f s = %,10.0f appends/s%n", name,
                pipelined ? "pipelined" : "one in flight per room", total, seconds, total / seconds);
        if (commits != null) {
            long committed = commits.getAsLong() - commitsBefore;
            System.out.printf("    %,d commits = %,.0f commits/s, %.1f appends per commit%n",
                    committed, committed / seconds, (double) total / committed);
        }
    }
}
