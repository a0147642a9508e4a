package dev.livepad.admin;

import dev.livepad.Config;
import dev.livepad.auth.SecretFile;
import dev.livepad.store.SqliteBackup;
import dev.livepad.store.SqliteDocumentStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code restore SRC}: puts a directory made by {@code backup} into DATA_DIR, which must hold no
 * database and must not be in use (the server's directory lock is held while restoring), so the
 * next server started on DATA_DIR serves the backup's rooms, with its links still valid.
 */
final class Restore {
    private Restore() {
    }

    static void run(Config config, Path source, PrintStream out) {
        Path database = source.resolve(SqliteDocumentStore.FILE_NAME);
        if (!Files.isDirectory(source) || !Files.isRegularFile(database)) {
            throw new Refused(source + " is not a backup: a directory made by the backup command holds "
                    + SqliteDocumentStore.FILE_NAME);
        }
        Path secret = source.resolve(SecretFile.NAME);
        List<Path> companions = Files.isRegularFile(secret) ? List.of(secret) : List.of();
        Path dataDir = config.dataDir();
        SqliteBackup.Summary summary = SqliteBackup.restore(database, companions, dataDir);
        out.printf("restored %s into %s%n", source.toAbsolutePath().normalize(), dataDir.toAbsolutePath().normalize());
        out.printf("  %s  %s%n", SqliteDocumentStore.FILE_NAME, Backup.describe(summary));
        if (!companions.isEmpty()) {
            out.printf("  %s  the token signing secret: links made before the backup work%n", SecretFile.NAME);
        }
        out.println("start the server on it (docs/operations.md, Backups, says what its clients see)");
    }
}
