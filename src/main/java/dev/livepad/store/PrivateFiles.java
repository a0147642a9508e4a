package dev.livepad.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    /**
     * Creates the file empty as 600.
     *
     * @throws FileAlreadyExistsException when it exists
     */
    public static void newFile(Path file) throws IOException {
        Files.createFile(file, attributes(file, "rw-------"));
    }

    /**
     * Copies {@code source} to {@code target}, a new file created as 600 whatever the source's mode,
     * and forces it to disk, for copies of the database and the token secret that must outlive a
     * crash right after.
     *
     * @throws FileAlreadyExistsException when {@code target} exists
     */
    public static void copy(Path source, Path target) throws IOException {
        newFile(target);
        try (InputStream in = Files.newInputStream(source);
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE)) {
            in.transferTo(out);
        }
        force(target);
    }

    /** Forces a file's content to disk. */
    public static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /**
     * Forces a directory's entries to disk, so a file just created or renamed in it survives a
     * crash; where the platform cannot open a directory for that, it does nothing.
     */
    public static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("cannot sync directory {}: {}", dir, e.toString());
        }
    }

    private static FileAttribute<?>[] attributes(Path path, String permissions) {
        Path existing = path.toAbsolutePath().getParent();
        return existing != null && isPosix(existing)
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))
                }
                : new FileAttribute<?>[0];
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
