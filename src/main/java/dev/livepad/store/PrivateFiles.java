package dev.livepad.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the data directory and the files in it readable by the server's user only (700 and
 * 600), whatever the umask: they hold every document and the token secret. Where the file
 * system has no POSIX permissions, plain creation.
 */
public final class PrivateFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
    private static final Set<PosixFilePermission> OTHERS = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    /** Creates the directory (and missing parents) as 700; warns when an existing one is open to others. */
    public static void directory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            if (isPosix(dir) && Files.getPosixFilePermissions(dir).stream().anyMatch(OTHERS::contains)) {
                LOG.warn("{} can be read by other users of this machine; it holds every document (chmod 700 {})",
                        dir.toAbsolutePath(), dir.toAbsolutePath());
            }
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, attributes(dir, "rwx------"));
        } catch (FileAlreadyExistsException raced) {
            // another process made it first
        }
    }

    /** Creates the file empty as 600 unless it exists. */
    public static void file(Path file) throws IOException {
        try {
            Files.createFile(file, attributes(file, "rw-------"));
        } catch (FileAlreadyExistsException exists) {
            // keep it as it is
        }
    }

    private static FileAttribute<?>[] attributes(Path path, String permissions) {
        Path existing = path.toAbsolutePath().getParent();
        return existing != null && isPosix(existing)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
