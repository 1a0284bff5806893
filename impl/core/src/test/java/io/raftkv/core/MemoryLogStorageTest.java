package io.raftkv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link MemoryLogStorage} is the disk of the scenario harness and of the tests, and a created
 * node's own store of durable entries, so its contract is the one every {@link LogStorage} has: a
 * write replaces everything from its first index on, reads respect the snapshot and the byte budget
 * (at least one entry), and malformed writes are refused rather than stored.
 */
class MemoryLogStorageTest {

    private static Entry entry(long index, long term, int bytes) {
        return Entry.command(index, term, new byte[bytes]);
    }

    @Test
    void aWriteReplacesEverythingFromItsFirstIndexOn() {
        MemoryLogStorage storage = new MemoryLogStorage();
        storage.write(List.of(entry(1, 1, 0), entry(2, 1, 0), entry(3, 1, 0)));
        storage.write(List.of(entry(2, 2, 0)));
        assertEquals(2, storage.lastIndex(), "the tail after the rewritten index is gone");
        assertEquals(List.of(1L, 2L), storage.entries().stream().map(Entry::term).toList());
        storage.write(List.of(entry(3, 2, 0), entry(4, 3, 0)));
        assertEquals(4, storage.lastIndex());
        storage.write(List.of());
        assertEquals(4, storage.lastIndex(), "an empty write changes nothing");
    }

    @Test
    void theSnapshotBoundsWhatCanBeReadAndWritten() {
        MemoryLogStorage storage = new MemoryLogStorage(5, 2);
        assertEquals(5, storage.snapshotIndex());
        assertEquals(5, storage.lastIndex(), "no entry after the snapshot yet");
        assertEquals(2, storage.term(5), "the snapshot's term");
        assertThrows(IllegalArgumentException.class, () -> storage.write(List.of(entry(5, 2, 0))),
                "entries inside the snapshot cannot be written");
        assertThrows(IllegalArgumentException.class, () -> storage.write(List.of(entry(6, 1, 0))),
                "a term below the snapshot's");
        storage.write(List.of(entry(6, 2, 0)));
        assertThrows(IllegalArgumentException.class, () -> storage.term(4), "compacted");
        assertThrows(IllegalArgumentException.class, () -> storage.entries(5, 6, Long.MAX_VALUE), "compacted");
        assertThrows(IllegalArgumentException.class, () -> new MemoryLogStorage(3, 0), "index without term");
    }

    @Test
    void malformedWritesAreRefused() {
        MemoryLogStorage storage = new MemoryLogStorage();
        storage.write(List.of(entry(1, 2, 0)));
        assertThrows(IllegalArgumentException.class, () -> storage.write(List.of(entry(3, 2, 0))), "a gap");
        assertThrows(IllegalArgumentException.class, () -> storage.write(List.of(entry(2, 2, 0), entry(4, 2, 0))),
                "not contiguous");
        assertThrows(IllegalArgumentException.class, () -> storage.write(List.of(entry(2, 1, 0))),
                "a decreasing term");
        assertEquals(1, storage.lastIndex(), "a refused write stores nothing");
    }

    @Test
    void readsStopAtTheByteBudgetButReturnAtLeastOneEntry() {
        MemoryLogStorage storage = new MemoryLogStorage();
        storage.write(List.of(entry(1, 1, 10), entry(2, 1, 10), entry(3, 1, 10)));
        long one = entry(1, 1, 10).sizeBytes();
        assertEquals(3, storage.entries(1, 3, Long.MAX_VALUE).size());
        assertEquals(2, storage.entries(1, 3, 2 * one).size());
        assertEquals(2, storage.entries(1, 3, 3 * one - 1).size());
        assertEquals(1, storage.entries(2, 3, 1).size(), "a budget below one entry still yields one");
        assertThrows(IllegalArgumentException.class, () -> storage.entries(2, 4, Long.MAX_VALUE), "beyond the end");
        assertThrows(IllegalArgumentException.class, () -> storage.entries(3, 2, Long.MAX_VALUE), "an empty range");
    }

    @Test
    void aDurableStateBecomesTheSameLog() {
        DurableState durable = new DurableState(new HardState(3, 1, 7), 6, 2, List.of(entry(7, 2, 1), entry(8, 3, 1)));
        MemoryLogStorage storage = MemoryLogStorage.of(durable);
        assertEquals(6, storage.snapshotIndex());
        assertEquals(8, storage.lastIndex());
        assertEquals(durable.entries(), storage.entries());
    }
}
