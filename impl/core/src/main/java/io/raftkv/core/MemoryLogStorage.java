package io.raftkv.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LogStorage} held in memory, with the write side a driver needs: {@link #write} replaces
 * every stored entry from the first written index on, which is what persisting a {@link Ready}'s
 * entries means. Pure (no IO), so it lives in the core: tests use it as a disk, and a node made by
 * {@link RaftNode#create} keeps its durable entries in one.
 *
 * <p>Invariants: entries are contiguous from snapshotIndex + 1 and their terms never decrease.
 */
public final class MemoryLogStorage implements LogStorage {
    private long snapshotIndex;
    private long snapshotTerm;
    /** The snapshot at snapshotIndex, when one was saved here (null after the plain constructors). */
    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();

    /** An empty log without a snapshot. */
    public MemoryLogStorage() {
        this(0, 0);
    }

    /** An empty log after a snapshot up to {@code snapshotIndex} (both 0, or both >= 1). */
    public MemoryLogStorage(long snapshotIndex, long snapshotTerm) {
        if (snapshotIndex < 0 || snapshotTerm < 0 || (snapshotIndex == 0) != (snapshotTerm == 0)) {
            throw new IllegalArgumentException("snapshotIndex and snapshotTerm must both be 0 or both be >= 1, got "
                    + snapshotIndex + ", " + snapshotTerm);
        }
        this.snapshotIndex = snapshotIndex;
        this.snapshotTerm = snapshotTerm;
    }

    /** The log of {@code durable} (its hard state is not part of a log storage). */
    public static MemoryLogStorage of(DurableState durable) {
        MemoryLogStorage storage = new MemoryLogStorage(durable.snapshotIndex(), durable.snapshotTerm());
        storage.write(durable.entries());
        return storage;
    }

    /**
     * Stores {@code batch} (contiguous), replacing every entry at or after its first index; an
     * empty batch changes nothing. The first index must be in (snapshotIndex, lastIndex + 1].
     */
    public void write(List<Entry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long first = batch.get(0).index();
        if (first <= snapshotIndex || first > lastIndex() + 1) {
            throw new IllegalArgumentException("a write starting at " + first + " leaves a gap or reaches into the"
                    + " snapshot: the log holds (" + snapshotIndex + ", " + lastIndex() + "]");
        }
        long previousTerm = term(first - 1);
        for (int k = 0; k < batch.size(); k++) {
            Entry entry = batch.get(k);
            if (entry.index() != first + k || entry.term() < previousTerm) {
                throw new IllegalArgumentException("entries must be contiguous with non-decreasing terms: " + entry
                        + " at position " + k + " of a write from " + first);
            }
            previousTerm = entry.term();
        }
        entries.subList(Math.toIntExact(first - snapshotIndex - 1), entries.size()).clear();
        entries.addAll(batch);
    }

    @Override
    public long snapshotIndex() {
        return snapshotIndex;
    }

    @Override
    public long snapshotTerm() {
        return snapshotTerm;
    }

    @Override
    public long lastIndex() {
        return snapshotIndex + entries.size();
    }

    @Override
    public long term(long index) {
        if (index == snapshotIndex) {
            return snapshotTerm;
        }
        return at(index).term();
    }

    @Override
    public List<Entry> entries(long from, long to, long maxBytes) {
        if (from > to) {
            throw new IllegalArgumentException("empty range [" + from + ", " + to + "]");
        }
        at(from);
        at(to);
        List<Entry> result = new ArrayList<>();
        long bytes = 0;
        for (long index = from; index <= to; index++) {
            Entry entry = at(index);
            bytes += entry.sizeBytes();
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            result.add(entry);
        }
        return result;
    }

    /**
     * Saves {@code saved} and drops the entries it covers; entries after it stay. Its index must be
     * in (snapshotIndex, lastIndex] with the stored term there, or, with {@code discardLog}, anything
     * above snapshotIndex: then every stored entry goes (a snapshot a leader sent replaced the log).
     */
    public void saveSnapshot(Snapshot saved, boolean discardLog) {
        long index = saved.index();
        if (index <= snapshotIndex) {
            throw new IllegalArgumentException("snapshot at " + index + " is not after the stored one at "
                    + snapshotIndex);
        }
        if (discardLog) {
            entries.clear();
        } else {
            if (index > lastIndex() || term(index) != saved.term()) {
                throw new IllegalArgumentException("snapshot (" + index + ", " + saved.term()
                        + ") does not match the stored log (" + snapshotIndex + ", " + lastIndex() + "]");
            }
            entries.subList(0, Math.toIntExact(index - snapshotIndex)).clear();
        }
        snapshotIndex = index;
        snapshotTerm = saved.term();
        snapshot = saved;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Every stored entry after the snapshot, in order. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    private Entry at(long index) {
        if (index <= snapshotIndex || index > lastIndex()) {
            throw new IllegalArgumentException("no entry " + index + ": the log holds (" + snapshotIndex + ", "
                    + lastIndex() + "]");
        }
        return entries.get(Math.toIntExact(index - snapshotIndex - 1));
    }
}
