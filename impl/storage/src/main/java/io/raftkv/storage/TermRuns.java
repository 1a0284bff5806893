package io.raftkv.storage;

import io.raftkv.core.Assert;
import java.util.Arrays;

/**
 * The terms of a contiguous range of entries as runs: run r covers indexes
 * {@code starts[r] .. starts[r+1]-1} (the last run up to the log's end), all with term
 * {@code terms[r]}. Terms never decrease along a log, and a term's entries are contiguous, so the
 * number of runs is the number of distinct terms: tiny next to the number of entries.
 */
final class TermRuns {
    private long[] starts = new long[8];
    private long[] terms = new long[8];
    private int count;

    /** The term of {@code index}, which must be covered by a run. */
    long termOf(long index) {
        int low = 0;
        int high = count - 1;
        Assert.check(count > 0 && index >= starts[0], "no term run covers index %d", index);
        while (low < high) {
            int middle = (low + high + 1) >>> 1;
            if (starts[middle] <= index) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        return terms[low];
    }

    void append(long index, long term) {
        if (count > 0 && terms[count - 1] == term) {
            return;
        }
        Assert.check(count == 0 || (starts[count - 1] < index && terms[count - 1] < term),
                "term run (%d, %d) does not follow the last run", index, term);
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            terms = Arrays.copyOf(terms, count * 2);
        }
        starts[count] = index;
        terms[count] = term;
        count++;
    }

    /** Forgets indexes from {@code index} on. */
    void cutFrom(long index) {
        while (count > 0 && starts[count - 1] >= index) {
            count--;
        }
    }

    /** Forgets indexes up to {@code index}: drops every run that ends at or before it. */
    void dropThrough(long index) {
        int firstKept = 0;
        while (firstKept + 1 < count && starts[firstKept + 1] <= index + 1) {
            firstKept++;
        }
        if (firstKept > 0) {
            System.arraycopy(starts, firstKept, starts, 0, count - firstKept);
            System.arraycopy(terms, firstKept, terms, 0, count - firstKept);
            count -= firstKept;
        }
    }

    void clear() {
        count = 0;
    }

    int runCount() {
        return count;
    }
}
