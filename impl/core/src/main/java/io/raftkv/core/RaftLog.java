package io.raftkv.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory log of one node, addressed from a snapshot: it holds entries
 * {@code snapshotIndex+1 .. lastIndex}; the entries up to snapshotIndex are committed and live in a
 * snapshot (thesis §5.1), of which only the last index and term are kept. The log is split like
 * etcd's raftLog: a stable part (known durable, up to {@link #persistedIndex()}) and an unstable
 * part that the next {@link Ready} hands out for persisting. A leader's new entries and a
 * follower's accepted entries go to the unstable part; {@link #persistedTo} moves them over once a
 * Ready is advanced; a conflict that cuts into the stable part lowers persistedIndex, and
 * the next Ready's entries then replace the stored ones from that index on.
 *
 * <p>Invariants: entries are contiguous from snapshotIndex + 1; their terms never decrease;
 * snapshotIndex <= persistedIndex <= lastIndex.
 */
final class RaftLog {
    /** Returned by {@link #termOrUnknown} for an index whose term this log cannot tell. */
    static final long UNKNOWN_TERM = -1;

    private final long snapshotIndex;
    private final long snapshotTerm;
    /** Entries snapshotIndex+1 .. persistedIndex: known durable. */
    private final ArrayList<Entry> stable = new ArrayList<>();
    /** Entries persistedIndex+1 .. lastIndex: handed out by the next Ready, not yet durable. */
    private final ArrayList<Entry> unstable = new ArrayList<>();

    /** A log holding {@code durableEntries} (contiguous after the snapshot), all already durable. */
    RaftLog(long snapshotIndex, long snapshotTerm, List<Entry> durableEntries) {
        this.snapshotIndex = snapshotIndex;
        this.snapshotTerm = snapshotTerm;
        for (Entry entry : durableEntries) {
            append(entry);
        }
        stable.addAll(unstable);
        unstable.clear();
    }

    long snapshotIndex() {
        return snapshotIndex;
    }

    long snapshotTerm() {
        return snapshotTerm;
    }

    long firstIndex() {
        return snapshotIndex + 1;
    }

    long lastIndex() {
        return persistedIndex() + unstable.size();
    }

    long lastTerm() {
        return lastIndex() == snapshotIndex ? snapshotTerm : entry(lastIndex()).term();
    }

    /** Entries up to this index are durable; the rest are waiting for the next Ready. */
    long persistedIndex() {
        return snapshotIndex + stable.size();
    }

    /**
     * Term at {@code index}: 0 at index 0 (the empty prefix), the snapshot term at snapshotIndex,
     * the entry's term in [firstIndex, lastIndex]; UNKNOWN_TERM for compacted or missing indexes.
     */
    long termOrUnknown(long index) {
        if (index == snapshotIndex) {
            return snapshotTerm;
        }
        if (index == 0) {
            return 0;
        }
        if (index < snapshotIndex || index > lastIndex()) {
            return UNKNOWN_TERM;
        }
        return entry(index).term();
    }

    Entry entry(long index) {
        Assert.check(index >= firstIndex() && index <= lastIndex(), "entry %d outside [%d, %d]", index, firstIndex(),
                lastIndex());
        return index <= persistedIndex()
                ? stable.get(Math.toIntExact(index - snapshotIndex - 1))
                : unstable.get(Math.toIntExact(index - persistedIndex() - 1));
    }

    /**
     * Whether this log agrees with a leader's log up to and including {@code index} whose term is
     * {@code term} (paper §5.3 consistency check). Compacted indexes agree: everything in a snapshot is
     * committed, and every leader holds every committed entry (Leader Completeness, paper §5.4).
     */
    boolean matches(long index, long term) {
        if (index < snapshotIndex) {
            return true;
        }
        return index <= lastIndex() && termOrUnknown(index) == term;
    }

    /** Appends one entry right after the last one (a leader's own entries, or a restart). */
    void append(Entry entry) {
        Assert.check(entry.index() == lastIndex() + 1, "append of %s after last index %d", entry, lastIndex());
        Assert.check(entry.term() >= lastTerm(), "append of %s would decrease the term after %d", entry, lastTerm());
        unstable.add(entry);
    }

    /**
     * Merges a leader's entries that follow a matching prefix: entries already present with the same
     * term are kept, the log is cut only at the first conflicting entry and the rest appended (paper
     * §5.3, Figure 2 receiver rule 3). A stale or duplicated request therefore never removes anything.
     *
     * @return the index of the first entry removed, or 0 if nothing was removed
     */
    long mergeFromLeader(List<Entry> incoming) {
        long truncatedAt = 0;
        for (Entry entry : incoming) {
            long index = entry.index();
            if (index <= snapshotIndex) {
                continue; // compacted, hence committed, hence equal to the leader's
            }
            if (index <= lastIndex()) {
                if (termOrUnknown(index) == entry.term()) {
                    continue;
                }
                truncatedAt = index;
                truncateFrom(index);
            }
            append(entry);
        }
        return truncatedAt;
    }

    /** Removes entries index.. ; a cut into the stable part lowers persistedIndex to index - 1. */
    private void truncateFrom(long index) {
        Assert.check(index > snapshotIndex && index <= lastIndex(), "truncate at %d outside (%d, %d]", index,
                snapshotIndex, lastIndex());
        if (index > persistedIndex()) {
            unstable.subList(Math.toIntExact(index - persistedIndex() - 1), unstable.size()).clear();
        } else {
            unstable.clear();
            stable.subList(Math.toIntExact(index - snapshotIndex - 1), stable.size()).clear();
        }
    }

    /**
     * Entries {@code from..to} (inclusive), stopping before the byte total would exceed
     * {@code maxBytes} but always returning at least one entry when the range is not empty.
     */
    List<Entry> slice(long from, long to, long maxBytes) {
        Assert.check(from >= firstIndex() && to <= lastIndex(), "slice [%d, %d] outside [%d, %d]", from, to,
                firstIndex(), lastIndex());
        List<Entry> result = new ArrayList<>();
        long bytes = 0;
        for (long index = from; index <= to; index++) {
            Entry entry = entry(index);
            bytes += entry.sizeBytes();
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            result.add(entry);
        }
        return result;
    }

    /** The entries not yet known durable. */
    List<Entry> unstableEntries() {
        return List.copyOf(unstable);
    }

    /**
     * Records that entries up to {@code index} (whose term was {@code term}) are durable. If the log
     * was cut and rewritten there since, the term differs and nothing is recorded: the new entries
     * will be in the next Ready.
     */
    void persistedTo(long index, long term) {
        if (index > persistedIndex() && index <= lastIndex() && termOrUnknown(index) == term) {
            List<Entry> nowStable = unstable.subList(0, Math.toIntExact(index - persistedIndex()));
            stable.addAll(nowStable);
            nowStable.clear();
        }
    }

    /** The first index of the run of entries holding the same term as {@code index}. */
    long firstIndexOfTermAt(long index) {
        long term = termOrUnknown(index);
        Assert.check(term > 0 && index >= firstIndex(), "no term at %d", index);
        long first = index;
        while (first - 1 >= firstIndex() && entry(first - 1).term() == term) {
            first--;
        }
        return first;
    }

    /** The last index holding {@code term}, or 0 if this log (after the snapshot) holds none. */
    long lastIndexOfTerm(long term) {
        for (long index = lastIndex(); index >= firstIndex(); index--) {
            long found = entry(index).term();
            if (found == term) {
                return index;
            }
            if (found < term) {
                return 0; // terms never decrease along the log
            }
        }
        return 0;
    }

    /** The durable entries (as of the last persisted Ready). */
    List<Entry> persistedEntries() {
        return List.copyOf(stable);
    }
}
