package io.raftkv.storage;

import static io.raftkv.storage.WalTesting.entry;
import static io.raftkv.storage.WalTesting.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.core.Snapshot;
import io.raftkv.storage.fs.FileHandle;
import io.raftkv.storage.fs.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The write-ahead log and the snapshot files of one directory, reconciled at open: the usual
 * save-then-compact cycles come back as they were (older snapshot files and the segments below the
 * snapshot removed); a crash between a save and its compaction, at any point the simulated disk can
 * cut, is finished at open (the log keeps its entries after the snapshot when it holds the
 * snapshot's last entry, else a leader's snapshot replaces it); and what no crash explains (a log
 * compacted beyond every snapshot file, a damaged newest snapshot, a snapshot that contradicts a
 * committed entry) is refused naming the file and offset.
 */
class SnapshotRecoveryTest {
    private static final WalOptions SMALL = new WalOptions(512, 4096);

    private final MemoryFileSystem disk = new MemoryFileSystem();

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> result = new ArrayList<>();
        for (long index = from; index <= to; index++) {
            result.add(entry(index, term, "entry " + index + " of term " + term));
        }
        return result;
    }

    private static Snapshot snapshot(long index, long term) {
        return new Snapshot(index, term, ("state through " + index).getBytes(StandardCharsets.UTF_8));
    }

    /** Opens the directory as a node does: the log, the snapshot files, reconciled. */
    private static Reopened open(MemoryFileSystem fileSystem) throws IOException {
        WriteAheadLog log = WriteAheadLog.open(fileSystem, SMALL);
        Optional<Snapshot> snapshot = SnapshotRecovery.reconcile(log, SnapshotStore.open(fileSystem));
        return new Reopened(log, snapshot);
    }

    private record Reopened(WriteAheadLog log, Optional<Snapshot> snapshot) {}

    @Test
    void anUncompactedLogHasNoSnapshot() throws IOException {
        Reopened fresh = open(disk);
        assertEquals(Optional.empty(), fresh.snapshot());
        fresh.log().append(new HardState(1, 1, 5), entries(1, 10, 1));
        fresh.log().sync();
        fresh.log().close();
        Reopened again = open(disk);
        assertEquals(Optional.empty(), again.snapshot());
        assertEquals(entries(1, 10, 1), readAll(again.log()));
        again.log().close();
    }

    @Test
    void saveCompactRestartCyclesKeepTheNewestSnapshotAndTheLogAfterIt() throws IOException {
        Reopened opened = open(disk);
        long last = 0;
        for (int cycle = 1; cycle <= 4; cycle++) {
            WriteAheadLog log = opened.log();
            log.append(new HardState(cycle, 1, last + 50), entries(last + 1, last + 60, cycle));
            log.sync();
            int segmentsBefore = log.segmentFiles().size();
            SnapshotStore snapshots = SnapshotStore.open(disk);
            snapshots.save(snapshot(last + 50, cycle));
            log.compact(last + 50, cycle);
            snapshots.removeBelow(last + 50);
            assertTrue(log.segmentFiles().size() < segmentsBefore, "cycle " + cycle + ": segments below the"
                    + " snapshot are removed, left " + log.segmentFiles());
            last += 60;
            log.close();
            opened = open(disk);
            assertEquals(Optional.of(snapshot(last - 10, cycle)), opened.snapshot(), "cycle " + cycle);
            assertEquals(last - 10, opened.log().snapshotIndex());
            assertEquals(entries(last - 9, last, cycle), readAll(opened.log()));
            assertEquals(List.of(SnapshotStore.fileName(last - 10, cycle)), snapshotFiles(disk));
        }
        opened.log().close();
    }

    @Test
    void aCrashBetweenSaveAndCompactionIsFinishedAtOpen() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(2, 1, 30), entries(1, 40, 2));
        log.sync();
        SnapshotStore snapshots = SnapshotStore.open(disk);
        snapshots.save(snapshot(10, 2));
        log.compact(10, 2);
        snapshots.save(snapshot(30, 2)); // the crash comes before compact(30, 2)
        log.close();
        for (int seed = 0; seed < 60; seed++) {
            MemoryFileSystem copy = disk.copy();
            copy.crash(new SplittableRandom(seed));
            Reopened reopened = open(copy);
            assertEquals(Optional.of(snapshot(30, 2)), reopened.snapshot(), "seed " + seed);
            assertEquals(30, reopened.log().snapshotIndex(), "seed " + seed + ": the log is compacted to it");
            assertEquals(entries(31, 40, 2), readAll(reopened.log()), "seed " + seed + ": entries after it stay");
            assertEquals(List.of(SnapshotStore.fileName(30, 2)), snapshotFiles(copy), "seed " + seed);
            reopened.log().close();
            Reopened twice = open(copy);
            assertEquals(30, twice.log().snapshotIndex(), "seed " + seed + ": the compaction was durable");
            twice.log().close();
        }
    }

    @Test
    void aLeadersSnapshotSavedBeforeACrashReplacesTheLogAtOpen() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(2, 1, 5), entries(1, 20, 2)); // 6..20 of term 2 were never committed
        log.append(new HardState(4, 0, 5), List.of()); // the leader's term, stored before its snapshot
        log.sync();
        SnapshotStore.open(disk).save(snapshot(15, 3)); // a leader's: entry 15 has term 3 there
        log.close();
        Reopened reopened = open(disk);
        assertEquals(Optional.of(snapshot(15, 3)), reopened.snapshot());
        assertEquals(15, reopened.log().lastIndex(), "the conflicting entries are gone");
        assertEquals(3, reopened.log().term(15));
        assertEquals(List.of(), readAll(reopened.log()));
        assertEquals(15, reopened.log().hardState().commitIndex(), "a snapshot holds committed entries only");
        reopened.log().close();
    }

    @Test
    void compactionThatDiscardsTheLogDropsEvenMatchingEntries() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(2, 1, 5), entries(1, 20, 2));
        log.compact(12, 2, true);
        assertEquals(12, log.lastIndex());
        assertEquals(List.of(), readAll(log));
        log.append(null, entries(13, 14, 3));
        log.sync();
        log.close();
        Reopened reopened = open(withSnapshot(disk, snapshot(12, 2)));
        assertEquals(entries(13, 14, 3), readAll(reopened.log()));
        reopened.log().close();
    }

    @Test
    void aLogCompactedBeyondEverySnapshotFileIsRefused() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(1, 1, 20), entries(1, 30, 1));
        SnapshotStore snapshots = SnapshotStore.open(disk);
        snapshots.save(snapshot(10, 1));
        log.compact(20, 1); // wrongly, without saving snapshot 20 first
        log.sync();
        log.close();
        CorruptStorageException refused = assertThrows(CorruptStorageException.class, () -> open(disk));
        assertEquals(SnapshotStore.fileName(20, 1), refused.file());
        assertTrue(refused.getMessage().contains("missing") && refused.getMessage().contains(
                SnapshotStore.fileName(10, 1)), refused.getMessage());

        disk.delete(SnapshotStore.fileName(10, 1));
        CorruptStorageException none = assertThrows(CorruptStorageException.class, () -> open(disk));
        assertTrue(none.getMessage().contains("there is no snapshot file"), none.getMessage());
    }

    @Test
    void aDamagedNewestSnapshotIsRefusedNamingFileAndOffset() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(1, 1, 20), entries(1, 30, 1));
        SnapshotStore.open(disk).save(snapshot(20, 1));
        log.compact(20, 1);
        log.close();
        String name = SnapshotStore.fileName(20, 1);
        try (FileHandle handle = disk.open(name, false)) {
            handle.write(40, ByteBuffer.wrap(new byte[] {0x55}));
        }
        CorruptStorageException refused = assertThrows(CorruptStorageException.class, () -> open(disk));
        assertEquals(name, refused.file());
        assertTrue(refused.getMessage().startsWith(name + " is corrupt at offset " + refused.offset()),
                refused.getMessage());
    }

    @Test
    void aSnapshotThatContradictsACommittedEntryIsRefused() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(3, 1, 20), entries(1, 30, 2));
        log.sync();
        log.close();
        SnapshotStore.open(disk).save(snapshot(15, 3));
        CorruptStorageException refused = assertThrows(CorruptStorageException.class, () -> open(disk));
        assertEquals(SnapshotStore.fileName(15, 3), refused.file());
        assertTrue(refused.getMessage().contains("committed entry 15 with term 2"), refused.getMessage());
    }

    @Test
    void aMarkerAndASnapshotOfTheSameIndexMustAgreeOnTheTerm() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(2, 1, 20), entries(1, 30, 2));
        log.compact(20, 2);
        log.close();
        SnapshotStore.open(disk).save(snapshot(20, 1));
        CorruptStorageException refused = assertThrows(CorruptStorageException.class, () -> open(disk));
        assertTrue(refused.getMessage().contains("marker says index 20 has term 2"), refused.getMessage());
    }

    @Test
    void aSnapshotOfATermBeyondTheStoredOneIsRefused() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(2, 1, 5), entries(1, 20, 2));
        log.sync();
        log.close();
        SnapshotStore.open(disk).save(snapshot(15, 3)); // a leader's, saved before its term 3 was stored
        CorruptStorageException refused = assertThrows(CorruptStorageException.class, () -> open(disk));
        assertEquals(SnapshotStore.fileName(15, 3), refused.file());
        assertTrue(refused.getMessage().contains("term 3, beyond the node's stored term 2"), refused.getMessage());
    }

    private static MemoryFileSystem withSnapshot(MemoryFileSystem fileSystem, Snapshot snapshot) throws IOException {
        SnapshotStore.open(fileSystem).save(snapshot);
        return fileSystem;
    }

    private static List<String> snapshotFiles(MemoryFileSystem fileSystem) {
        return fileSystem.list().stream().filter(name -> name.startsWith("snapshot-")).toList();
    }
}
