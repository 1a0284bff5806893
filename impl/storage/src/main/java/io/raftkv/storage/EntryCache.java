package io.raftkv.storage;

import io.raftkv.core.Entry;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded entries by index, least recently used evicted first, at most {@code bytesMax} of
 * {@link Entry#sizeBytes()} in total. Entries just appended go in too: the leader reads them back at
 * once to replicate them.
 */
final class EntryCache {
    private final long bytesMax;
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;
    /** No cached index is above this (an upper bound, so most truncations cost nothing). */
    private long highestIndex;

    EntryCache(long bytesMax) {
        this.bytesMax = bytesMax;
    }

    Entry get(long index) {
        return entries.get(index);
    }

    void put(Entry entry) {
        if (entry.sizeBytes() > bytesMax) {
            return;
        }
        Entry previous = entries.put(entry.index(), entry);
        bytes += entry.sizeBytes() - (previous == null ? 0 : previous.sizeBytes());
        highestIndex = Math.max(highestIndex, entry.index());
        Iterator<Entry> eldest = entries.values().iterator();
        while (bytes > bytesMax) {
            bytes -= eldest.next().sizeBytes();
            eldest.remove();
        }
    }

    /** Forgets entries from {@code index} on (they were truncated). */
    void removeFrom(long index) {
        if (index <= highestIndex) {
            removeIf(index, Long.MAX_VALUE);
            highestIndex = index - 1;
        }
    }

    /** Forgets entries up to {@code index} (a snapshot holds them). */
    void removeThrough(long index) {
        removeIf(Long.MIN_VALUE, index);
    }

    private void removeIf(long low, long high) {
        Iterator<Map.Entry<Long, Entry>> iterator = entries.entrySet().iterator();
        while (iterator.hasNext()) {
            Map.Entry<Long, Entry> cached = iterator.next();
            if (cached.getKey() >= low && cached.getKey() <= high) {
                bytes -= cached.getValue().sizeBytes();
                iterator.remove();
            }
        }
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return entries.size();
    }
}
