package io.raftkv.storage;

import io.raftkv.core.Snapshot;
import io.raftkv.storage.SnapshotStore.SnapshotId;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Brings a recovered write-ahead log and the snapshot files of the same directory into agreement at
 * open. A node saves a snapshot durably first and compacts the log (writes its snapshot marker)
 * after, so what a crash can leave is a snapshot file newer than the log's marker; the log is then
 * compacted to it here, as the node would have done. The reverse, a marker beyond every snapshot
 * file, no crash explains: the entries the marker voids exist nowhere else, so the node must not
 * start. Older snapshot files are removed once the log is compacted to the newest.
 *
 * <ul>
 *   <li>No snapshot file, marker 0: an uncompacted log; nothing to restore.</li>
 *   <li>Newest file at the marker (same index and term): the usual restart.</li>
 *   <li>Newest file above the marker: the log is compacted to it (keeping the entries after it when
 *       the log holds its last entry with its term, else dropping them all: the save was a leader's
 *       snapshot that was replacing the log). If the log's commit index already covers the
 *       snapshot's index but the log disagrees with the snapshot there, the two contradict each
 *       other and recovery refuses.</li>
 *   <li>Marker above the newest file (or no file): refused, naming the missing file.</li>
 *   <li>A newest file that fails its checks: refused, naming the file and offset (an older file is
 *       not used instead: the log may already be compacted past it).</li>
 *   <li>A snapshot whose term is beyond the node's stored current term: refused (the node stores a
 *       leader's term before it saves its snapshot, and its own snapshots hold entries of terms it
 *       stored before them).</li>
 * </ul>
 */
public final class SnapshotRecovery {
    private SnapshotRecovery() {}

    /**
     * Reconciles {@code wal} with {@code snapshots} (both opened over the same directory), compacting
     * the log if a crash came between a save and its compaction.
     *
     * @return the newest snapshot, at the log's snapshot index from now on; empty if there is none
     * @throws CorruptStorageException if the files contradict each other or the newest snapshot is damaged
     */
    public static Optional<Snapshot> reconcile(WriteAheadLog wal, SnapshotStore snapshots) throws IOException {
        List<SnapshotId> files = snapshots.list();
        long marker = wal.snapshotIndex();
        long markerTerm = wal.snapshotTerm();
        SnapshotId newest = files.isEmpty() ? null : files.get(files.size() - 1);
        if (newest == null || newest.index() < marker) {
            if (marker == 0) {
                return Optional.empty();
            }
            throw new CorruptStorageException(SnapshotStore.fileName(marker, markerTerm), 0, "the file is missing:"
                    + " the write-ahead log is compacted through index " + marker + " (term " + markerTerm + "), so"
                    + " the entries up to there exist only in that snapshot, but "
                    + (newest == null ? "there is no snapshot file" : "the newest snapshot file is "
                            + SnapshotStore.fileName(newest.index(), newest.term())));
        }
        Snapshot snapshot = snapshots.load(newest.index(), newest.term());
        String file = SnapshotStore.fileName(snapshot.index(), snapshot.term());
        if (snapshot.index() == marker && snapshot.term() != markerTerm) {
            throw new CorruptStorageException(file, 0, "the write-ahead log's snapshot marker says index " + marker
                    + " has term " + markerTerm + ", this snapshot says term " + snapshot.term());
        }
        if (snapshot.term() > wal.hardState().currentTerm()) {
            throw new CorruptStorageException(file, 0, "the snapshot's last entry has term " + snapshot.term()
                    + ", beyond the node's stored term " + wal.hardState().currentTerm() + " (a node stores the term"
                    + " of a leader before it saves that leader's snapshot)");
        }
        if (snapshot.index() > marker) {
            checkAgreesWithCommitted(wal, snapshot, file);
            wal.compact(snapshot.index(), snapshot.term());
        }
        snapshots.removeBelow(snapshot.index());
        return Optional.of(snapshot);
    }

    /** A snapshot above the marker must not contradict an entry the log says is committed. */
    private static void checkAgreesWithCommitted(WriteAheadLog wal, Snapshot snapshot, String file)
            throws CorruptStorageException {
        long index = snapshot.index();
        if (wal.hardState().commitIndex() < index) {
            return; // the entries there may be replaced: a leader's snapshot was being installed
        }
        long term = wal.term(index); // commitIndex <= lastIndex after recovery, so entry `index` is there
        if (term != snapshot.term()) {
            throw new CorruptStorageException(file, 0, "the write-ahead log has committed entry " + index
                    + " with term " + term + " (commit index " + wal.hardState().commitIndex()
                    + "), but this snapshot of that index has term " + snapshot.term());
        }
    }
}
