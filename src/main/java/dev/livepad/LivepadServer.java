package dev.livepad;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.auth.SecretFile;
import dev.livepad.auth.TokenService;
import dev.livepad.metrics.PrometheusMetrics;
import dev.livepad.metrics.ServerStats;
import dev.livepad.metrics.StatusReport;
import dev.livepad.protocol.Json;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.room.MemoryBudget;
import dev.livepad.room.RoomRegistry;
import dev.livepad.room.RoomSettings;
import dev.livepad.store.DocumentStore;
import dev.livepad.store.InMemoryDocumentStore;
import dev.livepad.store.SqliteDocumentStore;
import dev.livepad.web.WebServer;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the store, tokens, rooms, counters and the web edge from a
 * {@link Config}. Tests start it on port 0 and ask {@link #port()}.
 */
public final class LivepadServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LivepadServer.class);

    private final Config config;
    private final DocumentStore store;
    private final ForkJoinPool roomPool;
    private final ExecutorService snapshots;
    private final ScheduledExecutorService scheduler;
    private final PrometheusMetrics metrics;
    private final WebServer web;
    private boolean stopped;

    public LivepadServer(Config config) {
        this.config = config;
        this.store = openStore(config);
        ObjectMapper json = Json.mapper(config.maxMessageBytes());
        MessageCodec codec = new MessageCodec(json, config.maxOpComponents());
        TokenService tokens = new TokenService(secret(config), Clock.systemUTC());
        ServerStats stats = new ServerStats();
        this.roomPool = new ForkJoinPool(Runtime.getRuntime().availableProcessors(),
                ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
        this.snapshots = Executors.newSingleThreadExecutor(daemon("livepad-snapshots"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("livepad-timers"));
        RoomSettings roomSettings = new RoomSettings(config.maxDocChars(), config.historyOps(),
                config.historyMaxBytes(), config.snapshotEvery(), config.emptyRoomLinger(), config.maxMembersPerRoom(),
                config.resumeMaxBytes());
        RoomRegistry rooms = new RoomRegistry(store, codec, roomSettings, stats, new MemoryBudget(config.memoryBudgetBytes()),
                roomPool, snapshots, scheduler);
        StatusReport status = new StatusReport(stats, rooms::roomCount, rooms::activeRooms, rooms::loadedRooms);
        this.metrics = new PrometheusMetrics(stats, status);
        this.web = new WebServer(new WebServer.Parts(rooms, tokens, codec, json, stats, status, metrics, scheduler),
                config);
    }

    public LivepadServer start() {
        web.start();
        LOG.info("livepad listening on http://{}:{} (store: {})", config.host(), port(), config.store());
        return this;
    }

    public int port() {
        return web.port();
    }

    /** Answers {@code /ready} with 503 from now on, ahead of a stop; everything else goes on. */
    public void drain() {
        web.drain();
    }

    /** Graceful stop: close sockets with 1012, let pending commits finish, close the store. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        web.stop();
        roomPool.shutdown();
        awaitQuietly(roomPool);
        snapshots.shutdown();
        awaitQuietly(snapshots);
        scheduler.shutdownNow();
        store.close();
        metrics.close();
        LOG.info("livepad stopped");
    }

    @Override
    public void close() {
        stop();
    }

    private static DocumentStore openStore(Config config) {
        return switch (config.store()) {
            case "memory" -> new InMemoryDocumentStore();
            case "sqlite" -> SqliteDocumentStore.open(config.dataDir(), config.commitDelay());
            default -> throw new IllegalArgumentException("STORE must be sqlite or memory, got " + config.store());
        };
    }

    private static String secret(Config config) {
        if (config.jwtSecret().isPresent()) {
            return config.jwtSecret().get();
        }
        return "memory".equals(config.store()) ? TokenService.generateSecret() : SecretFile.loadOrCreate(config.dataDir());
    }

    private static void awaitQuietly(ExecutorService executor) {
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
