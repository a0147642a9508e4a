package dev.livepad.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The rooms of one run and their editors: creates the rooms, connects and joins members a bounded number at a
 * time, makes some of them type on a timer, and afterwards drains, checks convergence and cleans up.
 */
final class Swarm implements AutoCloseable {
    /** One room of the run: its name, owner token and members. */
    record Room(String name, String token, List<Editor> editors) {
    }

    private final ServerApi api;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

    private final WsLoops sockets;
    private final Tally tally;
    private final List<Room> rooms = new ArrayList<>();
    private final ScheduledExecutorService ticker;
    private final List<ScheduledFuture<?>> typing = new ArrayList<>();
    /** Connect plus join, from starting the connection to receiving {@code joined}, in microseconds. */
    final Histogram joinLatency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(5), 3);
    private int nextEditor;

    Swarm(ServerApi api, WsLoops sockets, Tally tally, int tickerThreads) {
        this.api = api;
        this.sockets = sockets;
        this.tally = tally;
        this.ticker = Executors.newScheduledThreadPool(tickerThreads, r -> {
            Thread t = new Thread(r, "loadgen-ticker");
            t.setDaemon(true);
            return t;
        });
    }

    List<Room> rooms() {
        return rooms;
    }

    List<Editor> editors() {
        return rooms.stream().flatMap(r -> r.editors().stream()).toList();
    }

    void createRooms(int count) {
        for (int i = 0; i < count; i++) {
            String name = tally.run + "-" + i;
            rooms.add(new Room(name, api.createRoom(name), new ArrayList<>()));
        }
    }

    /** Adds members until every room has {@code perRoom}, at most {@code concurrency} joins in flight. */
    void fill(int perRoom, int concurrency) {
        Semaphore inFlight = new Semaphore(concurrency);
        List<CompletableFuture<Editor>> joins = new ArrayList<>();
        for (int round = 0; round < perRoom; round++) {
            for (Room room : rooms) {
                if (room.editors().size() > round) {
                    continue;
                }
                Editor editor = new Editor(room.name(), nextEditor++, tally);
                room.editors().add(editor);
                inFlight.acquireUninterruptibly();
                joins.add(
                        join(editor, room, room.editors().size() - 1).whenComplete((e, failure) -> inFlight.release()));
            }
        }
        CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        if (joins.stream().anyMatch(CompletableFuture::isCompletedExceptionally)) {
            throw new IllegalStateException("some members could not join: " + tally.errorsByKind());
        }
    }

    private CompletableFuture<Editor> join(Editor editor, Room room, int member) {
        long start = System.nanoTime();
        return editor.open(sockets, api.webSocket(member), room.token())
                .orTimeout(JOIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .whenComplete((e, failure) -> {
                    if (failure == null) {
                        joinLatency.recordValue((System.nanoTime() - start) / 1_000);
                    } else {
                        tally.error("join_failed");
                    }
                });
    }

    /** Gives every room a document of {@code chars} characters, typed by its first member in large pieces. */
    void seed(int chars) {
        int chunk = 50_000;
        for (int done = 0; done < chars; done += chunk) {
            String piece = "x".repeat(Math.min(chunk, chars - done));
            rooms.forEach(r -> r.editors().get(0).append(piece));
            await(Duration.ofSeconds(60), () -> rooms.stream().allMatch(r -> r.editors().get(0).isSynchronized()));
        }
    }

    /** Tells each editor its audience and document cap, and whether it types at a cursor of its own. */
    void configure(int maxChars, boolean atCursor) {
        for (Room room : rooms) {
            room.editors().forEach(e -> e.configure(room.editors().size() - 1, maxChars, atCursor));
        }
    }

    /**
     * In each room, the members that {@code typist} does not pick follow the first of them (see {@link Editor}):
     * those that joined at its revision skip OT and converge if they received exactly its frames. Returns how many
     * follow.
     */
    int followWitnesses(Predicate<Editor> typist) {
        int following = 0;
        for (Room room : rooms) {
            List<Editor> listeners = room.editors().stream().filter(typist.negate()).toList();
            for (Editor e : listeners.subList(Math.min(1, listeners.size()), listeners.size())) {
                if (e.joinedAt() == listeners.get(0).joinedAt()) {
                    e.follow(listeners.get(0));
                    following++;
                }
            }
        }
        return following;
    }

    /** Every editor that {@code who} picks types once every {@code intervalMicros}, at a random phase. */
    void startTyping(Predicate<Editor> who, long intervalMicros) {
        for (Editor editor : editors()) {
            if (who.test(editor)) {
                long offset = ThreadLocalRandom.current().nextLong(intervalMicros);
                typing.add(ticker.scheduleAtFixedRate(editor::type, offset, intervalMicros, TimeUnit.MICROSECONDS));
            }
        }
    }

    void stopTyping() {
        typing.forEach(f -> f.cancel(false));
        typing.clear();
    }

    /** Waits until every op sent is acknowledged and delivered; false on timeout. */
    boolean drain(Duration timeout) {
        return await(timeout, () -> tally.allDelivered()
                && editors().stream().allMatch(e -> e.isBroken() || e.isSynchronized()));
    }

    /** Rooms whose members all hold the same text at the same revision as the server's stored text. */
    int convergedRooms() {
        int converged = 0;
        for (Room room : rooms) {
            String server = api.text(room.name(), room.token());
            long rev = room.editors().get(0).revision();
            boolean same = room.editors().stream().allMatch(e -> !e.isBroken() && e.isSynchronized()
                    && e.revision() == rev && server.equals(e.text()));
            converged += same ? 1 : 0;
        }
        return converged;
    }

    @Override
    public void close() {
        stopTyping();
        ticker.shutdownNow();
        editors().forEach(Editor::close);
        sleep(200);
        editors().forEach(Editor::abort);
        for (Room room : rooms) {
            try {
                api.deleteRoom(room.name(), room.token());
            } catch (RuntimeException e) {
                System.err.println("loadgen: could not delete room " + room.name() + ": " + e.getMessage());
            }
        }
    }

    static boolean await(Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(20);
        }
        return true;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
