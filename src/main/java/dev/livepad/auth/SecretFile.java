package dev.livepad.auth;

import dev.livepad.store.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
            PrivateFiles.directory(dataDir);
            if (!Files.exists(file)) {
                create(file, TokenService.generateSecret());
            }
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the token secret " + file, e);
        }
    }

    private static void create(Path file, String secret) throws IOException {
        PrivateFiles.file(file); // if another process raced us to it, the content check below keeps theirs
        if (Files.size(file) == 0) {
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        }
    }
}
