package dev.livepad.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Several livepad instances in child processes that share one PostgreSQL schema (fresh for each
 * cluster, dropped on close), one Redis and one token secret, as cluster mode runs them behind a
 * load balancer. Instance {@code i} (from 1) has INSTANCE_ID {@code i<i>}, its own data directory
 * and a port it keeps across restarts. Tests skip when PostgreSQL or Redis is unreachable, unless
 * LIVEPAD_REQUIRE_SERVICES=true (CI), where that is a failure.
 */
public final class Cluster implements AutoCloseable {
    public static final String POSTGRES_HOST = "127.0.0.1";
    public static final int POSTGRES_PORT = 5432;
    public static final String REDIS_URL = Redis.URL;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final String schema;
    private final String jwtSecret;
    private final Map<String, String> sharedEnv = new HashMap<>();
    private final List<ChildServer> instances = new ArrayList<>();

    private Cluster(Path dir, String schema, String jwtSecret) {
        this.dir = dir;
        this.schema = schema;
        this.jwtSecret = jwtSecret;
    }

    /** {@code size} instances with the shared settings only. */
    public static Cluster start(Path dir, int size) throws IOException {
        Cluster cluster = create(dir);
        try {
            for (int i = 0; i < size; i++) {
                cluster.add(Map.of());
            }
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * A cluster with its schema and secret but no instance yet, so a test can first build what
     * instances need ({@link #databaseUrl(String, int)} for a {@link TcpProxy}) and then {@link #add} them.
     */
    public static Cluster create(Path dir) {
        Postgres.requireAvailable();
        Redis.requireRunning();
        String schema = "livepad_test_" + HexFormat.of().formatHex(randomBytes(6));
        execute("CREATE SCHEMA " + schema);
        return new Cluster(dir, schema, Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32)));
    }

    /** Sets a variable for every instance started from now on (null removes a default). */
    public Cluster env(String key, String value) {
        sharedEnv.put(key, value);
        return this;
    }

    /**
     * Starts the next instance with {@code overrides} over the shared settings (null removes one),
     * such as a DATABASE_URL through a {@link TcpProxy}; returns it once it listens.
     */
    public ChildServer add(Map<String, String> overrides) throws IOException {
        String id = "i" + (instances.size() + 1);
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_URL", databaseUrl(POSTGRES_HOST, POSTGRES_PORT),
                "REDIS_URL", REDIS_URL, "JWT_SECRET", jwtSecret, "INSTANCE_ID", id,
                "PORT", Integer.toString(Nginx.freePort()), "TRUSTED_PROXIES", "127.0.0.1"));
        env.putAll(sharedEnv);
        env.putAll(overrides);
        ChildServer instance = ChildServer.start(id, dir.resolve(id), env);
        instances.add(instance);
        return instance;
    }

    /** The DATABASE_URL of this cluster's schema, reached at {@code host:port} (PostgreSQL itself or a proxy). */
    public String databaseUrl(String host, int port) {
        return "postgresql://root@" + host + ":" + port + "/test?currentSchema=" + schema;
    }

    public String schema() {
        return schema;
    }

    public String jwtSecret() {
        return jwtSecret;
    }

    public int size() {
        return instances.size();
    }

    /** Instance {@code i}, counted from 1; after a restart, the new process. */
    public ChildServer instance(int i) {
        return instances.get(i - 1);
    }

    /** A WebSocket client connected straight to instance {@code i} (no balancer between). */
    public WsClient connect(int i) {
        return WsClient.connect(instance(i).ws());
    }

    /** Every instance's port, in order: the upstreams for {@link Nginx#loadBalancing}. */
    public List<Integer> ports() {
        return instances.stream().map(ChildServer::port).toList();
    }

    /** SIGKILL to instance {@code i}: no graceful shutdown, its sockets die with it. */
    public void kill(int i) throws InterruptedException {
        instance(i).kill();
    }

    /**
     * Starts instance {@code i} again with the same settings and port (after {@link #kill}, or a
     * SIGTERM through {@code instance(i).terminate()}); if it still runs, stops it with SIGTERM first.
     */
    public ChildServer restart(int i) throws IOException {
        ChildServer old = instance(i);
        if (old.isAlive()) {
            old.close();
        }
        ChildServer fresh = old.startAgain();
        instances.set(i - 1, fresh);
        return fresh;
    }

    /** Stops every instance, then drops the schema. */
    @Override
    public void close() {
        instances.parallelStream().forEach(ChildServer::close);
        try {
            execute("SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (RuntimeException e) {
            System.err.println("cluster: could not drop schema " + schema + ": " + e.getMessage());
        }
    }

    private static void execute(String sql) {
        Postgres.execute(Postgres.baseUrl(), sql);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
