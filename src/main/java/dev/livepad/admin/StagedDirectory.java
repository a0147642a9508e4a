package dev.livepad.admin;

import dev.livepad.store.PrivateFiles;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A new directory filled under a hidden temporary name beside its final one (private to its
 * owner: it holds documents) and renamed into place only once complete, so a backup or export
 * cut short never leaves a directory that looks whole, and nothing existing is ever overwritten.
 */
final class StagedDirectory implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private boolean published;

    private StagedDirectory(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /** @throws Refused when {@code target} exists already */
    static StagedDirectory beside(Path target) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        requireAbsent(absolute);
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        // On POSIX file systems a temporary directory is created as 700.
        return new StagedDirectory(
                absolute, Files.createTempDirectory(parent, "." + absolute.getFileName() + ".partial-"));
    }

    Path path() {
        return staging;
    }

    /** Renames the finished directory to its final name. */
    void publish() throws IOException {
        requireAbsent(target);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        PrivateFiles.forceDirectory(target.getParent());
        published = true;
    }

    /** Removes what was staged unless it was published. */
    @Override
    public void close() throws IOException {
        if (published || !Files.exists(staging)) {
            return;
        }
        Files.walkFileTree(staging, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void requireAbsent(Path target) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new Refused(target + " exists; refusing to overwrite it (give a new name)");
        }
    }
}
