package io.raftkv.node.real;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.core.LogStorage;
import io.raftkv.node.LogStore;
import io.raftkv.node.StorageException;
import io.raftkv.node.WriteBatch;
import io.raftkv.storage.TornTail;
import io.raftkv.storage.WalOptions;
import io.raftkv.storage.WriteAheadLog;
import io.raftkv.storage.fs.FileSystem;
import io.raftkv.storage.fs.NioFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link LogStore} over the storage module's {@link WriteAheadLog} in a real directory, with one
 * writer thread. The writer takes every batch queued so far, appends them all and syncs once: one
 * fsync makes a whole group durable (group commit), so under load the number of fsyncs does not grow
 * with the number of Readies. Each completion is posted to the {@link Listener} (the node's runner),
 * which hands it to the node loop on the loop's own thread.
 *
 * <p>{@link #writeSync} queues its batch like any other and waits until the writer has made it
 * durable: the order on disk stays the order of the Readies, and a sync batch shares its fsync with
 * whatever was queued before it.
 *
 * <p>Failure is final: after an IO error (or an interrupt, which leaves a write's outcome unknown)
 * no further batch is written, waiters and later calls get the cause, and the listener is told once.
 * A failed fsync cannot be retried safely (the kernel may have dropped the dirty pages).
 *
 * <p>Threads: the node's thread calls submit, writeSync and the read side; the writer thread calls
 * the WAL's append and sync. The WAL is not thread-safe, so reads and appends hold {@link #walLock}
 * (see {@link #writeGroup} for why sync does not). The reads the core makes are of entries it knows
 * durable, which no queued batch can change: a batch that overwrites them is a sync batch, and the
 * node's thread is blocked in writeSync until it is done.
 */
public final class WalLogStore implements LogStore, AutoCloseable {

    /** Where completions go; called on the writer thread, so it must only hand them over. */
    public interface Listener {
        /** Every batch up to {@code sequence} is durable. */
        void durable(long sequence);

        /** Writing failed; nothing more will be written. Called at most once. */
        void failed(StorageException cause);
    }

    /** Default bound on queued batches; submit blocks (backpressure) beyond it. */
    public static final int DEFAULT_MAX_QUEUED_BATCHES = 4096;

    /** Names the log in messages: its directory. */
    private final String name;
    private final WriteAheadLog wal;
    private final HardState recoveredHardState;
    private final int maxQueuedBatches;
    private final ReentrantLock walLock = new ReentrantLock();
    private final LogStorage lockedLog;

    /** Guards every field below. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<WriteBatch> queue = new ArrayDeque<>();
    private long queuedSequence;
    private long durableSequence;
    private StorageException failure;
    private boolean closing;
    private Listener listener;
    private Thread writer;
    /** The data directory's lock when opened over a real directory, else null; released at close. */
    private DirectoryLock directoryLock;

    private WalLogStore(String name, WriteAheadLog wal, int maxQueuedBatches) {
        this.name = name;
        this.wal = wal;
        this.recoveredHardState = wal.hardState();
        this.maxQueuedBatches = maxQueuedBatches;
        this.lockedLog = new LockedLogStorage();
    }

    /**
     * Opens (recovering) the log in {@code directory}, creating it if missing, and holds the
     * directory's lock until {@link #close()}: a directory another process (or this one) has open is
     * refused ({@link DirectoryLock}).
     */
    public static WalLogStore open(Path directory) throws StorageException {
        return open(directory, WalOptions.DEFAULT);
    }

    /** As {@link #open(Path)}, with {@code options} (segment size, cache). */
    public static WalLogStore open(Path directory, WalOptions options) throws StorageException {
        DirectoryLock directoryLock = DirectoryLock.acquire(directory);
        try {
            WalLogStore store = open(new NioFileSystem(directory), directory.toString(), options,
                    DEFAULT_MAX_QUEUED_BATCHES);
            store.directoryLock = directoryLock;
            return store;
        } catch (IOException | StorageException | RuntimeException failure) {
            try {
                directoryLock.close();
            } catch (IOException alsoFailed) {
                failure.addSuppressed(alsoFailed);
            }
            if (failure instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException("cannot open the directory " + directory + ": " + failure.getMessage(), failure);
        }
    }

    /**
     * Opens (recovering) the log in {@code fileSystem}. The file system is used by two threads,
     * the writer (append, sync) and the node's (reads), never at once except that a sync may
     * overlap a read of another position: {@link NioFileSystem} allows that.
     *
     * @param name             names the log in messages (its directory)
     * @param maxQueuedBatches submit blocks while this many batches wait for the writer
     */
    public static WalLogStore open(FileSystem fileSystem, String name, WalOptions options, int maxQueuedBatches)
            throws StorageException {
        if (maxQueuedBatches < 1) {
            throw new IllegalArgumentException("maxQueuedBatches must be >= 1, got " + maxQueuedBatches);
        }
        try {
            return new WalLogStore(name, WriteAheadLog.open(fileSystem, options), maxQueuedBatches);
        } catch (IOException | RuntimeException failure) {
            throw new StorageException("cannot open the log in " + name + ": " + failure.getMessage(), failure);
        }
    }

    /** Starts the writer thread; completions go to {@code completions}. Call once, before any write. */
    public void start(Listener completions, String threadName) {
        lock.lock();
        try {
            if (writer != null || closing) {
                throw new IllegalStateException("the store for " + name + " was already started or closed");
            }
            listener = completions;
            writer = new Thread(this::runWriter, threadName);
            writer.setDaemon(true);
            writer.start();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public HardState hardState() {
        return recoveredHardState;
    }

    @Override
    public LogStorage log() {
        return lockedLog;
    }

    /** Queues the batch; blocks only while maxQueuedBatches are queued. Throws if writing failed. */
    @Override
    public void submit(WriteBatch batch) {
        try {
            enqueue(batch);
        } catch (StorageException failed) {
            throw new IllegalStateException(failed.getMessage(), failed);
        }
    }

    @Override
    public void writeSync(WriteBatch batch) throws StorageException {
        enqueue(batch);
        lock.lock();
        try {
            while (durableSequence < batch.sequence() && failure == null) {
                changed.await();
            }
            if (durableSequence < batch.sequence()) {
                throw failure;
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for batch " + batch.sequence() + " in " + name
                    + " to become durable", interrupted);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes whatever is queued, stops the writer and closes the log. Batches queued before close are
     * made durable (a clean shutdown loses nothing that was handed over). An earlier write failure
     * was reported to the listener already and is not thrown again here.
     */
    @Override
    public void close() throws StorageException {
        Thread stopping;
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
            stopping = writer;
        } finally {
            lock.unlock();
        }
        if (stopping != null) {
            Threads.joinUninterruptibly(stopping);
        }
        walLock.lock();
        try {
            wal.close();
        } catch (IOException | RuntimeException failed) {
            throw new StorageException("closing the log in " + name + " failed: " + failed.getMessage(), failed);
        } finally {
            walLock.unlock();
            releaseDirectory();
        }
    }

    private void releaseDirectory() throws StorageException {
        if (directoryLock == null) {
            return;
        }
        try {
            directoryLock.close();
        } catch (IOException failed) {
            throw new StorageException("releasing the lock of " + name + " failed: " + failed.getMessage(), failed);
        } finally {
            directoryLock = null;
        }
    }

    /** The sequence of the last batch queued (by submit or writeSync), 0 before any. */
    long queuedSequence() {
        lock.lock();
        try {
            return queuedSequence;
        } finally {
            lock.unlock();
        }
    }

    /** What recovery cut from the end of the log at open (a torn last write), if anything. */
    public Optional<TornTail> tornTail() {
        return wal.tornTail();
    }

    // ------------------------------------------------------------------------------------------

    private void enqueue(WriteBatch batch) throws StorageException {
        lock.lock();
        try {
            if (writer == null || closing) {
                throw new IllegalStateException("the store for " + name + " is not running");
            }
            if (batch.sequence() != queuedSequence + 1) {
                throw new IllegalArgumentException("batch " + batch.sequence() + " queued after " + queuedSequence
                        + ": the node loop numbers batches without gaps");
            }
            while (queue.size() >= maxQueuedBatches && failure == null) {
                changed.await();
            }
            if (failure != null) {
                throw failure;
            }
            queue.addLast(batch);
            queuedSequence = batch.sequence();
            changed.signalAll();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while queueing batch " + batch.sequence(), interrupted);
        } finally {
            lock.unlock();
        }
    }

    /** The writer: one group per round, one sync per group. */
    private void runWriter() {
        while (true) {
            List<WriteBatch> group = takeGroup();
            if (group.isEmpty()) {
                return; // closing, and everything queued is written
            }
            long last = group.get(group.size() - 1).sequence();
            try {
                writeGroup(group);
            } catch (IOException | RuntimeException failed) {
                fail(new StorageException("writing batches " + group.get(0).sequence() + ".." + last + " to "
                        + name + " failed: " + failed.getMessage(), failed));
                return;
            }
            lock.lock();
            try {
                durableSequence = last;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            listener.durable(last);
        }
    }

    /** Everything queued, waiting while the queue is empty; empty only once closing. */
    private List<WriteBatch> takeGroup() {
        lock.lock();
        try {
            while (queue.isEmpty() && !closing) {
                changed.awaitUninterruptibly();
            }
            List<WriteBatch> group = new ArrayList<>(queue);
            queue.clear();
            changed.signalAll(); // room for blocked submitters
            return group;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends under the WAL lock (append changes the WAL's index and cache, which reads use), then
     * syncs outside it, so the node's thread is not held up by an fsync when the core reads its log:
     * that is what lets the leader go on while its own write is in flight (thesis §10.2.1). This
     * relies on WriteAheadLog.sync touching only the newest segment's file (a thread-safe force)
     * and its own unsynced/failure flags, none of which the read side uses; only this thread ever
     * appends or syncs.
     */
    private void writeGroup(List<WriteBatch> group) throws IOException {
        walLock.lock();
        try {
            for (WriteBatch batch : group) {
                wal.append(batch.hardState(), batch.entries());
            }
        } finally {
            walLock.unlock();
        }
        wal.sync();
    }

    private void fail(StorageException cause) {
        lock.lock();
        try {
            failure = cause;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        listener.failed(cause);
    }

    /** The WAL's read side, each call under the WAL lock. */
    private final class LockedLogStorage implements LogStorage {
        @Override
        public long snapshotIndex() {
            walLock.lock();
            try {
                return wal.snapshotIndex();
            } finally {
                walLock.unlock();
            }
        }

        @Override
        public long snapshotTerm() {
            walLock.lock();
            try {
                return wal.snapshotTerm();
            } finally {
                walLock.unlock();
            }
        }

        @Override
        public long lastIndex() {
            walLock.lock();
            try {
                return wal.lastIndex();
            } finally {
                walLock.unlock();
            }
        }

        @Override
        public long term(long index) {
            walLock.lock();
            try {
                return wal.term(index);
            } finally {
                walLock.unlock();
            }
        }

        @Override
        public List<Entry> entries(long from, long to, long maxBytes) {
            walLock.lock();
            try {
                return wal.entries(from, to, maxBytes);
            } finally {
                walLock.unlock();
            }
        }
    }
}
