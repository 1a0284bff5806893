package io.raftkv.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The log of one node, addressed from a snapshot: it holds entries {@code snapshotIndex+1 ..
 * lastIndex}; those up to snapshotIndex are committed and live in a snapshot (thesis §5.1). Split
 * like etcd's raftLog: the <em>stable</em> part, up to the durable index, is read through
 * {@link LogStorage} and not held here; the <em>unstable</em> part after it is held in memory until a
 * write of it is reported durable.
 *
 * <p>Three marks, durableIndex <= submittedIndex <= lastIndex: entries up to durableIndex are known
 * to be on disk; entries up to submittedIndex have been handed out in a Ready and are still in the
 * log as handed out (being written); the rest wait for the next Ready. A conflict that cuts the log
 * at c lowers both marks to at most c - 1, since what was written there is no longer the log.
 * writtenIndex (>= submittedIndex) is the highest index ever handed out: a batch that starts at or
 * below it writes an index a write has reached before, and is sync. That keeps the disk a prefix
 * of the log, and it makes reports unambiguous: every index in (durableIndex, submittedIndex] has
 * been handed out exactly once (since the restart), in an async batch, so a report naming it can
 * only be about that batch's write. Otherwise a late report of an older write of the same entry
 * (paper Figure 8: (2, 2) is overwritten, then comes back) would vouch for a write that a later
 * overwrite undid.
 *
 * <p>Invariants: entries are contiguous from snapshotIndex + 1 and their terms never decrease;
 * snapshotIndex <= durableIndex <= submittedIndex <= lastIndex; submittedIndex <= writtenIndex; the
 * storage holds at least the entries up to durableIndex.
 */
final class RaftLog {
    /** Returned by {@link #termOrUnknown} for an index whose term this log cannot tell. */
    static final long UNKNOWN_TERM = -1;

    private final LogStorage storage;
    /**
     * For a node the core created itself ({@link RaftNode#create}) the core keeps its durable entries
     * in this storage and writes them when they become durable; null when the driver's storage
     * holds them (a node restarted over a {@link LogStorage}).
     */
    private final MemoryLogStorage ownStorage;
    private long snapshotIndex;
    private long snapshotTerm;
    /**
     * A snapshot from a leader was installed here and the driver has not yet written it (the Ready
     * that carries it is not advanced): the driver's storage still shows the log from before.
     */
    private boolean installPending;
    private long durableIndex;
    /** Term at durableIndex, kept so that lastTerm (in every event's post-state) needs no storage read. */
    private long durableTerm;
    private long submittedIndex;
    private long writtenIndex;
    /** Entries durableIndex+1 .. lastIndex, from position {@code head} on (so stabilizing is O(1)). */
    private final ArrayList<Entry> unstable = new ArrayList<>();
    private int head;
    /** The configuration at snapshotIndex (null: the initial one, no CONFIG entry up to there). */
    private Membership snapshotMembership;
    /** The CONFIG entries of the log after the snapshot, by index (thesis §4.1: in force from append). */
    private final TreeMap<Long, Membership> configs = new TreeMap<>();

    /** A log over {@code storage}: everything stored is durable (a restart, thesis §3.8). */
    RaftLog(LogStorage storage) {
        this(storage, null);
    }

    private RaftLog(LogStorage storage, MemoryLogStorage ownStorage) {
        this.storage = storage;
        this.ownStorage = ownStorage;
        this.snapshotIndex = storage.snapshotIndex();
        this.snapshotTerm = storage.snapshotTerm();
        this.durableIndex = storage.lastIndex();
        this.durableTerm = storage.term(durableIndex);
        this.submittedIndex = durableIndex;
        this.writtenIndex = durableIndex;
        Assert.check(snapshotIndex >= 0 && durableIndex >= snapshotIndex, "storage holds (%d, %d]", snapshotIndex,
                durableIndex);
        Snapshot stored = snapshotIndex == 0 ? null : storage.snapshot();
        this.snapshotMembership = stored != null && stored.index() == snapshotIndex ? stored.membership() : null;
        for (long from = snapshotIndex + 1; from <= durableIndex; ) {
            List<Entry> batch = storage.entries(from, durableIndex, 4L << 20);
            batch.forEach(this::noteConfig);
            from += batch.size();
        }
    }

    private void noteConfig(Entry entry) {
        if (entry.type() == EntryType.CONFIG) {
            configs.put(entry.index(), Membership.decode(entry.data()));
        }
    }

    /**
     * The configuration of the last CONFIG entry, committed or not, else the snapshot's; null when
     * neither has one (the initial configuration is in force).
     */
    Membership membership() {
        return configs.isEmpty() ? snapshotMembership : configs.lastEntry().getValue();
    }

    /** The configuration in force at {@code index} (>= snapshotIndex), null for the initial one. */
    Membership membershipAt(long index) {
        Assert.check(index >= snapshotIndex, "configuration at %d inside the snapshot at %d", index, snapshotIndex);
        Map.Entry<Long, Membership> at = configs.floorEntry(index);
        return at == null ? snapshotMembership : at.getValue();
    }

    /** Index of the last CONFIG entry after the snapshot, 0 if none (a snapshot's is committed). */
    long lastConfigIndex() {
        return configs.isEmpty() ? 0 : configs.lastKey();
    }

    /** An empty log whose durable entries the core keeps itself, in a {@link MemoryLogStorage}. */
    static RaftLog withOwnStorage() {
        return withOwnStorage(new MemoryLogStorage());
    }

    /** A log over {@code own}, which the core writes itself as entries become durable. */
    static RaftLog withOwnStorage(MemoryLogStorage own) {
        return new RaftLog(own, own);
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
        return durableIndex + unstable.size() - head;
    }

    long lastTerm() {
        return termOrUnknown(lastIndex());
    }

    /** Entries up to this index are known durable (spec durableLength). */
    long durableIndex() {
        return durableIndex;
    }

    /** Entries up to this index were handed out for writing and are still the log's. */
    long submittedIndex() {
        return submittedIndex;
    }

    /** The highest index ever handed out for writing (since the restart). */
    long writtenIndex() {
        return writtenIndex;
    }

    /**
     * Term at {@code index}: 0 at index 0 (the empty prefix), the snapshot term at snapshotIndex,
     * the entry's term in [firstIndex, lastIndex]; UNKNOWN_TERM for compacted or missing indexes.
     */
    long termOrUnknown(long index) {
        if (index > durableIndex) {
            return index > lastIndex() ? UNKNOWN_TERM : unstableAt(index).term();
        }
        if (index == durableIndex) {
            return durableTerm;
        }
        if (index == snapshotIndex) {
            return snapshotTerm;
        }
        if (index < snapshotIndex) {
            return index == 0 ? 0 : UNKNOWN_TERM;
        }
        return storage.term(index);
    }

    Entry entry(long index) {
        Assert.check(index >= firstIndex() && index <= lastIndex(), "entry %d outside [%d, %d]", index, firstIndex(),
                lastIndex());
        return index > durableIndex ? unstableAt(index) : storage.entries(index, index, Long.MAX_VALUE).get(0);
    }

    private Entry unstableAt(long index) {
        return unstable.get(head + Math.toIntExact(index - durableIndex - 1));
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

    /**
     * Spec TakeSnapshot: the log up to {@code snapshot.index()} is compacted; the driver has saved the
     * snapshot (for a log the core keeps itself, it is kept here). The index must be durable and
     * after the current snapshot; the caller checks that it is applied.
     */
    void compact(Snapshot snapshot) {
        long index = snapshot.index();
        Assert.check(index > snapshotIndex && index <= durableIndex && !installPending,
                "compaction to %d outside (%d, %d]", index, snapshotIndex, durableIndex);
        Assert.check(termOrUnknown(index) == snapshot.term(), "snapshot (%d, %d) but the log has term %d there",
                index, snapshot.term(), termOrUnknown(index));
        Assert.check(java.util.Objects.equals(membershipAt(index), snapshot.membership()),
                "snapshot at %d with configuration %s, but the log's there is %s", index, snapshot.membership(),
                membershipAt(index));
        if (ownStorage != null) {
            ownStorage.saveSnapshot(snapshot, false);
        }
        snapshotTerm = snapshot.term();
        snapshotIndex = index;
        snapshotMembership = snapshot.membership();
        configs.headMap(index, true).clear();
    }

    /**
     * Whether a leader's snapshot ending at {@code index} with {@code term} can keep the entries after
     * it: this log holds that entry, durable (thesis §5.1: retain the entries following it).
     */
    boolean keepsAfterSnapshot(long index, long term) {
        return index <= durableIndex && index >= snapshotIndex && termOrUnknown(index) == term;
    }

    /**
     * The log now starts after a leader's {@code snapshot}: with {@code keep} the entries after it
     * stay, else every entry goes and the snapshot is all the log holds, durable (the Ready carrying
     * it is sync). Until {@link #installWritten} the driver's storage still shows the old log.
     */
    void installSnapshot(Snapshot snapshot, boolean keep) {
        long index = snapshot.index();
        Assert.check(index > snapshotIndex, "install of a snapshot at %d, not after %d", index, snapshotIndex);
        Assert.check(!keep || keepsAfterSnapshot(index, snapshot.term()), "snapshot (%d, %d) cannot keep the log",
                index, snapshot.term());
        if (ownStorage != null) {
            ownStorage.saveSnapshot(snapshot, !keep);
        }
        configs.headMap(index, true).clear();
        snapshotMembership = snapshot.membership();
        if (!keep) {
            configs.clear();
            unstable.clear();
            head = 0;
            durableIndex = index;
            durableTerm = snapshot.term();
            submittedIndex = index;
            writtenIndex = Math.max(writtenIndex, index);
        }
        snapshotIndex = index;
        snapshotTerm = snapshot.term();
        installPending = ownStorage == null;
    }

    /** The driver wrote the installed snapshot: its storage shows the new log again. */
    void installWritten() {
        installPending = false;
    }

    /** The snapshot a leader sends: the driver's latest, at or after this log's snapshot index. */
    Snapshot snapshot() {
        Snapshot snapshot = storage.snapshot();
        Assert.check(snapshot != null && snapshot.index() >= snapshotIndex,
                "the storage's snapshot %s is behind the log's snapshot index %d", snapshot, snapshotIndex);
        return snapshot;
    }

    /** Appends one entry right after the last one (a leader's own entries). */
    void append(Entry entry) {
        Assert.check(entry.index() == lastIndex() + 1, "append of %s after last index %d", entry, lastIndex());
        Assert.check(entry.term() >= lastTerm(), "append of %s would decrease the term after %d", entry, lastTerm());
        unstable.add(entry);
        noteConfig(entry);
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

    /**
     * Removes entries index.. . What was written or handed out from there on is no longer the log,
     * so the durable and submitted marks fall to index - 1 if they were above it.
     */
    private void truncateFrom(long index) {
        Assert.check(index > snapshotIndex && index <= lastIndex(), "truncate at %d outside (%d, %d]", index,
                snapshotIndex, lastIndex());
        configs.tailMap(index, true).clear();
        if (index > durableIndex) {
            unstable.subList(head + Math.toIntExact(index - durableIndex - 1), unstable.size()).clear();
        } else {
            unstable.clear();
            head = 0;
            durableTerm = termOrUnknown(index - 1);
            durableIndex = index - 1;
        }
        submittedIndex = Math.min(submittedIndex, index - 1);
    }

    /**
     * Entries {@code from..to} (inclusive), stopping before the byte total would exceed
     * {@code maxBytes} but always returning at least one entry when the range is not empty. The
     * stable part comes from the storage, the rest from memory.
     */
    List<Entry> slice(long from, long to, long maxBytes) {
        Assert.check(from >= firstIndex() && to <= lastIndex(), "slice [%d, %d] outside [%d, %d]", from, to,
                firstIndex(), lastIndex());
        List<Entry> result = new ArrayList<>();
        long bytes = 0;
        if (from <= durableIndex) {
            long stableTo = Math.min(to, durableIndex);
            result.addAll(storage.entries(from, stableTo, maxBytes));
            if (result.size() < stableTo - from + 1) {
                return result; // the byte budget ran out in the stable part
            }
            for (Entry entry : result) {
                bytes += entry.sizeBytes();
            }
        }
        for (long index = Math.max(from, durableIndex + 1); index <= to; index++) {
            Entry entry = unstableAt(index);
            bytes += entry.sizeBytes();
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            result.add(entry);
        }
        return result;
    }

    /** Whether entries wait to be handed out for writing. */
    boolean hasUnsubmitted() {
        return submittedIndex < lastIndex();
    }

    /** The entries the next Ready hands out: submittedIndex+1 .. lastIndex. */
    List<Entry> unsubmittedEntries() {
        if (!hasUnsubmitted()) {
            return List.of();
        }
        int from = head + Math.toIntExact(submittedIndex - durableIndex);
        return List.copyOf(unstable.subList(from, unstable.size()));
    }

    /** Whether handing out the unsubmitted entries would write an index a write has reached before. */
    boolean unsubmittedOverwrite() {
        return hasUnsubmitted() && submittedIndex + 1 <= writtenIndex;
    }

    /** The unsubmitted entries were handed out. */
    void markSubmitted() {
        if (hasUnsubmitted()) {
            submittedIndex = lastIndex();
            writtenIndex = Math.max(writtenIndex, submittedIndex);
        }
    }

    /**
     * A write reported durable up to {@code index}, whose entry had {@code term}. It counts only if
     * index is in (durableIndex, submittedIndex] and the log still holds that entry: then the report
     * is from the one write that wrote index (see the class comment), every write before it is
     * complete too, and the disk holds exactly the log's entries up to index. Anything else is a
     * report about entries cut since, and is ignored: their replacements are written by a sync
     * Ready, whose advance records them.
     *
     * @return whether the durable index rose
     */
    boolean persistedTo(long index, long term) {
        if (index <= durableIndex || index > submittedIndex || termOrUnknown(index) != term) {
            return false;
        }
        stabilizeTo(index);
        return true;
    }

    /** Every entry handed out is durable (a sync Ready was written after all earlier writes). */
    boolean submittedDurable() {
        if (submittedIndex == durableIndex) {
            return false;
        }
        stabilizeTo(submittedIndex);
        return true;
    }

    private void stabilizeTo(long index) {
        int count = Math.toIntExact(index - durableIndex);
        if (ownStorage != null) {
            ownStorage.write(unstable.subList(head, head + count));
        }
        durableTerm = unstableAt(index).term();
        head += count;
        durableIndex = index;
        if (head > 64 && head * 2 > unstable.size()) {
            unstable.subList(0, head).clear();
            head = 0;
        }
        Assert.check(installPending || storage.lastIndex() >= durableIndex,
                "storage ends at %d below the durable index %d", storage.lastIndex(), durableIndex);
    }

    /** The first index of the run of entries holding the same term as {@code index}. */
    long firstIndexOfTermAt(long index) {
        long term = termOrUnknown(index);
        Assert.check(term > 0 && index >= firstIndex(), "no term at %d", index);
        long first = index;
        while (first - 1 >= firstIndex() && termOrUnknown(first - 1) == term) {
            first--;
        }
        return first;
    }

    /** The last index holding {@code term}, or 0 if this log (after the snapshot) holds none. */
    long lastIndexOfTerm(long term) {
        for (long index = lastIndex(); index >= firstIndex(); index--) {
            long found = termOrUnknown(index);
            if (found == term) {
                return index;
            }
            if (found < term) {
                return 0; // terms never decrease along the log
            }
        }
        return 0;
    }

    /** Checks the marks; runs with the node's invariants. */
    void checkInvariants() {
        Assert.check(snapshotIndex <= durableIndex && durableIndex <= submittedIndex && submittedIndex <= lastIndex(),
                "log marks out of order: snapshot %d, durable %d, submitted %d, last %d", snapshotIndex, durableIndex,
                submittedIndex, lastIndex());
        Assert.check(submittedIndex <= writtenIndex, "submitted %d beyond written %d", submittedIndex, writtenIndex);
        if (installPending) {
            return; // the driver's storage shows the log from before the install until it is written
        }
        Assert.check(storage.lastIndex() >= durableIndex, "storage ends at %d below the durable index %d",
                storage.lastIndex(), durableIndex);
        Assert.check(durableTerm == storage.term(durableIndex), "term %d kept at the durable index %d, storage has %d",
                durableTerm, durableIndex, storage.term(durableIndex));
    }
}
