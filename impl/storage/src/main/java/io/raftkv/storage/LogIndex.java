package io.raftkv.storage;

import io.raftkv.core.Assert;
import io.raftkv.core.Entry;
import io.raftkv.storage.WalRecord.EntryRecord;
import io.raftkv.storage.WalRecord.SnapshotMarker;
import io.raftkv.storage.WalRecord.Truncation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-memory index of the log: which entries exist, their terms, and where each one's record
 * is. Entries themselves stay on disk. Both the writer and recovery change it only through
 * {@link #apply}, so a replay of the records rebuilds exactly the index the writer had.
 *
 * <p>Invariants: {@code snapshotIndex <= baseIndex <= lastIndex}; the entries
 * {@code baseIndex+1 .. lastIndex} are live, each in exactly one segment, segments' live ranges
 * ascending with the segment sequence; outside recovery {@code baseIndex == snapshotIndex}.
 * During recovery {@code baseIndex} may exceed {@code snapshotIndex} while the replay is still in
 * segments whose earlier neighbours a snapshot made obsolete (and deleted): entries are then known
 * from baseIndex + 1 on, and a later snapshot marker must cover baseIndex by the end.
 */
final class LogIndex {
    private final List<Segment> segments = new ArrayList<>();
    /** The segments with live entries, by their first live index. */
    private final TreeMap<Long, Segment> liveSegments = new TreeMap<>();
    private final TermRuns runs = new TermRuns();
    private long snapshotIndex;
    private long snapshotTerm;
    private long baseIndex;
    private long lastIndex;

    long snapshotIndex() {
        return snapshotIndex;
    }

    long snapshotTerm() {
        return snapshotTerm;
    }

    long lastIndex() {
        return lastIndex;
    }

    long term(long index) {
        if (index == snapshotIndex && baseIndex == snapshotIndex) {
            return snapshotTerm;
        }
        Assert.check(index > baseIndex && index <= lastIndex, "term of %d: outside [%d, %d]", index, snapshotIndex,
                lastIndex);
        return runs.termOf(index);
    }

    /** The segment holding the live entry {@code index}. */
    Segment segmentOf(long index) {
        Assert.check(index > baseIndex && index <= lastIndex, "entry %d is not in the log", index);
        Map.Entry<Long, Segment> floor = liveSegments.floorEntry(index);
        Assert.check(floor != null && floor.getValue().liveLast() >= index, "no segment holds entry %d", index);
        return floor.getValue();
    }

    List<Segment> segments() {
        return segments;
    }

    void addSegment(Segment segment) {
        Assert.check(segments.isEmpty() || segments.get(segments.size() - 1).name.sequence()
                + 1 == segment.name.sequence(), "segment %s does not follow the last one", segment.name);
        segments.add(segment);
    }

    /** Forgets the oldest segment, which must hold no live entry and not be the only one. */
    Segment removeFirstSegment() {
        Assert.check(segments.size() > 1 && segments.get(0).liveCount() == 0, "cannot remove the first segment");
        return segments.remove(0);
    }

    /** Forgets the newest segment, which must hold no live entry (recovery drops an empty torn one). */
    Segment removeLastSegment() {
        Segment last = segments.get(segments.size() - 1);
        Assert.check(last.liveCount() == 0, "cannot remove segment %s: it holds live entries", last.name);
        return segments.remove(segments.size() - 1);
    }

    /**
     * Applies one record found (or written) at {@code offset} of {@code segment}.
     *
     * @return null, or why the record cannot follow the ones before it (a corrupt log)
     */
    String apply(WalRecord record, Segment segment, long offset) {
        return switch (record) {
            case EntryRecord entryRecord -> appendEntry(entryRecord.entry(), segment, offset);
            case Truncation truncation -> truncateFrom(truncation.fromIndex());
            case SnapshotMarker marker -> compactThrough(marker.index(), marker.term(), marker.voidsLaterEntries());
            default -> null;
        };
    }

    /** Null when the log is complete: its entries start right after the snapshot. */
    String checkComplete() {
        return baseIndex == snapshotIndex ? null : "entries " + (snapshotIndex + 1) + " to " + baseIndex
                + " are missing: no segment holds them and the snapshot marker covers only up to " + snapshotIndex;
    }

    private String appendEntry(Entry entry, Segment segment, long offset) {
        if (entry.index() != lastIndex + 1) {
            if (lastIndex != baseIndex || entry.index() <= lastIndex) {
                return "entry " + entry.index() + " does not follow the last entry " + lastIndex;
            }
            restartAt(entry.index() - 1); // the segments before were removed after a snapshot
        }
        if (entry.term() < termBefore(entry.index())) {
            return "entry " + entry.index() + " has term " + entry.term() + " below the previous entry's";
        }
        segment.addEntry(entry.index(), offset);
        if (segment.liveCount() == 1) {
            liveSegments.put(entry.index(), segment);
        }
        runs.append(entry.index(), entry.term());
        lastIndex = entry.index();
        return null;
    }

    /** The term of the entry before {@code index} where known, else 0. */
    private long termBefore(long index) {
        if (index - 1 > baseIndex) {
            return runs.termOf(index - 1);
        }
        return index - 1 == snapshotIndex ? snapshotTerm : 0;
    }

    private String truncateFrom(long index) {
        boolean noEntries = lastIndex == baseIndex;
        if (index <= snapshotIndex || (index > lastIndex + 1 && !noEntries)) {
            return "truncation from " + index + " outside (" + snapshotIndex + ", " + (lastIndex + 1) + "]";
        }
        if (index <= baseIndex || noEntries) {
            // Recovery may start in a segment whose earlier neighbours were removed after a snapshot:
            // the entries this truncation voids are gone with them, and the log continues at index.
            restartAt(index - 1);
            return null;
        }
        for (Segment segment : new ArrayList<>(liveSegments.tailMap(segmentKeyAtOrBelow(index), true).values())) {
            liveSegments.remove(segment.liveFirst());
            segment.cutFrom(index);
            if (segment.liveCount() > 0) {
                liveSegments.put(segment.liveFirst(), segment);
            }
        }
        runs.cutFrom(index);
        lastIndex = index - 1;
        return null;
    }

    private String compactThrough(long index, long term, boolean voidsLaterEntries) {
        if (index < snapshotIndex || (index == snapshotIndex && term != snapshotTerm)) {
            return "snapshot marker (" + index + ", " + term + ") behind the snapshot (" + snapshotIndex + ", "
                    + snapshotTerm + ")";
        }
        if (!voidsLaterEntries && index > baseIndex && index <= lastIndex && runs.termOf(index) != term) {
            return "snapshot marker (" + index + ", " + term + ") does not match the entry's term "
                    + runs.termOf(index);
        }
        snapshotIndex = index;
        snapshotTerm = term;
        if (voidsLaterEntries || index >= lastIndex) {
            restartAt(index);
        } else if (index >= baseIndex) {
            for (Segment segment : new ArrayList<>(liveSegments.headMap(index, true).values())) {
                liveSegments.remove(segment.liveFirst());
                segment.dropThrough(index);
                if (segment.liveCount() > 0) {
                    liveSegments.put(segment.liveFirst(), segment);
                }
            }
            runs.dropThrough(index);
            baseIndex = index;
        }
        return null;
    }

    private long segmentKeyAtOrBelow(long index) {
        Long key = liveSegments.floorKey(index);
        return key == null ? index : key;
    }

    /** Forgets every entry: the log continues at {@code index + 1}. */
    private void restartAt(long index) {
        for (Segment segment : liveSegments.values()) {
            segment.clearLive();
        }
        liveSegments.clear();
        runs.clear();
        baseIndex = index;
        lastIndex = index;
    }

    /** How many of the oldest segments hold no live entry, not counting the newest segment. */
    int obsoleteSegmentCount() {
        int count = 0;
        while (count < segments.size() - 1 && segments.get(count).liveCount() == 0) {
            count++;
        }
        return count;
    }
}
