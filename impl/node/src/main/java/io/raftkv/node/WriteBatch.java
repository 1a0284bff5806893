package io.raftkv.node;

import io.raftkv.core.Snapshot;
import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import java.util.List;

/**
 * One write: a Ready's hard state (or null if unchanged) and entries. Persisting entries that start
 * at index k replaces every stored entry at index >= k (the Ready contract), so a store applies
 * batches strictly in sequence order. The node loop numbers batches 1, 2, 3, ... with no gaps, which
 * lets one completion ("every batch up to s is durable") stand for all earlier ones.
 *
 * @param sequence  position among the node loop's batches, >= 1, rising by one per batch
 * @param hardState term, vote and commit index to persist, or null if unchanged
 * @param entries   contiguous entries to persist, possibly empty
 * @param snapshot  a snapshot a leader sent, written first (durably, before the hard state and the
 *                  entries), or null; the log then starts after it
 * @param snapshotKeepsLog with a snapshot: whether the stored entries after it stay; otherwise every
 *                  stored entry is discarded (the batch's entries, if any, follow the snapshot)
 */
public record WriteBatch(long sequence, HardState hardState, List<Entry> entries, Snapshot snapshot,
        boolean snapshotKeepsLog) {

    /** A batch without a snapshot. */
    public WriteBatch(long sequence, HardState hardState, List<Entry> entries) {
        this(sequence, hardState, entries, null, false);
    }

    public WriteBatch {
        if (sequence < 1) {
            throw new IllegalArgumentException("batch sequence must be >= 1, got " + sequence);
        }
        entries = List.copyOf(entries);
        if (snapshot != null && !entries.isEmpty() && entries.get(0).index() <= snapshot.index()) {
            throw new IllegalArgumentException("batch " + sequence + " entries from " + entries.get(0).index()
                    + " do not follow its snapshot at " + snapshot.index());
        }
        for (int k = 1; k < entries.size(); k++) {
            if (entries.get(k).index() != entries.get(k - 1).index() + 1) {
                throw new IllegalArgumentException("batch " + sequence + " entries are not contiguous: " + entries);
            }
        }
    }

    /** Whether the batch carries entries (a batch may carry only a hard state). */
    public boolean hasEntries() {
        return !entries.isEmpty();
    }

    /** The first entry's index; the batch must have entries. */
    public long firstIndex() {
        requireEntries();
        return entries.get(0).index();
    }

    /** The last entry's index; the batch must have entries. */
    public long lastIndex() {
        requireEntries();
        return entries.get(entries.size() - 1).index();
    }

    /** The last entry's term; the batch must have entries. */
    public long lastTerm() {
        requireEntries();
        return entries.get(entries.size() - 1).term();
    }

    private void requireEntries() {
        if (entries.isEmpty()) {
            throw new IllegalStateException("batch " + sequence + " has no entries");
        }
    }
}
