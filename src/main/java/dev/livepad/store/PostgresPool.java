package dev.livepad.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * A few pooled connections to PostgreSQL (HikariCP), and the one place where their failures
 * become {@link StoreException}s: a lost or refused connection says the store is unreachable,
 * anything else names what failed. Hikari validates a connection that sat idle before handing it
 * out and replaces broken ones, so a PostgreSQL restart costs the calls in flight, not the pool.
 */
final class PostgresPool implements AutoCloseable {

    /** How long a caller waits for a connection; past it PostgreSQL counts as unreachable. */
    static final long CONNECTION_TIMEOUT_MILLIS = 3_000;

    /** Upper bound on the round trip that checks an idle connection before it is handed out. */
    private static final long VALIDATION_TIMEOUT_MILLIS = 1_000;

    /**
     * Sent once per new connection. A row lock held by a stuck instance makes a writer wait; with
     * lock_timeout it gets an error it can report, instead of sitting there until socketTimeout
     * closes its connection. A session that leaves a transaction open holds its locks no longer
     * than the idle timeout.
     */
    private static final String SESSION_SETTINGS =
            "SET lock_timeout = '5s'; SET idle_in_transaction_session_timeout = '60s'";

    private final HikariDataSource pool;
    private final PostgresUrl url;

    private PostgresPool(HikariDataSource pool, PostgresUrl url) {
        this.pool = pool;
        this.url = url;
    }

    /**
     * Opens a pool of at most {@code size} connections and makes the first one, so an unreachable
     * server or a refused login fails here, at start.
     */
    static PostgresPool open(PostgresUrl url, String name, int size, boolean autoCommit) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setDriverClassName("org.postgresql.Driver");
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        config.setPassword(url.password());
        config.setDataSourceProperties(PostgresUrl.defaultProperties());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setAutoCommit(autoCommit);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setValidationTimeout(VALIDATION_TIMEOUT_MILLIS);
        config.setConnectionInitSql(SESSION_SETTINGS);
        try {
            return new PostgresPool(new HikariDataSource(config), url);
        } catch (RuntimeException e) { // Hikari's PoolInitializationException, whose cause is the driver's
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            boolean lost = !(cause instanceof SQLException sql) || isConnectionLost(sql);
            throw new StoreException("PostgreSQL at " + url + (lost ? " is unreachable: " : " refused the connection: ")
                    + cause.getMessage(), e);
        }
    }

    /** A connection for the caller to close; throws SQLException after {@link #CONNECTION_TIMEOUT_MILLIS}. */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** Runs {@code work} on a pooled connection, mapping failures to StoreException. */
    <T> T call(String what, Work<T> work) {
        try (Connection connection = connection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /**
     * Runs {@code work} in one transaction at the connection's default isolation (READ COMMITTED),
     * committing when it returns and rolling back when it throws.
     */
    <T> T transaction(String what, Work<T> work) {
        return call(what, connection -> {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        });
    }

    /** Drops a connection that failed, so the pool never hands it out again. */
    void evict(Connection connection) {
        try {
            pool.evictConnection(connection);
        } catch (RuntimeException e) {
            // Already gone from the pool; nothing more to evict.
        }
    }

    StoreException failure(String what, SQLException e) {
        if (isConnectionLost(e)) {
            return new StoreException("PostgreSQL at " + url + " is unreachable (" + what + "): " + e.getMessage(), e);
        }
        return new StoreException(what + " failed: " + e.getMessage(), e);
    }

    /**
     * Whether the connection, rather than the statement, failed: pgjdbc reports I/O errors and
     * socket timeouts as SQLState class 08, Hikari a connection it could not get in time as
     * SQLTransientConnectionException, and PostgreSQL shutting down as 57P01 to 57P03.
     */
    static boolean isConnectionLost(SQLException e) {
        SQLException each = e;
        for (int depth = 0; each != null && depth < 10; depth++, each = next(each)) { // chains may loop
            String state = each.getSQLState();
            if (each instanceof SQLTransientConnectionException
                    || state != null && (state.startsWith("08") || state.startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static SQLException next(SQLException e) {
        if (e.getNextException() != null) {
            return e.getNextException();
        }
        return e instanceof BatchUpdateException && e.getCause() instanceof SQLException cause ? cause : null;
    }

    static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The transaction is gone with its connection; the first failure is the one to report.
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /** What runs on a pooled connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
