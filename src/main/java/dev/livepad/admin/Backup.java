package dev.livepad.admin;

import dev.livepad.Config;
import dev.livepad.auth.SecretFile;
import dev.livepad.store.PrivateFiles;
import dev.livepad.store.SqliteBackup;
import dev.livepad.store.SqliteDocumentStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code backup DEST}: a consistent copy of the embedded store, taken while the server runs in
 * another process (or not at all), into DEST, a new directory: {@code livepad.db} and, when
 * DATA_DIR holds one, the token secret {@code jwt-secret}, without which every link dies on restore.
 */
final class Backup {
    private Backup() {
    }

    static void run(Config config, Path dest, PrintStream out) throws IOException {
        Path dataDir = config.dataDir();
        Path secret = dataDir.resolve(SecretFile.NAME);
        SqliteBackup.Summary summary;
        boolean withSecret;
        Path published;
        try (StagedDirectory staged = StagedDirectory.beside(dest)) {
            summary = SqliteBackup.backup(dataDir, staged.path().resolve(SqliteDocumentStore.FILE_NAME));
            withSecret = Files.isRegularFile(secret);
            if (withSecret) {
                PrivateFiles.copy(secret, staged.path().resolve(SecretFile.NAME));
            }
            staged.publish();
            published = dest.toAbsolutePath().normalize();
        }
        out.printf("backed up %s to %s%n", dataDir.toAbsolutePath().normalize(), published);
        out.printf("  %s  %s%n", SqliteDocumentStore.FILE_NAME, describe(summary));
        if (withSecret) {
            out.printf("  %s  the token signing secret: links stay valid after a restore%n", SecretFile.NAME);
        }
        if (config.jwtSecret().isPresent()) {
            out.println("  JWT_SECRET is set: tokens are signed with it, not with a file; keep it with this backup");
        } else if (!withSecret) {
            out.printf("  no %s in %s: links minted so far cannot be checked after a restore%n", SecretFile.NAME,
                    dataDir);
        }
    }

    /** What a verified copy holds, for the operator. */
    static String describe(SqliteBackup.Summary summary) {
        String contents = String.format("%,d rooms", summary.rooms())
                + (summary.revisions().isPresent() ? String.format(", %,d revisions", summary.revisions().getAsLong())
                        : ", schema version " + summary.schemaVersion() + " (the server migrates it when it starts)");
        return String.format("%,d bytes, integrity ok: %s", summary.bytes(), contents);
    }
}
