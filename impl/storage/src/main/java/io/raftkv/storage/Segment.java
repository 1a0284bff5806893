package io.raftkv.storage;

import io.raftkv.core.Assert;
import io.raftkv.storage.fs.FileHandle;
import java.util.Arrays;

/**
 * One open segment file and the in-memory index of its live entries: the entries
 * {@code liveFirst .. liveFirst + liveCount() - 1} start at the byte offsets
 * {@code offsets[start .. end)}. Live entries of one segment are always contiguous (a truncation
 * only cuts a suffix, a snapshot only a prefix, and appends go to the newest segment), so four
 * bytes per entry locate it.
 */
final class Segment {
    final SegmentName name;
    final FileHandle handle;
    /** Bytes written so far: the offset of the next record. */
    long size;
    /** End of the records written when the segment was created (header, snapshot, hard state). */
    long preambleEnd;

    private long liveFirst;
    private int[] offsets = new int[16];
    private int start;
    private int end;

    Segment(SegmentName name, FileHandle handle) {
        this.name = name;
        this.handle = handle;
    }

    String fileName() {
        return name.fileName();
    }

    int liveCount() {
        return end - start;
    }

    long liveFirst() {
        Assert.check(liveCount() > 0, "segment %s has no live entries", name);
        return liveFirst;
    }

    long liveLast() {
        return liveFirst() + liveCount() - 1;
    }

    int offsetOf(long index) {
        Assert.check(liveCount() > 0 && index >= liveFirst && index < liveFirst + liveCount(),
                "index %d is not live in segment %s", index, name);
        return offsets[start + (int) (index - liveFirst)];
    }

    /** Records the entry {@code index} at {@code offset}; it follows the live entries, if any. */
    void addEntry(long index, long offset) {
        Assert.check(offset >= 0 && offset < Integer.MAX_VALUE, "segment offset %d out of range", offset);
        if (liveCount() == 0) {
            liveFirst = index;
            start = 0;
            end = 0;
        }
        Assert.check(index == liveFirst + liveCount(), "entry %d does not follow %s's live entries", index, name);
        if (end == offsets.length) {
            // The live offsets move to the front (a compaction may have dropped a prefix), into an
            // array twice as large unless that prefix freed half of it.
            int live = end - start;
            int capacity = start > offsets.length / 2 ? offsets.length : offsets.length * 2;
            offsets = Arrays.copyOfRange(offsets, start, start + capacity);
            start = 0;
            end = live;
        }
        offsets[end++] = (int) offset;
    }

    /** Keeps only live entries below {@code index}. */
    void cutFrom(long index) {
        if (liveCount() > 0 && index <= liveLast()) {
            end = start + (int) Math.max(0, index - liveFirst);
        }
    }

    /** Forgets every live entry. */
    void clearLive() {
        start = 0;
        end = 0;
    }

    /** Keeps only live entries above {@code index}. */
    void dropThrough(long index) {
        if (liveCount() > 0 && index >= liveFirst) {
            int dropped = (int) Math.min(liveCount(), index - liveFirst + 1);
            start += dropped;
            liveFirst += dropped;
        }
    }
}
