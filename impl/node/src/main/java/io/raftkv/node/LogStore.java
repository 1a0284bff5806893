package io.raftkv.node;

import io.raftkv.core.Snapshot;
import io.raftkv.core.HardState;
import io.raftkv.core.LogStorage;

/**
 * Durable log storage as the node loop sees it. Writes happen in submission order: a batch is never
 * durable before every earlier batch is, because a later batch may overwrite an earlier one's
 * entries (a follower's log conflict) and the order on disk must be the order of the Readies.
 *
 * <p>There are two implementations of the same contract: one over files with a writer thread
 * ({@code io.raftkv.node.real.WalLogStore}), and the simulator's, over a simulated disk in the
 * simulator's own thread.
 */
public interface LogStore {

    /** The hard state as recovered at open (what {@code RaftNode.restart} starts from). */
    HardState hardState();

    /** The read side the core uses (recovered entries, and everything written since). */
    LogStorage log();

    /**
     * Queues {@code batch} after every earlier batch and returns without waiting. Its completion is
     * reported later by whoever drives the loop calling {@link NodeLoop#writeCompleted(long)}; a
     * failure is reported with {@link NodeLoop#writeFailed(StorageException)}. An exception thrown
     * here stops the node (fail-stop): durability is then uncertain.
     */
    void submit(WriteBatch batch);

    /**
     * Writes {@code batch} after every earlier batch and returns once it and every earlier one are
     * durable (a Ready whose mustSync is set: a term or vote change, or an overwrite).
     *
     * @throws StorageException if the write or the sync failed; the node then stops
     */
    void writeSync(WriteBatch batch) throws StorageException;

    /**
     * The newest snapshot as recovered at open (the state machine is restored from it before the
     * log after it is replayed), or null if there is none. It is at least as new as {@code
     * log().snapshotIndex()}: a store that finds a newer snapshot than its log's compaction point
     * (a crash came between saving it and compacting) compacts the log to it at open.
     */
    default Snapshot recoveredSnapshot() {
        return null;
    }

    /**
     * Saves {@code snapshot} of the state machine durably (returns once it survives a crash) and
     * makes it the one {@code log().snapshot()} returns. The log is not compacted yet: the loop tells
     * the core first ({@code RaftNode.compact}) and then calls {@link #compact}.
     *
     * @throws StorageException if it could not be written; the node then stops
     */
    default void saveSnapshot(Snapshot snapshot) throws StorageException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no snapshots");
    }

    /**
     * Drops the stored entries up to {@code index} (whose term is {@code term}), which a saved snapshot
     * covers, and older snapshots. Ordered after every batch submitted before it; it may complete
     * later, and a failure is reported like a write's ({@link NodeLoop#writeFailed}).
     */
    default void compact(long index, long term) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no snapshots");
    }
}
