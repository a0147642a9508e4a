package dev.livepad;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livepad.auth.SecretFile;
import dev.livepad.auth.TokenService;
import dev.livepad.cluster.RedisRoomBus;
import dev.livepad.cluster.RoomBus;
import dev.livepad.metrics.PrometheusMetrics;
import dev.livepad.metrics.ServerStats;
import dev.livepad.metrics.StatusReport;
import dev.livepad.protocol.Json;
import dev.livepad.protocol.MessageCodec;
import dev.livepad.room.ClusterLink;
import dev.livepad.room.MemoryBudget;
import dev.livepad.room.RoomRegistry;
import dev.livepad.room.RoomSettings;
import dev.livepad.store.CommitObserver;
import dev.livepad.store.DocumentStore;
import dev.livepad.store.InMemoryDocumentStore;
import dev.livepad.store.PostgresDocumentStore;
import dev.livepad.store.SqliteDocumentStore;
import dev.livepad.web.Limits;
import dev.livepad.web.WebServer;
import dev.livepad.web.WebSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
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
    private final boolean ownsStore; // false when given a shared store and bus (tests)
    private final RoomBus bus; // the bus this server opened and closes, if any
    private final ExecutorService sharedLogReaders; // null for a single process
    private boolean stopped;

    public LivepadServer(Config config) {
        this(config, openStore(config), null, config.clustered(), true);
    }

    /**
     * An instance of a cluster over a store and bus it is given, as several instances in one JVM
     * share them in tests; the server closes neither.
     */
    public LivepadServer(Config config, DocumentStore sharedStore, RoomBus bus) {
        this(config, sharedStore, bus, true, false);
    }

    private LivepadServer(Config config, DocumentStore store, RoomBus bus, boolean clustered, boolean owned) {
        this.config = config;
        this.store = store;
        this.ownsStore = owned;
        ObjectMapper json = Json.mapper(config.maxMessageBytes());
        MessageCodec codec = new MessageCodec(json, config.maxOpComponents());
        if (clustered && bus == null && config.redisUrl().isPresent()) {
            bus = openBus(config.redisUrl().get(), store);
        }
        this.bus = ownsStore ? bus : null;
        TokenService tokens = new TokenService(secret(config, store, clustered), Clock.systemUTC());
        this.metrics = new PrometheusMetrics();
        ServerStats stats = new ServerStats(metrics.registry());
        if (ownsStore) { // a store shared by several instances in one JVM (tests) reports to none of them
            store.observeCommits(commitMetrics(stats));
        }
        this.roomPool = new ForkJoinPool(Runtime.getRuntime().availableProcessors(),
                ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
        this.snapshots = Executors.newSingleThreadExecutor(daemon("livepad-snapshots"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("livepad-timers"));
        RoomSettings roomSettings = new RoomSettings(config.maxDocChars(), config.historyOps(),
                config.historyMaxBytes(), config.snapshotEvery(), config.emptyRoomLinger(), config.maxMembersPerRoom(),
                config.resumeMaxBytes(), config.retentionOps());
        ClusterLink cluster = null;
        if (clustered) {
            this.sharedLogReaders = Executors.newFixedThreadPool(2, daemon("livepad-shared-log"));
            // Bus messages come from the other instances and may carry ops larger than a frame.
            cluster = new ClusterLink(config.instanceId(), Optional.ofNullable(bus), sharedLogReaders, codec,
                    Json.TRUSTED, config.headCheckEvery(), config.presenceExpiry().dividedBy(3),
                    config.presenceExpiry());
            if (bus == null) {
                LOG.warn(
                        "DATABASE_URL without REDIS_URL: instances learn of each other's ops only by polling the"
                                + " database every {} ms; set REDIS_URL for real-time fan-out",
                        config.headCheckEvery().toMillis());
            }
        } else {
            this.sharedLogReaders = null;
        }
        RoomRegistry rooms = new RoomRegistry(
                store,
                codec,
                roomSettings,
                stats,
                new MemoryBudget(config.memoryBudgetBytes()),
                roomPool,
                snapshots,
                scheduler,
                cluster);
        StatusReport status = new StatusReport(stats, rooms::roomCount, rooms::activeRooms, rooms::loadedRooms,
                rooms::clusterStatus);
        metrics.bind(stats, status);
        this.web = new WebServer(new WebServer.Parts(rooms, tokens, codec, json, stats, status, metrics, scheduler),
                webSettings(config));
    }

    private static WebSettings webSettings(Config config) {
        Limits limits = new Limits(config.maxMessageBytes(), config.outboxMaxFrames(), config.outboxMaxBytes(),
                config.idleTimeout(), config.ratePerSecond(), config.rateBurst(), config.rateBytesPerSecond(),
                config.rateBytesBurst(), config.maxRoomsPerConnection(), config.sendBudgetBytes());
        WebSettings.AddressBudget budget = new WebSettings.AddressBudget(config.exemptLoopback(),
                config.maxConnectionsPerIp(), config.roomCreatesPerMinute(), config.authFailuresPerMinute());
        return new WebSettings(config.host(), config.port(), config.maxBodyBytes(), limits, budget,
                config.allowedOrigins(), config.trustedProxies(), config.instanceId(), config.adminKey(),
                config.ownerTokenTtl(), config.maxInviteTtl(), config.eventsHeartbeat());
    }

    public LivepadServer start() {
        web.start();
        if (config.clustered()) {
            LOG.info("livepad instance {} listening on http://{}:{} (store: PostgreSQL, bus: {})", config.instanceId(),
                    config.host(), port(), bus == null ? "none" : "Redis");
        } else {
            LOG.info("livepad listening on http://{}:{} (store: {})", config.host(), port(), config.store());
        }
        return this;
    }

    public int port() {
        return web.port();
    }

    /**
     * Answers {@code /ready} with 503 and refuses new sockets and joins from now on, ahead of a
     * stop; members already in rooms go on editing.
     */
    public void drain() {
        web.drain();
    }

    /**
     * Graceful stop: drain (see {@link #drain}) for up to {@code DRAIN_SECONDS}, or until the last
     * connection is gone, so that balancers notice and clients finish what they type; then close
     * the sockets with 1012 (clients reconnect elsewhere and resume), let pending commits finish,
     * close the store.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        drainFor(config.drainPeriod());
        web.stop();
        roomPool.shutdown();
        awaitQuietly(roomPool);
        snapshots.shutdown();
        awaitQuietly(snapshots);
        scheduler.shutdownNow();
        if (sharedLogReaders != null) {
            sharedLogReaders.shutdownNow();
        }
        if (bus != null) {
            bus.close();
        }
        if (ownsStore) {
            store.close();
        }
        metrics.close();
        LOG.info("livepad stopped");
    }

    @Override
    public void close() {
        stop();
    }

    private void drainFor(Duration period) {
        web.drain();
        int open = web.connectionCount();
        if (period.isZero() || open == 0) {
            return;
        }
        LOG.info("draining: /ready answers 503 and joins are refused; {} connections close in at most {} s",
                open, period.toSeconds());
        long deadline = System.nanoTime() + period.toNanos();
        try {
            while (web.connectionCount() > 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop now
        }
    }

    private static CommitObserver commitMetrics(ServerStats stats) {
        return new CommitObserver() {
            @Override
            public void committed(int ops, long nanos) {
                stats.storeCommit.record(nanos, TimeUnit.NANOSECONDS);
                stats.commitOps.record(ops);
            }

            @Override
            public void failed(int ops) {
                stats.storeFailures.increment();
            }
        };
    }

    private static DocumentStore openStore(Config config) {
        if (config.clustered()) {
            return PostgresDocumentStore.open(config.databaseUrl().get());
        }
        return switch (config.store()) {
            case "memory" -> new InMemoryDocumentStore();
            case "sqlite" -> SqliteDocumentStore.open(config.dataDir(), config.commitDelay());
            default -> throw new IllegalArgumentException("STORE must be sqlite or memory, got " + config.store());
        };
    }

    /**
     * The Redis bus, under a channel prefix kept in the database: two deployments sharing one
     * Redis but not one database never see each other's traffic, with nothing to configure.
     */
    private static RoomBus openBus(String redisUrl, DocumentStore store) {
        String deployment = store.putSettingIfAbsent("deployment_id", TokenService.generateSecret().substring(0, 16));
        return RedisRoomBus.open(redisUrl, "livepad:" + deployment);
    }

    private static String secret(Config config, DocumentStore store, boolean clustered) {
        if (config.jwtSecret().isPresent()) {
            return config.jwtSecret().get();
        }
        if (clustered) { // one secret for every instance, generated by whichever starts first
            return store.putSettingIfAbsent("jwt_secret", TokenService.generateSecret());
        }
        return "memory".equals(config.store())
                ? TokenService.generateSecret()
                : SecretFile.loadOrCreate(config.dataDir());
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
