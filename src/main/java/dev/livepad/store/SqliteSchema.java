package dev.livepad.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Opens connections to {@code livepad.db} with the pragmas the store relies on, and creates or
 * migrates its schema, whose version is kept in {@code PRAGMA user_version}.
 */
final class SqliteSchema {

    private static final Logger log = LoggerFactory.getLogger(SqliteSchema.class);

    /** The schema version this code writes; {@link #MIGRATIONS} index {@code v - 1} upgrades to {@code v}. */
    static final int VERSION = 4;

    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    static final Set<String> TABLES = Set.of("rooms", "ops", "ops_tail", "snapshots", "settings");

    private static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    // Only live rooms have a row, so a plain UNIQUE makes names unique among live rooms.
                    """
                    CREATE TABLE rooms (
                        id         TEXT    PRIMARY KEY,
                        name       TEXT    NOT NULL UNIQUE,
                        created_at INTEGER NOT NULL
                    )""",
                    // Ordinary rowid tables: snapshot texts can be large, which WITHOUT ROWID handles badly, and
                    // for ops a clustered WITHOUT ROWID tree writes more pages per op (docs/storage.md, "What a
                    // commit costs").
                    """
                    CREATE TABLE ops (
                        room_id   TEXT    NOT NULL REFERENCES rooms (id),
                        rev       INTEGER NOT NULL,
                        op_json   TEXT    NOT NULL,
                        op_id     TEXT,
                        client_id TEXT,
                        time      INTEGER NOT NULL,
                        PRIMARY KEY (room_id, rev)
                    )""",
                    """
                    CREATE TABLE snapshots (
                        room_id TEXT    NOT NULL REFERENCES rooms (id),
                        rev     INTEGER NOT NULL,
                        text    TEXT    NOT NULL,
                        PRIMARY KEY (room_id, rev)
                    )""",
                    """
                    CREATE TABLE settings (
                        key   TEXT PRIMARY KEY,
                        value TEXT NOT NULL
                    )"""),
            List.of(
                    // What the client sent (its base revision and op, hashed), so that a retry is told apart
                    // from a different op that reuses its id, after a restart too. NULL on rows older than this.
                    "ALTER TABLE ops ADD COLUMN fingerprint INTEGER",
                    // Tokens carry the generation they were minted in; revoking a room's links bumps it.
                    "ALTER TABLE rooms ADD COLUMN token_gen INTEGER NOT NULL DEFAULT 0"),
            List.of(
                    // The log's newest ops, in arrival order and without an index: a commit appends its ops to
                    // one or two pages at the table's right edge, where an insert into ops also rewrites the
                    // (room_id, rev) index leaf of every room it touches. The writer moves them into ops in one
                    // sorted batch when about SqliteWriteOps.FOLD_ROWS have gathered, so each room's rows land
                    // together, and pruning a room later rewrites a few pages instead of one page per op.
                    // Reads take both tables; (room_id, rev) stays unique because appends are checked against
                    // the writer's head and the fold inserts into ops under its primary key (docs/storage.md).
                    """
                    CREATE TABLE ops_tail (
                        room_id     TEXT    NOT NULL REFERENCES rooms (id),
                        rev         INTEGER NOT NULL,
                        op_json     TEXT    NOT NULL,
                        op_id       TEXT,
                        client_id   TEXT,
                        time        INTEGER NOT NULL,
                        fingerprint INTEGER
                    )"""),
            List.of(
                    // The author's display name, for the history (who wrote what). NULL on older rows.
                    "ALTER TABLE ops ADD COLUMN name TEXT",
                    "ALTER TABLE ops_tail ADD COLUMN name TEXT"));

    private SqliteSchema() {
    }

    /**
     * The connection the writer thread owns: WAL, synchronous=FULL (an acknowledged commit survives
     * power loss), foreign keys on, schema current.
     *
     * <p>JDBC autocommit stays on and the writer issues BEGIN IMMEDIATE / COMMIT itself: the driver
     * then leaves an open transaction alone, and never starts one of its own behind our back.
     */
    static Connection openWriter(Path file) throws SQLException {
        Connection connection = connect(file);
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
                String mode = queryString(statement, "PRAGMA journal_mode = WAL");
                if (!"wal".equalsIgnoreCase(mode)) {
                    // Still durable with FULL sync, only slower and with readers blocking the writer.
                    log.warn("{} could not switch to WAL (journal_mode is {}); reads will block writes", file, mode);
                }
                statement.execute("PRAGMA synchronous = FULL");
                statement.execute("PRAGMA foreign_keys = ON");
                migrate(connection, statement, file);
            }
            return connection;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** A connection for reads only; WAL lets it read committed data while the writer commits. */
    static Connection openReader(Path file) throws SQLException {
        Connection connection = connect(file);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            statement.execute("PRAGMA query_only = ON");
            return connection;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /**
     * A plain connection without sqlite-jdbc's generated-keys lookup, which would otherwise run
     * {@code SELECT last_insert_rowid()} after every single-row INSERT; nothing here reads the keys.
     */
    private static Connection connect(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setGetGeneratedKeys(false);
        return DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
    }

    private static void migrate(Connection connection, Statement statement, Path file) throws SQLException {
        int version = queryInt(statement, "PRAGMA user_version");
        if (version > VERSION) {
            throw new StoreException(file + " has schema version " + version
                    + ", newer than the " + VERSION + " this server knows; refusing to touch it");
        }
        Set<String> tables = tables(statement);
        if (version == 0 && !tables.isEmpty()) {
            throw new StoreException(file + " holds tables " + tables + " but no livepad schema version");
        }
        for (int next = version + 1; next <= VERSION; next++) {
            statement.execute("BEGIN IMMEDIATE");
            try {
                for (String sql : MIGRATIONS.get(next - 1)) {
                    statement.execute(sql);
                }
                statement.execute("PRAGMA user_version = " + next);
                statement.execute("COMMIT");
            } catch (SQLException e) {
                statement.execute("ROLLBACK");
                throw e;
            }
            log.info("{}: schema now at version {}", file, next);
        }
        tables = tables(statement);
        if (!tables.containsAll(TABLES)) {
            throw new StoreException(file + " is missing tables: has " + tables + ", needs " + TABLES);
        }
    }

    /**
     * The schema version of a livepad database that this code can read or migrate; refuses a file
     * without one (not livepad's, or empty) or with a newer one.
     */
    static int livepadVersion(Connection connection, Path file) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            int version = queryInt(statement, "PRAGMA user_version");
            if (version == 0) {
                throw new StoreException(file + " is not a livepad database (it has no schema version)");
            }
            if (version > VERSION) {
                throw new StoreException(file + " has schema version " + version + ", newer than the " + VERSION
                        + " this livepad knows");
            }
            return version;
        }
    }

    /**
     * Refuses a file that is not a livepad database of exactly this version, for connections that
     * only read and so cannot migrate it.
     */
    static void requireCurrent(Connection connection, Path file) throws SQLException {
        int version = livepadVersion(connection, file);
        if (version < VERSION) {
            throw new StoreException(file + " has schema version " + version + "; this livepad reads version "
                    + VERSION + " (start the server on it once to migrate it)");
        }
        try (Statement statement = connection.createStatement()) {
            Set<String> tables = tables(statement);
            if (!tables.containsAll(TABLES)) {
                throw new StoreException(file + " is missing tables: has " + tables + ", needs " + TABLES);
            }
        }
    }

    private static Set<String> tables(Statement statement) throws SQLException {
        Set<String> tables = new HashSet<>();
        try (ResultSet rows = statement.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
        return tables;
    }

    static String queryString(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }

    private static int queryInt(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getInt(1) : 0;
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("closing {} failed", closeable, e);
        }
    }
}
