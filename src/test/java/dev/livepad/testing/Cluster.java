package dev.livepad.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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
    public static final String REDIS_URL = "redis://127.0.0.1:6379";
    private static final String ADMIN_JDBC = "jdbc:postgresql://127.0.0.1:5432/test?user=root&connectTimeout=5";
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
        requirePostgres();
        requireRedis();
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

    /** Skips the calling test when PostgreSQL does not answer, or fails it when CI demands it. */
    public static void requirePostgres() {
        String problem = null;
        try (Connection ignored = DriverManager.getConnection(ADMIN_JDBC)) {
            // answering is all we ask
        } catch (SQLException e) {
            problem = e.getMessage();
        }
        require(problem, "PostgreSQL at " + ADMIN_JDBC);
    }

    /** Skips the calling test when Redis does not answer PING, or fails it when CI demands it. */
    public static void requireRedis() {
        String problem = null;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 6379), 2_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = readLine(socket.getInputStream());
            if (!answer.equals("+PONG")) {
                problem = "it answered " + answer;
            }
        } catch (IOException e) {
            problem = e.toString();
        }
        require(problem, "Redis at " + REDIS_URL);
    }

    private static void require(String problem, String service) {
        if (problem != null && "true".equalsIgnoreCase(System.getenv("LIVEPAD_REQUIRE_SERVICES"))) {
            throw new AssertionError("LIVEPAD_REQUIRE_SERVICES=true but " + service + " is unreachable: "
                    + problem);
        }
        assumeTrue(problem == null, () -> service + " is unreachable (" + problem + "); cluster tests skipped");
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(ADMIN_JDBC);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
