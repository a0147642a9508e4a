package dev.livepad.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The generated signing secret, kept in the data directory (readable by its owner only) so that
 * tokens survive a restart when {@code JWT_SECRET} is not set.
 */
public final class SecretFile {
    public static final String NAME = "jwt-secret";

    private SecretFile() {
    }

    public static String loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(NAME);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                create(file, TokenService.generateSecret());
            }
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token secret " + file, e);
        }
    }

    private static void create(Path file, String secret) throws IOException {
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException raced) {
            // another process created it first: use theirs
        }
    }
}
