package io.raftkv.node.real;

import io.raftkv.core.Assert;
import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.core.LogStorage;
import io.raftkv.core.Snapshot;
import io.raftkv.node.LogStore;
import io.raftkv.node.StorageException;
import io.raftkv.node.WriteBatch;
import io.raftkv.storage.SnapshotRecovery;
import io.raftkv.storage.SnapshotStore;
import io.raftkv.storage.SnapshotWrites;
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
 * <p>Snapshots ({@link SnapshotStore} files in the same directory): {@link #saveSnapshot} queues the
 * save and waits until the file is durable; {@link #compact} queues a compaction of the log, which
 * the writer carries out after every batch queued before it (then removes older snapshot files);
 * a batch with a leader's snapshot saves it, compacts the log to it (dropping every entry after it
 * unless the batch keeps them) and then writes the batch's hard state and entries. At open the
 * newest snapshot and the log are reconciled ({@link SnapshotRecovery}); {@link #recoveredSnapshot}
 * hands the snapshot to the node loop, and the latest saved one, which a leader sends, is held in
 * memory ({@link LogStorage#snapshot()} of {@link #log()}).
 *
 * <p>Threads: the node's thread calls submit, writeSync, saveSnapshot, compact and the read side; the
 * writer thread does every write to the directory. The WAL is not thread-safe, so reads and every
 * write but the group's final sync hold {@link #walLock} (see {@link #writeGroup} for why that sync
 * does not). The reads the core makes are of entries it knows durable and above its snapshot, which
 * no queued work can change: a batch that overwrites them is a sync batch, and the node's thread is
 * blocked in writeSync until it is done; a compaction is queued only after the core stopped reading
 * the entries it drops.
 */
public final class WalLogStore implements LogStore, AutoCloseable {

    /** Where completions go; called on the writer thread, so it must only hand them over. */
    public interface Listener {
        /** Every batch up to {@code sequence} is durable. */
        void durable(long sequence);

        /** Writing failed; nothing more will be written. Called at most once. */
        void failed(StorageException cause);
    }

    /** Default bound on queued batches (and snapshot work); submit blocks (backpressure) beyond it. */
    public static final int DEFAULT_MAX_QUEUED_BATCHES = 4096;

    /** Names the log in messages: its directory. */
    private final String name;
    private final WriteAheadLog wal;
    private final SnapshotStore snapshots;
    private final HardState recoveredHardState;
    private final Snapshot recoveredSnapshot;
    private final int maxQueuedBatches;
    private final ReentrantLock walLock = new ReentrantLock();
    private final LogStorage lockedLog;
    /** The newest snapshot saved (or recovered), null if none. Guarded by walLock. */
    private Snapshot latestSnapshot;

    /** Guards every field below. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private long queuedSequence;
    private long durableSequence;
    /** Snapshot saves queued so far, and saved so far (each save waits for its ticket). */
    private long saveTickets;
    private long savedTickets;
    private StorageException failure;
    private boolean closing;
    private Listener listener;
    private Thread writer;
    /** The data directory's lock when opened over a real directory, else null; released at close. */
    private DirectoryLock directoryLock;

    /** What the writer thread does, in queue order. */
    private sealed interface Task {}

    /** A batch of the node loop. */
    private record Write(WriteBatch batch) implements Task {}

    /** A snapshot to save durably; {@code ticket} tells its waiter when it is. */
    private record Save(long ticket, Snapshot snapshot) implements Task {}

    /** The log up to {@code index} (term {@code term}) to drop, a saved snapshot covering it. */
    private record Compact(long index, long term) implements Task {}

    private WalLogStore(String name, WriteAheadLog wal, SnapshotStore snapshots, Snapshot recovered,
            int maxQueuedBatches) {
        this.name = name;
        this.wal = wal;
        this.snapshots = snapshots;
        this.recoveredHardState = wal.hardState();
        this.recoveredSnapshot = recovered;
        this.latestSnapshot = recovered;
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
     * Opens (recovering) the log and the snapshots in {@code fileSystem}, reconciled (see
     * {@link SnapshotRecovery}: a crash between a snapshot's save and the log's compaction is
     * finished here; a log compacted beyond every snapshot file, or a damaged newest snapshot, is
     * refused). The file system is used by two threads, the writer (every write, sync) and the
     * node's (reads), never at once except that a sync may overlap a read of another position:
     * {@link NioFileSystem} allows that.
     *
     * @param name             names the log in messages (its directory)
     * @param maxQueuedBatches submit blocks while this many batches wait for the writer
     */
    public static WalLogStore open(FileSystem fileSystem, String name, WalOptions options, int maxQueuedBatches)
            throws StorageException {
        if (maxQueuedBatches < 1) {
            throw new IllegalArgumentException("maxQueuedBatches must be >= 1, got " + maxQueuedBatches);
        }
        WriteAheadLog wal = null;
        try {
            wal = WriteAheadLog.open(fileSystem, options);
            SnapshotStore snapshots = SnapshotStore.open(fileSystem);
            Snapshot recovered = SnapshotRecovery.reconcile(wal, snapshots).orElse(null);
            return new WalLogStore(name, wal, snapshots, recovered, maxQueuedBatches);
        } catch (IOException | RuntimeException failure) {
            if (wal != null) {
                try {
                    wal.close();
                } catch (IOException alsoFailed) {
                    failure.addSuppressed(alsoFailed);
                }
            }
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

    @Override
    public Snapshot recoveredSnapshot() {
        return recoveredSnapshot;
    }

    /** Queues the save behind everything queued and waits until the snapshot file is durable. */
    @Override
    public void saveSnapshot(Snapshot snapshot) throws StorageException {
        lock.lock();
        try {
            long ticket = ++saveTickets;
            addTask(new Save(ticket, snapshot));
            while (savedTickets < ticket && failure == null) {
                changed.await();
            }
            if (savedTickets < ticket) {
                throw failure;
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while saving " + snapshot + " in " + name, interrupted);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues the compaction of the log to {@code index}: the writer drops the entries up to it after
     * every batch queued before, then the snapshot files below it; a failure is reported to the
     * listener like a write's. Throws (as submit does) if writing failed already.
     */
    @Override
    public void compact(long index, long term) {
        lock.lock();
        try {
            addTask(new Compact(index, term));
        } catch (StorageException failed) {
            throw new IllegalStateException(failed.getMessage(), failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing the compaction to " + index + " in " + name,
                    interrupted);
        } finally {
            lock.unlock();
        }
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

    /** Entries written to the log and the group-commit fsyncs made for them since open. */
    public record WriteCounts(long entries, long syncs) {}

    /** What the writer has written and synced so far; any thread may ask. */
    public WriteCounts writeCounts() {
        return new WriteCounts(wal.appendedEntries(), wal.syncs());
    }

    /** What recovery cut from the end of the log at open (a torn last write), if anything. */
    public Optional<TornTail> tornTail() {
        return wal.tornTail();
    }

    // ------------------------------------------------------------------------------------------

    private void enqueue(WriteBatch batch) throws StorageException {
        lock.lock();
        try {
            if (batch.sequence() != queuedSequence + 1) {
                throw new IllegalArgumentException("batch " + batch.sequence() + " queued after " + queuedSequence
                        + ": the node loop numbers batches without gaps");
            }
            addTask(new Write(batch));
            queuedSequence = batch.sequence();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while queueing batch " + batch.sequence(), interrupted);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code task} behind everything queued, blocking while maxQueuedBatches wait. The caller
     * holds {@link #lock}.
     */
    private void addTask(Task task) throws StorageException, InterruptedException {
        if (writer == null || closing) {
            throw new IllegalStateException("the store for " + name + " is not running");
        }
        while (queue.size() >= maxQueuedBatches && failure == null) {
            changed.await();
        }
        if (failure != null) {
            throw failure;
        }
        queue.addLast(task);
        changed.signalAll();
    }

    /** The writer: one group per round, one sync per group. */
    private void runWriter() {
        while (true) {
            List<Task> group = takeGroup();
            if (group.isEmpty()) {
                return; // closing, and everything queued is written
            }
            try {
                writeGroup(group);
            } catch (IOException | RuntimeException failed) {
                fail(new StorageException(describe(group) + " in " + name + " failed: " + failed.getMessage(), failed));
                return;
            }
            long last = lastSequence(group);
            if (last > 0) {
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
    }

    /** The sequence of the group's last batch, 0 if it has none. */
    private static long lastSequence(List<Task> group) {
        long last = 0;
        for (Task task : group) {
            if (task instanceof Write write) {
                last = write.batch().sequence();
            }
        }
        return last;
    }

    /** What a group was doing, for the failure's message. */
    private static String describe(List<Task> group) {
        List<String> parts = new ArrayList<>();
        long first = 0;
        for (Task task : group) {
            switch (task) {
                case Write write -> first = first == 0 ? write.batch().sequence() : first;
                case Save save -> parts.add("saving " + save.snapshot());
                case Compact compact -> parts.add("compacting the log to " + compact.index());
            }
        }
        if (first > 0) {
            parts.add(0, "writing batches " + first + ".." + lastSequence(group));
        }
        return String.join(", ", parts);
    }

    /** Everything queued, waiting while the queue is empty; empty only once closing. */
    private List<Task> takeGroup() {
        lock.lock();
        try {
            while (queue.isEmpty() && !closing) {
                changed.awaitUninterruptibly();
            }
            List<Task> group = new ArrayList<>(queue);
            queue.clear();
            changed.signalAll(); // room for blocked submitters
            return group;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Carries out the group in order, each task under the WAL lock (append and compact change the
     * WAL's index and cache, which reads use; a save changes the latest snapshot), then syncs outside
     * it, so the node's thread is not held up by an fsync when the core reads its log: that is what
     * lets the leader go on while its own write is in flight (thesis §10.2.1). This relies on
     * WriteAheadLog.sync touching only the newest segment's file (a thread-safe force) and its own
     * unsynced/failure flags, none of which the read side uses; only this thread ever writes or
     * syncs. (Snapshot saves and compactions sync inside the lock; they are rare, and a save or an
     * install keeps the node's thread waiting anyway.)
     */
    private void writeGroup(List<Task> group) throws IOException {
        for (Task task : group) {
            walLock.lock();
            try {
                switch (task) {
                    case Write write -> write(write.batch());
                    case Save save -> saveLatest(save.snapshot());
                    case Compact compact -> compactTo(compact.index(), compact.term());
                }
            } finally {
                walLock.unlock();
            }
            if (task instanceof Save save) {
                saved(save.ticket());
            }
        }
        wal.sync();
    }

    /** A batch; one with a leader's snapshot installs it first (saved, then the log compacted to it). */
    private void write(WriteBatch batch) throws IOException {
        Snapshot snapshot = batch.snapshot();
        if (snapshot != null) {
            SnapshotWrites.installLeaderSnapshot(wal, snapshots, batch.hardState(), snapshot,
                    batch.snapshotKeepsLog());
            becomeLatest(snapshot);
        }
        wal.append(batch.hardState(), batch.entries());
    }

    /** Saves {@code snapshot} durably; it becomes the one a leader sends unless a newer one is saved. */
    private void saveLatest(Snapshot snapshot) throws IOException {
        snapshots.save(snapshot);
        becomeLatest(snapshot);
    }

    private void becomeLatest(Snapshot snapshot) {
        if (latestSnapshot == null || snapshot.index() > latestSnapshot.index()) {
            latestSnapshot = snapshot;
        }
    }

    /**
     * Compacts the log to (index, term), which a saved snapshot must cover, and removes the older
     * snapshot files. An index the log is compacted to already (a leader's snapshot was installed
     * since) changes nothing.
     */
    private void compactTo(long index, long term) throws IOException {
        if (index <= wal.snapshotIndex()) {
            return; // checked before the checks: a leader's snapshot may have gone further since
        }
        Assert.check(latestSnapshot != null && latestSnapshot.index() >= index,
                "compaction of %s to %d, which no saved snapshot covers (latest %s)", name, index, latestSnapshot);
        Assert.check(index <= wal.lastIndex() && wal.term(index) == term,
                "compaction of %s to (%d, %d), which is not an entry of the log (last index %d)", name, index, term,
                wal.lastIndex());
        SnapshotWrites.compactBehind(wal, snapshots, index, term);
    }

    /** Tells the saver of ticket {@code ticket} that its snapshot is durable. */
    private void saved(long ticket) {
        lock.lock();
        try {
            savedTickets = Math.max(savedTickets, ticket);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
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

        @Override
        public Snapshot snapshot() {
            walLock.lock();
            try {
                return latestSnapshot;
            } finally {
                walLock.unlock();
            }
        }
    }
}
