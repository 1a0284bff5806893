package io.raftkv.node;

import io.raftkv.core.Entry;
import io.raftkv.core.LogStorage;
import java.util.ArrayList;
import java.util.List;

/** A LogStorage over a list, for tests: the "disk" of {@link HeldStore}, written only when a write completes. */
final class ListLogStorage implements LogStorage {
    private final List<Entry> entries = new ArrayList<>();

    /** Replaces every entry from the first given one's index on (the Ready contract's overwrite rule). */
    void write(List<Entry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long first = batch.get(0).index();
        if (first <= lastIndex() + 1 && first >= 1) {
            entries.subList((int) (first - 1), entries.size()).clear();
        }
        if (first != lastIndex() + 1) {
            throw new IllegalStateException("write from " + first + " leaves a gap after " + lastIndex());
        }
        entries.addAll(batch);
    }

    @Override
    public long snapshotIndex() {
        return 0;
    }

    @Override
    public long snapshotTerm() {
        return 0;
    }

    @Override
    public long lastIndex() {
        return entries.size();
    }

    @Override
    public long term(long index) {
        return index == 0 ? 0 : entries.get((int) (index - 1)).term();
    }

    @Override
    public List<Entry> entries(long from, long to, long maxBytes) {
        List<Entry> result = new ArrayList<>();
        long bytes = 0;
        for (long index = from; index <= to; index++) {
            Entry entry = entries.get((int) (index - 1));
            bytes += entry.sizeBytes();
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            result.add(entry);
        }
        return result;
    }

    List<Entry> all() {
        return List.copyOf(entries);
    }
}
