package io.raftkv.core;

import java.util.List;

/**
 * What survives a crash, held in memory: the hard state and the log (tests and tools restart a
 * node from one with {@link RaftNode#restart(Config, int, long, DurableState, RaftObserver)}; a
 * driver restarts it from its {@link LogStorage}). The log is addressed from a snapshot: it
 * holds the entries {@code snapshotIndex+1 ..}, and the entries up to snapshotIndex (all
 * committed) live in a snapshot, so {@code firstIndex() = snapshotIndex + 1} may exceed 1.
 *
 * @param hardState     term, vote and commit index
 * @param snapshotIndex index of the last entry covered by the snapshot, 0 if none
 * @param snapshotTerm  term of that entry, 0 if none
 * @param entries       the stored entries, contiguous from snapshotIndex + 1
 */
public record DurableState(HardState hardState, long snapshotIndex, long snapshotTerm, List<Entry> entries) {

    public DurableState {
        if (hardState == null) {
            throw new IllegalArgumentException("hardState is required");
        }
        if (snapshotIndex < 0 || snapshotTerm < 0 || (snapshotIndex == 0) != (snapshotTerm == 0)) {
            throw new IllegalArgumentException("snapshotIndex and snapshotTerm must both be 0 or both be >= 1, got "
                    + snapshotIndex + ", " + snapshotTerm);
        }
        entries = List.copyOf(entries);
        long expected = snapshotIndex + 1;
        long previousTerm = snapshotTerm;
        for (Entry entry : entries) {
            if (entry.index() != expected) {
                throw new IllegalArgumentException("entries must be contiguous from " + (snapshotIndex + 1)
                        + ": expected index " + expected + ", got " + entry.index());
            }
            if (entry.term() < previousTerm) {
                throw new IllegalArgumentException("entry terms must not decrease: " + entry);
            }
            previousTerm = entry.term();
            expected++;
        }
        if (hardState.commitIndex() > snapshotIndex + entries.size()) {
            throw new IllegalArgumentException("commitIndex " + hardState.commitIndex()
                    + " is beyond the last stored index " + (snapshotIndex + entries.size()));
        }
        if (hardState.commitIndex() < snapshotIndex) {
            throw new IllegalArgumentException("commitIndex " + hardState.commitIndex()
                    + " is below the snapshot index " + snapshotIndex + " (a snapshot holds only committed entries)");
        }
        if (previousTerm > hardState.currentTerm()) {
            throw new IllegalArgumentException("the log holds term " + previousTerm + " beyond currentTerm "
                    + hardState.currentTerm());
        }
    }

    public static final DurableState EMPTY = new DurableState(HardState.EMPTY, 0, 0, List.of());

    public long firstIndex() {
        return snapshotIndex + 1;
    }

    public long lastIndex() {
        return snapshotIndex + entries.size();
    }

    public long lastTerm() {
        return entries.isEmpty() ? snapshotTerm : entries.get(entries.size() - 1).term();
    }
}
