package io.raftkv.node;

import io.raftkv.core.Snapshot;
import io.raftkv.core.Entry;
import io.raftkv.core.LogStorage;
import java.util.ArrayList;
import java.util.List;

/** A LogStorage over a list, for tests: the "disk" of {@link HeldStore}, written only when a write completes. */
final class ListLogStorage implements LogStorage {
    private final List<Entry> entries = new ArrayList<>();
    private long snapshotIndex;
    private long snapshotTerm;
    private Snapshot snapshot;

    /** The log starts after {@code saved}: entries it covers go, and with {@code discard} every other too. */
    void startAfter(Snapshot saved, boolean discard) {
        long drop = discard ? entries.size() : Math.min(entries.size(), saved.index() - snapshotIndex);
        entries.subList(0, (int) drop).clear();
        snapshotIndex = saved.index();
        snapshotTerm = saved.term();
        snapshot = saved;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Replaces every entry from the first given one's index on (the Ready contract's overwrite rule). */
    void write(List<Entry> batch) {
        if (batch.isEmpty()) {
            return;
        }
        long first = batch.get(0).index();
        if (first <= lastIndex() + 1 && first > snapshotIndex) {
            entries.subList((int) (first - snapshotIndex - 1), entries.size()).clear();
        }
        if (first != lastIndex() + 1) {
            throw new IllegalStateException("write from " + first + " leaves a gap after " + lastIndex());
        }
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
        return index == snapshotIndex ? snapshotTerm : entries.get((int) (index - snapshotIndex - 1)).term();
    }

    @Override
    public List<Entry> entries(long from, long to, long maxBytes) {
        List<Entry> result = new ArrayList<>();
        long bytes = 0;
        for (long index = from; index <= to; index++) {
            Entry entry = entries.get((int) (index - snapshotIndex - 1));
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
