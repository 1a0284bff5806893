package io.raftkv.core;

/**
 * The AppendEntries a leader has sent to one follower and not yet seen acknowledged, each
 * remembered by the last index it carries (etcd's tracker.Inflights). Bounding their number bounds
 * how far a pipelining leader runs ahead of a slow or unreachable follower (thesis §10.2.2).
 *
 * <p>A ring buffer of capacity {@code capacity}; indexes are added in increasing order, so freeing
 * "everything up to i" pops from the front.
 */
final class Inflights {
    private final long[] lastIndexes;
    private int start;
    private int count;

    Inflights(int capacity) {
        Assert.check(capacity >= 1, "inflight capacity must be >= 1, got %d", capacity);
        this.lastIndexes = new long[capacity];
    }

    int count() {
        return count;
    }

    boolean full() {
        return count == lastIndexes.length;
    }

    /** Records a message whose entries end at {@code lastIndex}; it must exceed every recorded one. */
    void add(long lastIndex) {
        Assert.check(!full(), "inflights full (%d)", count);
        Assert.check(count == 0 || lastIndex > newest(), "inflight %d not after %d", lastIndex,
                count == 0 ? 0 : newest());
        lastIndexes[(start + count) % lastIndexes.length] = lastIndex;
        count++;
    }

    /** Forgets every message whose last index is <= {@code index}: the follower has them. */
    void freeUpTo(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            start = (start + 1) % lastIndexes.length;
            count--;
        }
    }

    void reset() {
        start = 0;
        count = 0;
    }

    private long newest() {
        return lastIndexes[(start + count - 1) % lastIndexes.length];
    }
}
