package dev.livepad.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livepad.store.PostgresDocumentStore;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine's PostgreSQL for tests: each test gets a fresh schema of its own in the shared
 * database ({@code ?currentSchema=livepad_test_...}), so tests and parallel builds never see each
 * other's rooms, and drops it afterwards. Tests skip when PostgreSQL is unreachable, unless
 * LIVEPAD_REQUIRE_SERVICES=true (CI), where that is a failure.
 *
 * <p>The server is {@value #DEFAULT_URL} unless LIVEPAD_TEST_DATABASE_URL names another (in the
 * same form, without a query).
 */
public final class Postgres {

    public static final String DEFAULT_URL = "postgresql://root@127.0.0.1:5432/test";

    private static final Pattern TEST_SCHEMA = Pattern.compile("[?&]currentSchema=(livepad_test_[0-9a-f]{16})(&|$)");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Null until checked; then whether the server answered. */
    private static volatile Boolean reachable;

    private Postgres() {
    }

    /** The server's URL, without a schema. */
    public static String baseUrl() {
        String url = System.getenv("LIVEPAD_TEST_DATABASE_URL");
        return url == null || url.isBlank() ? DEFAULT_URL : url.strip();
    }

    /** Skips the calling test when PostgreSQL does not answer, or fails it when CI demands one. */
    public static void requireAvailable() {
        if (reachable == null) {
            reachable = probe();
        }
        if (!reachable && Services.required()) {
            throw new AssertionError("LIVEPAD_REQUIRE_SERVICES=true but PostgreSQL at " + baseUrl()
                    + " is unreachable (set LIVEPAD_TEST_DATABASE_URL, or start it)");
        }
        assumeTrue(reachable, "PostgreSQL at " + baseUrl() + " is unreachable; PostgreSQL tests skipped");
    }

    /** A URL whose {@code currentSchema} is a new, empty schema; {@link #drop} it afterwards. */
    public static String freshDatabaseUrl() {
        requireAvailable();
        String schema = "livepad_test_" + HexFormat.of().formatHex(randomBytes());
        execute(baseUrl(), "CREATE SCHEMA " + schema);
        return withSchema(baseUrl(), schema);
    }

    /** {@code url} with {@code currentSchema} set to {@code schema}, which must already exist to be used. */
    public static String withSchema(String url, String schema) {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Drops the test schema named by {@code url}, with everything in it; does nothing for null. */
    public static void drop(String url) {
        if (url == null) {
            return;
        }
        Matcher schema = TEST_SCHEMA.matcher(url);
        if (!schema.find()) {
            throw new IllegalArgumentException("not a test schema URL: " + url);
        }
        execute(baseUrl(), "DROP SCHEMA IF EXISTS " + schema.group(1) + " CASCADE");
    }

    /** A plain JDBC connection to {@code url}, for tests that look at the tables themselves. */
    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(
                PostgresDocumentStore.jdbcUrl(url), PostgresDocumentStore.driverProperties(url));
    }

    /** Runs one statement on its own connection. */
    public static void execute(String url, String sql) {
        try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
        }
    }

    private static boolean probe() {
        Properties properties = PostgresDocumentStore.driverProperties(baseUrl());
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("loginTimeout", "2");
        try (Connection ignored = DriverManager.getConnection(PostgresDocumentStore.jdbcUrl(baseUrl()), properties)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

}
