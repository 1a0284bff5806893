package io.raftkv.storage;

import static io.raftkv.storage.WalTesting.entry;
import static io.raftkv.storage.WalTesting.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Assert.InvariantViolation;
import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.storage.WalTesting.LogState;
import io.raftkv.storage.fs.FileHandle;
import io.raftkv.storage.fs.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The write-ahead log's behaviour on an intact disk: what is appended is read back (from the cache
 * and from the files), across segment rollovers, truncations and compactions, and the same log
 * comes back after reopening; group commit costs one fsync; the cache stays within its bound;
 * after an I/O error the log refuses writes; damage recovery cannot explain is refused with the
 * file and offset named.
 */
class WriteAheadLogTest {
    private static final WalOptions SMALL = new WalOptions(512, 4096);

    private final MemoryFileSystem disk = new MemoryFileSystem();

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> result = new ArrayList<>();
        for (long index = from; index <= to; index++) {
            result.add(entry(index, term, "entry " + index + " of term " + term));
        }
        return result;
    }

    private WriteAheadLog reopen(WriteAheadLog log, WalOptions options) throws IOException {
        log.close();
        return WriteAheadLog.open(disk, options);
    }

    @Test
    void emptyDirectoryGivesEmptyLog() throws IOException {
        try (WriteAheadLog log = WriteAheadLog.open(disk, SMALL)) {
            assertEquals(0, log.lastIndex());
            assertEquals(0, log.snapshotIndex());
            assertEquals(0, log.term(0));
            assertEquals(HardState.EMPTY, log.hardState());
            assertTrue(log.tornTail().isEmpty());
            assertEquals(List.of("00000000000000000001-00000000000000000001.wal"), log.segmentFiles());
        }
    }

    @Test
    void appendedEntriesAndHardStateAreReadBackAndSurviveReopen() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(1, 1, 0), entries(1, 3, 1));
        log.append(new HardState(2, 0, 2), entries(4, 5, 2));
        log.sync();
        LogState before = LogState.of(log);
        assertEquals(entries(1, 3, 1), readAll(log).subList(0, 3));
        assertEquals(2, log.term(5));
        assertEquals(1, log.term(3));
        log = reopen(log, SMALL);
        assertEquals(before, LogState.of(log));
        assertEquals(new HardState(2, 0, 2), log.hardState());
        log.close();
    }

    /**
     * After a process kill the tail that was never synced is still in the page cache and recovery
     * hands it back; the restarted node treats it as durable, so opening must make it durable: a
     * power loss after the reopen must not take it away again.
     */
    @Test
    void whatRecoveryHandsBackIsDurable() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(1, 1, 0), entries(1, 6, 1));
        // the process dies here: nothing synced, the file system keeps its page cache
        WriteAheadLog recovered = WriteAheadLog.open(disk, SMALL);
        LogState before = LogState.of(recovered);
        assertEquals(6, recovered.lastIndex());
        recovered.close();
        log.close();
        for (int seed = 0; seed < 20; seed++) {
            MemoryFileSystem image = disk.copy();
            image.crash(new SplittableRandom(seed)); // then the power fails
            WriteAheadLog afterPowerLoss = WriteAheadLog.open(image, SMALL);
            assertEquals(before, LogState.of(afterPowerLoss), "power loss after recovery, seed " + seed);
            afterPowerLoss.close();
        }
    }

    @Test
    void segmentsRollOverAndReadsCrossThem() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        for (long index = 1; index <= 200; index += 5) {
            log.append(null, entries(index, index + 4, 1 + index / 50));
            log.sync();
        }
        assertTrue(log.segmentFiles().size() > 10, "small segments: " + log.segmentFiles());
        for (String file : log.segmentFiles()) {
            assertTrue(disk.contents(file).length <= SMALL.segmentBytesMax(), file + " exceeds the segment bound");
        }
        List<Entry> expected = new ArrayList<>();
        for (long index = 1; index <= 200; index += 5) {
            expected.addAll(entries(index, index + 4, 1 + index / 50));
        }
        assertEquals(expected, readAll(log));
        log = reopen(log, SMALL.withCacheBytesMax(0));
        assertEquals(expected, readAll(log), "read from the files only");
        assertEquals(expected.subList(99, 150), log.entries(100, 150, WalTesting.UNLIMITED));
        log.close();
    }

    @Test
    void anEntryLargerThanASegmentGetsOneOfItsOwn() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        List<Entry> expected = List.of(entry(1, 1, "small"), entry(2, 1, "x".repeat(2000)), entry(3, 1, "small"));
        log.append(null, expected);
        log.sync();
        assertEquals(3, log.segmentFiles().size(), log.segmentFiles().toString());
        log = reopen(log, SMALL.withCacheBytesMax(0));
        assertEquals(expected, readAll(log));
        log.close();
    }

    @Test
    void segmentNamesCarrySequenceAndFirstIndex() throws IOException {
        try (WriteAheadLog log = WriteAheadLog.open(disk, SMALL)) {
            for (long index = 1; index <= 40; index++) {
                log.append(null, entries(index, index, 1));
            }
            List<String> files = log.segmentFiles();
            for (int i = 0; i < files.size(); i++) {
                SegmentName name = SegmentName.parse(files.get(i)).orElseThrow();
                assertEquals(i + 1, name.sequence());
                assertEquals(files.get(i), name.fileName());
            }
            long secondFirst = SegmentName.parse(files.get(1)).orElseThrow().firstIndex();
            assertEquals(secondFirst, log.entries(secondFirst, secondFirst, 1).get(0).index());
        }
    }

    @Test
    void truncationReplacesASuffixAcrossSegments() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(1, 1, 5), entries(1, 60, 1));
        log.append(new HardState(2, 2, 5), entries(10, 12, 2));
        assertEquals(12, log.lastIndex());
        assertEquals(2, log.term(10));
        assertEquals(1, log.term(9));
        List<Entry> expected = new ArrayList<>(entries(1, 9, 1));
        expected.addAll(entries(10, 12, 2));
        assertEquals(expected, readAll(log));
        log.append(null, entries(13, 30, 2));
        expected.addAll(entries(13, 30, 2));
        log.sync();
        log = reopen(log, SMALL.withCacheBytesMax(0));
        assertEquals(expected, readAll(log));
        assertEquals(30, log.lastIndex());
        log.close();
    }

    @Test
    void groupCommitSyncsOnceForSeveralBatches() throws IOException {
        try (WriteAheadLog log = WriteAheadLog.open(disk, WalOptions.DEFAULT)) {
            long before = disk.fileSyncCount();
            log.append(new HardState(1, 1, 0), entries(1, 1, 1));
            log.append(null, entries(2, 5, 1));
            log.append(new HardState(1, 1, 3), List.of());
            assertEquals(before, disk.fileSyncCount(), "append never syncs");
            log.sync();
            assertEquals(before + 1, disk.fileSyncCount());
            log.sync();
            assertEquals(before + 1, disk.fileSyncCount(), "nothing new: no fsync");
            assertEquals(5, log.appendedEntries(), "entries 1..5 appended");
            assertEquals(1, log.syncs(), "the counter agrees with the disk");
        }
    }

    @Test
    void cacheStaysWithinItsBound() throws IOException {
        WalOptions options = new WalOptions(4096, 2000);
        try (WriteAheadLog log = WriteAheadLog.open(disk, options)) {
            log.append(null, entries(1, 500, 1));
            assertTrue(log.cacheBytes() <= 2000, "after append: " + log.cacheBytes());
            readAll(log);
            assertTrue(log.cacheBytes() <= 2000, "after reading: " + log.cacheBytes());
            assertTrue(log.cacheBytes() > 1000, "the cache is used: " + log.cacheBytes());
            assertEquals(entries(1, 500, 1), readAll(log));
        }
    }

    @Test
    void entriesStopBeforeExceedingMaxBytesButReturnAtLeastOne() throws IOException {
        try (WriteAheadLog log = WriteAheadLog.open(disk, SMALL)) {
            log.append(null, entries(1, 10, 1));
            long size = entries(1, 1, 1).get(0).sizeBytes();
            assertEquals(1, log.entries(1, 10, 0).size());
            assertEquals(3, log.entries(1, 10, 3 * size).size());
            assertEquals(3, log.entries(1, 10, 4 * size - 1).size());
            assertEquals(10, log.entries(1, 10, WalTesting.UNLIMITED).size());
        }
    }

    @Test
    void compactionRemovesSegmentsBelowTheSnapshot() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(1, 1, 100), entries(1, 120, 1));
        log.sync();
        int segmentsBefore = log.segmentFiles().size();
        log.compact(100, 1);
        assertEquals(100, log.snapshotIndex());
        assertEquals(1, log.snapshotTerm());
        assertEquals(1, log.term(100));
        assertTrue(log.segmentFiles().size() < segmentsBefore / 2, log.segmentFiles().toString());
        assertEquals(entries(101, 120, 1), readAll(log));
        LogState before = LogState.of(log);
        log = reopen(log, SMALL);
        assertEquals(before, LogState.of(log));
        log.append(null, entries(121, 200, 1));
        log.compact(190, 1);
        log.sync();
        log = reopen(log, SMALL.withCacheBytesMax(0));
        assertEquals(entries(191, 200, 1), readAll(log));
        assertEquals(new HardState(1, 1, 190), log.hardState(), "commit raised to the snapshot");
        log.close();
    }

    @Test
    void entriesAppendedToASegmentAfterItsPrefixWasCompactedAreReadFromTheirOwnRecords() throws IOException {
        WalOptions oneSegmentNoCache = new WalOptions(1 << 20, 0);
        WriteAheadLog log = WriteAheadLog.open(disk, oneSegmentNoCache);
        log.append(new HardState(1, 1, 10), entries(1, 10, 1));
        log.compact(3, 1); // the segment's index now starts after a dropped prefix
        log.append(null, entries(11, 100, 1)); // enough to grow the segment's index of offsets
        assertEquals(entries(4, 100, 1), readAll(log));
        log.sync();
        log = reopen(log, oneSegmentNoCache);
        assertEquals(entries(4, 100, 1), readAll(log));
        log.append(null, entries(101, 200, 1)); // recovery's index grows after its prefix was dropped too
        assertEquals(entries(4, 200, 1), readAll(log));
        log.close();
    }

    @Test
    void snapshotThatDoesNotMatchTheLogReplacesIt() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(new HardState(3, 1, 10), entries(1, 30, 1));
        log.compact(20, 3); // a leader's snapshot: entry 20 has term 1 here, so entries 21..30 are void
        assertEquals(20, log.lastIndex());
        assertEquals(3, log.term(20));
        log.append(null, entries(21, 22, 3));
        log = reopen(log, SMALL);
        assertEquals(entries(21, 22, 3), readAll(log));
        log.compact(50, 4); // beyond the log's end
        assertEquals(50, log.lastIndex());
        log = reopen(log, SMALL);
        assertEquals(50, log.lastIndex());
        assertEquals(List.of(), readAll(log));
        assertEquals(List.of(log.segmentFiles().get(log.segmentFiles().size() - 1)), log.segmentFiles());
        log.close();
    }

    @Test
    void writeFailureStopsTheLogForGood() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(null, entries(1, 3, 1));
        IOException full = new IOException("No space left on device");
        disk.failWrites(full);
        assertSame(full, assertThrows(IOException.class, () -> log.append(null, entries(4, 4, 1))));
        disk.failWrites(null);
        WalFailedException refused = assertThrows(WalFailedException.class, () -> log.append(null, entries(4, 4, 1)));
        assertSame(full, refused.getCause());
        assertThrows(WalFailedException.class, log::sync);
        assertThrows(WalFailedException.class, () -> log.compact(1, 1));
        log.close();
    }

    @Test
    void syncFailureStopsTheLog() throws IOException {
        try (WriteAheadLog log = WriteAheadLog.open(disk, SMALL)) {
            log.append(null, entries(1, 3, 1));
            disk.failWrites(new IOException("EIO"));
            assertThrows(IOException.class, log::sync);
            disk.failWrites(null);
            assertThrows(WalFailedException.class, log::sync);
        }
    }

    @Test
    void invalidBatchesAreBugs() throws IOException {
        try (WriteAheadLog log = WriteAheadLog.open(disk, SMALL)) {
            log.append(new HardState(2, 1, 3), entries(1, 5, 2));
            assertThrows(InvariantViolation.class, () -> log.append(null, entries(7, 8, 2)), "gap");
            assertThrows(InvariantViolation.class, () -> log.append(null, entries(3, 3, 3)), "overwrites committed");
            assertThrows(InvariantViolation.class, () -> log.append(null, entries(6, 6, 1)), "term goes down");
            assertThrows(InvariantViolation.class, () -> log.append(new HardState(1, 0, 3), List.of()), "term back");
            log.append(null, entries(6, 6, 2)); // the log still accepts valid batches
            assertEquals(6, log.lastIndex());
        }
    }

    @Test
    void tornTailIsCutAndReported() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(null, entries(1, 3, 1));
        log.sync();
        String file = log.segmentFiles().get(0);
        long size = disk.contents(file).length;
        log.append(null, entries(4, 4, 1));
        log.close();
        truncate(file, disk.contents(file).length - 3);
        log = WriteAheadLog.open(disk, SMALL);
        assertEquals(3, log.lastIndex());
        TornTail torn = log.tornTail().orElseThrow();
        assertEquals(file, torn.file());
        assertEquals(size, torn.offset());
        assertTrue(torn.describe().contains(file) && torn.describe().contains("offset " + size), torn.describe());
        log.close();
    }

    @Test
    void corruptionInASealedSegmentIsRefusedNamingFileAndOffset() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(null, entries(1, 40, 1));
        log.sync();
        String sealed = log.segmentFiles().get(1);
        log.close();
        int offset = WalTesting.scan(disk).stream().filter(r -> r.file().equals(sealed)).toList().get(2).offset();
        flip(sealed, offset + 12);
        CorruptStorageException refused = assertThrows(CorruptStorageException.class,
                () -> WriteAheadLog.open(disk, SMALL));
        assertEquals(sealed, refused.file());
        assertEquals(offset, refused.offset());
        assertTrue(refused.getMessage().contains(sealed) && refused.getMessage().contains("offset " + offset)
                && refused.getMessage().contains("data directory"), refused.getMessage());
    }

    @Test
    void corruptionBeforeTheTailOfTheNewestSegmentIsRefused() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, WalOptions.DEFAULT);
        log.append(null, entries(1, 10, 1));
        log.sync();
        String file = log.segmentFiles().get(0);
        log.close();
        int offset = WalTesting.scan(disk).get(5).offset();
        flip(file, offset + 2);
        CorruptStorageException refused = assertThrows(CorruptStorageException.class,
                () -> WriteAheadLog.open(disk, WalOptions.DEFAULT));
        assertEquals(offset, refused.offset());
        assertTrue(refused.getMessage().contains("valid record follows"), refused.getMessage());
    }

    @Test
    void missingSegmentIsRefused() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        log.append(null, entries(1, 40, 1));
        log.sync();
        List<String> files = log.segmentFiles();
        log.close();
        disk.delete(files.get(1));
        CorruptStorageException refused = assertThrows(CorruptStorageException.class,
                () -> WriteAheadLog.open(disk, SMALL));
        assertTrue(refused.getMessage().contains("missing"), refused.getMessage());
        disk.delete(files.get(0));
        refused = assertThrows(CorruptStorageException.class, () -> WriteAheadLog.open(disk, SMALL));
        assertTrue(refused.getMessage().contains("missing"), refused.getMessage());
    }

    @Test
    void commitIndexBeyondTheRecoveredLogIsClamped() throws IOException {
        WriteAheadLog log = WriteAheadLog.open(disk, WalOptions.DEFAULT);
        log.append(new HardState(1, 1, 0), entries(1, 2, 1));
        log.sync();
        String file = log.segmentFiles().get(0);
        log.append(new HardState(1, 1, 3), entries(3, 3, 1)); // hard state first, then the entry
        log.close();
        truncate(file, disk.contents(file).length - 1); // the entry is torn, the hard state is whole
        try (WriteAheadLog recovered = WriteAheadLog.open(disk, WalOptions.DEFAULT)) {
            assertEquals(2, recovered.lastIndex());
            assertEquals(new HardState(1, 1, 2), recovered.hardState());
        }
    }

    @Test
    void randomWorkloadSurvivesReopenUnchanged() throws IOException {
        WalTesting.Workload workload = new WalTesting.Workload(new SplittableRandom(7), 80);
        WriteAheadLog log = WriteAheadLog.open(disk, SMALL);
        for (int round = 0; round < 300; round++) {
            workload.appendBatch(log);
            if (round % 3 == 0) {
                log.sync();
            }
            if (round % 50 == 49) {
                LogState before = LogState.of(log);
                log.sync();
                log = reopen(log, SMALL.withCacheBytesMax(round % 100 == 49 ? 0 : 4096));
                assertEquals(before, LogState.of(log));
                assertEquals(before, WalTesting.LogModel.replay(WalTesting.scan(disk)));
            }
        }
        assertFalse(log.tornTail().isPresent());
        log.close();
    }

    private void truncate(String file, long size) throws IOException {
        try (FileHandle handle = disk.open(file, false)) {
            handle.truncate(size);
            handle.sync();
        }
    }

    private void flip(String file, long offset) throws IOException {
        try (FileHandle handle = disk.open(file, false)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            handle.read(offset, one);
            handle.write(offset, ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 0x10)}));
            handle.sync();
        }
    }
}
