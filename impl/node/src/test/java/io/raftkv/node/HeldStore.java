package io.raftkv.node;

import io.raftkv.core.Snapshot;
import io.raftkv.core.HardState;
import io.raftkv.core.LogStorage;
import java.util.ArrayList;
import java.util.List;

/**
 * A LogStore that holds every async write until the test completes it, so a test decides exactly
 * when each batch becomes durable. Sync writes complete at once (with every held batch before
 * them, as the contract demands). Every write is recorded in the cluster's shared journal, so tests
 * can check what happened before what.
 */
final class HeldStore implements LogStore {
    private final int id;
    private final List<String> journal;
    private final ListLogStorage disk = new ListLogStorage();
    private HardState hardState = HardState.EMPTY;
    private final List<WriteBatch> held = new ArrayList<>();
    private final List<Snapshot> savedSnapshots = new ArrayList<>();
    private long lastSequence;
    /** If set, the next store call throws this (then the field is cleared). */
    StorageException failNext;
    /** If set, the next submit throws this unchecked exception (a store's IO failure). */
    RuntimeException failNextSubmit;

    HeldStore(int id, List<String> journal) {
        this.id = id;
        this.journal = journal;
    }

    /**
     * The same "disk" after a crash: what was made durable survives, held writes are lost, and the
     * next loop numbers its batches from 1 again.
     */
    HeldStore reopened() {
        HeldStore copy = new HeldStore(id, journal);
        if (disk.snapshot() != null) {
            copy.disk.startAfter(disk.snapshot(), true);
        }
        copy.disk.write(disk.all());
        copy.hardState = hardState;
        return copy;
    }

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public LogStorage log() {
        return disk;
    }

    @Override
    public void submit(WriteBatch batch) {
        if (failNextSubmit != null) {
            RuntimeException failure = failNextSubmit;
            failNextSubmit = null;
            throw failure;
        }
        accept(batch);
        journal.add("node " + id + " submit " + describe(batch));
        held.add(batch);
    }

    @Override
    public void writeSync(WriteBatch batch) throws StorageException {
        if (failNext != null) {
            StorageException failure = failNext;
            failNext = null;
            throw failure;
        }
        accept(batch);
        journal.add("node " + id + " writeSync " + describe(batch));
        held.add(batch);
        makeDurable(batch.sequence());
    }

    @Override
    public void saveSnapshot(Snapshot snapshot) {
        journal.add("node " + id + " saveSnapshot " + snapshot.index() + "@" + snapshot.term());
        savedSnapshots.add(snapshot);
    }

    @Override
    public void compact(long index, long term) {
        journal.add("node " + id + " compact " + index + "@" + term);
        Snapshot saved = savedSnapshots.get(savedSnapshots.size() - 1);
        if (saved.index() != index || saved.term() != term) {
            throw new IllegalStateException("compaction to " + index + "@" + term + " but the last snapshot saved is "
                    + saved);
        }
        disk.startAfter(saved, false);
    }

    @Override
    public Snapshot recoveredSnapshot() {
        return disk.snapshot();
    }

    List<Snapshot> savedSnapshots() {
        return List.copyOf(savedSnapshots);
    }

    /** Writes the held batches up to {@code sequence} to the "disk"; returns how many. */
    int makeDurable(long sequence) {
        int count = 0;
        long through = 0;
        while (!held.isEmpty() && held.get(0).sequence() <= sequence) {
            WriteBatch batch = held.remove(0);
            through = batch.sequence();
            if (batch.snapshot() != null) {
                disk.startAfter(batch.snapshot(), !batch.snapshotKeepsLog());
            }
            disk.write(batch.entries());
            if (batch.hardState() != null) {
                hardState = batch.hardState();
            }
            count++;
        }
        if (count > 0) {
            journal.add("node " + id + " durable through " + through);
        }
        return count;
    }

    /** Sequence of the last batch handed in, 0 if none. */
    long lastSequence() {
        return lastSequence;
    }

    List<WriteBatch> held() {
        return List.copyOf(held);
    }

    ListLogStorage disk() {
        return disk;
    }

    private void accept(WriteBatch batch) {
        if (batch.sequence() != lastSequence + 1) {
            throw new IllegalStateException("node " + id + ": batch " + batch.sequence() + " after " + lastSequence);
        }
        lastSequence = batch.sequence();
    }

    private static String describe(WriteBatch batch) {
        return batch.sequence() + " " + batch.hardState() + " " + batch.entries()
                + (batch.snapshot() == null ? "" : " snapshot " + batch.snapshot().index() + "@"
                        + batch.snapshot().term() + (batch.snapshotKeepsLog() ? " keeping the log" : " alone"));
    }
}
