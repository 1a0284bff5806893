package io.raftkv.storage;

import io.raftkv.core.HardState;
import io.raftkv.core.Snapshot;
import java.io.IOException;
import java.util.List;

/**
 * The two writes that put a snapshot into a node's directory, in the order {@link SnapshotRecovery}
 * relies on, for every store over a {@link WriteAheadLog} and a {@link SnapshotStore} of the same
 * directory (the real node's and the simulator's): a snapshot file is durable before the log is
 * compacted behind it, and a leader's term is durable before that leader's snapshot is saved.
 */
public final class SnapshotWrites {
    private SnapshotWrites() {}

    /**
     * Installs a leader's {@code snapshot} ahead of the rest of its batch, whose hard state is
     * {@code next} (or null): the term and vote the node adopted from that leader are stored and
     * synced first, since a crash right after the save would otherwise leave a snapshot whose last
     * entry has a term beyond the stored one (and the log it restarts with would break currentTerm
     * >= the last log term); the commit index stays the stored one (the entries the log holds up to
     * the batch's may be the ones the snapshot replaces). Then the snapshot is saved durably, the log
     * compacted through it (every entry after it discarded unless {@code keepsLog}), and older
     * snapshot files removed. The batch's own hard state and entries are the caller's to append.
     */
    public static void installLeaderSnapshot(WriteAheadLog wal, SnapshotStore snapshots, HardState next,
            Snapshot snapshot, boolean keepsLog) throws IOException {
        HardState stored = wal.hardState();
        if (next != null && (next.currentTerm() != stored.currentTerm() || next.votedFor() != stored.votedFor())) {
            wal.append(new HardState(next.currentTerm(), next.votedFor(), stored.commitIndex()), List.of());
            wal.sync();
        }
        snapshots.save(snapshot);
        wal.compact(snapshot.index(), snapshot.term(), !keepsLog);
        snapshots.removeBelow(snapshot.index());
    }

    /**
     * Compacts the log through ({@code index}, {@code term}), which a snapshot already saved covers,
     * and removes the older snapshot files.
     *
     * @return false, changing nothing, if the log is compacted that far already (a leader's snapshot
     *     was installed since the node's own was saved)
     */
    public static boolean compactBehind(WriteAheadLog wal, SnapshotStore snapshots, long index, long term)
            throws IOException {
        if (index <= wal.snapshotIndex()) {
            return false;
        }
        wal.compact(index, term, false);
        snapshots.removeBelow(index);
        return true;
    }
}
