package dev.livepad.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on {@code livepad.db.lock} in the data directory, held while a store is
 * open: the writer's cache of room heads is only right if no other store writes the same file.
 */
final class DirectoryLock implements AutoCloseable {

    private final FileChannel channel;

    private DirectoryLock(FileChannel channel) {
        this.channel = channel;
    }

    /** @throws StoreException when another process, or another store in this one, holds the directory */
    static DirectoryLock acquire(Path dataDir) throws IOException {
        Path lockFile = dataDir.resolve(SqliteDocumentStore.FILE_NAME + ".lock");
        PrivateFiles.file(lockFile);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() == null) {
                throw new StoreException(dataDir + " is in use by another livepad process");
            }
            return new DirectoryLock(channel);
        } catch (OverlappingFileLockException e) {
            SqliteSchema.closeQuietly(channel);
            throw new StoreException(dataDir + " is already open in this process", e);
        } catch (IOException | RuntimeException e) {
            SqliteSchema.closeQuietly(channel);
            throw e;
        }
    }

    /** Releases the lock (closing the channel releases it). */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
