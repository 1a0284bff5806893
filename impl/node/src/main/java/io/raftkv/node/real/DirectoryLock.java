package io.raftkv.node.real;

import io.raftkv.node.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a node's data directory (an OS file lock on {@code DIR/LOCK}), held for as
 * long as the log is open: two processes appending to one write-ahead log would interleave their
 * records and lose acknowledged writes, so the second one refuses to start, saying why. The OS
 * drops the lock when the process dies, kill -9 included, so a crash never leaves it stale.
 */
final class DirectoryLock implements AutoCloseable {
    static final String FILE_NAME = "LOCK";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code directory} (created if missing), or refuses if anyone holds it. */
    static DirectoryLock acquire(Path directory) throws StorageException {
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(directory, file, "another process");
            }
            return new DirectoryLock(channel, lock);
        } catch (OverlappingFileLockException heldHere) {
            closeQuietly(channel);
            throw inUse(directory, file, "this process");
        } catch (StorageException refused) {
            closeQuietly(channel);
            throw refused;
        } catch (IOException failed) {
            closeQuietly(channel);
            throw new StorageException("cannot lock the data directory " + directory + " (" + file + "): "
                    + failed.getMessage(), failed);
        }
    }

    private static StorageException inUse(Path directory, Path file, String holder) {
        return new StorageException("the data directory " + directory + " is in use by " + holder + " (it holds the"
                + " lock on " + file + "); one directory serves one running node");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the refusal is what the caller needs to hear about
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
