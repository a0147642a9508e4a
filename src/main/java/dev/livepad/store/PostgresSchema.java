package dev.livepad.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or migrates the PostgreSQL schema at start. Tables go in the connection's current schema
 * (the first of its search_path, e.g. {@code ?currentSchema=livepad}), so several installations,
 * or tests, can share one database. {@code schema_version} holds a row per applied migration.
 *
 * <p>Every instance of a cluster runs this at start, possibly at the same moment: each migration
 * runs in its own transaction under an advisory lock keyed by the schema's name, and re-reads the
 * version once it holds the lock, so each is applied exactly once and the others wait, then find
 * nothing left to do. (Even CREATE TABLE IF NOT EXISTS is not safe to race: both may pass the check
 * and one then fails on the catalog's unique index.)
 */
final class PostgresSchema {

    private static final Logger log = LoggerFactory.getLogger(PostgresSchema.class);

    /** The schema version this code writes; {@link #MIGRATIONS} index {@code v - 1} upgrades to {@code v}. */
    static final int VERSION = 2;

    static final Set<String> TABLES = Set.of("rooms", "ops", "snapshots", "settings");

    static final String VERSION_TABLE = "schema_version";

    /** The first key of the two-key advisory lock ("lpad"); the second is the schema name's hash. */
    private static final int LOCK_CLASS = 0x6c706164;

    private static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    """
                    CREATE TABLE IF NOT EXISTS schema_version (
                        version    integer PRIMARY KEY,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )""",
                    // Only live rooms have a row, so a plain UNIQUE makes names unique among live rooms. head is the
                    // last revision stored and the ordering authority: an append first moves it with a conditional
                    // UPDATE, which serializes writers of one room on this row (PostgresWriter). A snapshot never
                    // moves it. fillfactor leaves room on each page, so those frequent updates stay HOT (no index
                    // entries written) while the row's page has space. Ids are compared, never shown sorted: the
                    // "C" collation compares bytes, skipping the locale's rules in every index probe.
                    """
                    CREATE TABLE rooms (
                        id         text   COLLATE "C" PRIMARY KEY,
                        name       text   NOT NULL UNIQUE,
                        created_at bigint NOT NULL,
                        token_gen  bigint NOT NULL DEFAULT 0,
                        head       bigint NOT NULL DEFAULT 0
                    ) WITH (fillfactor = 70)""",
                    // No unique index on (room_id, op_id): a retry is recognised by the room's history in memory
                    // (fingerprint tells it from a different op under the same id), as with SQLite.
                    """
                    CREATE TABLE ops (
                        room_id     text   COLLATE "C" NOT NULL REFERENCES rooms (id),
                        rev         bigint NOT NULL,
                        op_json     text   NOT NULL,
                        op_id       text,
                        client_id   text,
                        time        bigint NOT NULL,
                        fingerprint bigint,
                        PRIMARY KEY (room_id, rev)
                    )""",
                    """
                    CREATE TABLE snapshots (
                        room_id text   COLLATE "C" NOT NULL REFERENCES rooms (id),
                        rev     bigint NOT NULL,
                        text    text   NOT NULL,
                        PRIMARY KEY (room_id, rev)
                    )""",
                    """
                    CREATE TABLE settings (
                        key   text PRIMARY KEY,
                        value text NOT NULL
                    )"""),
            List.of(
                    // The author's display name, for the history (who wrote what). NULL on older rows.
                    "ALTER TABLE ops ADD COLUMN name text"));

    private PostgresSchema() {
    }

    /**
     * Brings the connection's current schema to {@link #VERSION}.
     *
     * @throws StoreException when there is no schema to create tables in, the schema is newer than
     *     this code, or it holds tables of the same names that livepad did not create
     */
    static void migrate(Connection connection, PostgresUrl url) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            int version;
            do {
                version = migrateOnce(connection, statement, url);
            } while (version < VERSION);
        } catch (SQLException | RuntimeException e) {
            PostgresPool.rollbackQuietly(connection);
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** One transaction: lock, read the version, apply the next migration if any; returns the version now. */
    private static int migrateOnce(Connection connection, Statement statement, PostgresUrl url) throws SQLException {
        String schema;
        try (ResultSet row = statement.executeQuery("SELECT current_schema()")) {
            row.next();
            schema = row.getString(1);
        }
        if (schema == null) {
            throw new StoreException(url + ": no schema to create tables in: the search_path names none that"
                    + " exists; create it, or name an existing one with ?currentSchema=");
        }
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, LOCK_CLASS);
            lock.setString(2, schema);
            lock.execute();
        }
        Set<String> tables = tables(connection, schema);
        int version = tables.contains(VERSION_TABLE) ? currentVersion(statement) : 0;
        if (version > VERSION) {
            throw new StoreException(url + ": schema " + schema + " has version " + version
                    + ", newer than the " + VERSION + " this server knows; refusing to touch it");
        }
        if (version == 0 && tables.stream().anyMatch(TABLES::contains)) {
            throw new StoreException(url + ": schema " + schema + " holds tables " + tables
                    + " but no livepad " + VERSION_TABLE + "; use another schema (?currentSchema=)");
        }
        if (version == VERSION) {
            connection.commit();
            if (!tables.containsAll(TABLES)) {
                throw new StoreException(url + ": schema " + schema + " is missing tables: has " + tables
                        + ", needs " + TABLES);
            }
            return version;
        }
        int next = version + 1;
        for (String sql : MIGRATIONS.get(next - 1)) {
            statement.execute(sql);
        }
        statement.execute("INSERT INTO " + VERSION_TABLE + " (version) VALUES (" + next + ")");
        connection.commit();
        log.info("{}: schema {} now at version {}", url, schema, next);
        return next;
    }

    private static int currentVersion(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery("SELECT coalesce(max(version), 0) FROM " + VERSION_TABLE)) {
            row.next();
            return row.getInt(1);
        }
    }

    /** Tables of {@code schema} itself; a table further along the search_path must not count. */
    static Set<String> tables(Connection connection, String schema) throws SQLException {
        Set<String> tables = new TreeSet<>();
        try (PreparedStatement list = connection.prepareStatement(
                "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = ?")) {
            list.setString(1, schema);
            try (ResultSet rows = list.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        return tables;
    }
}
