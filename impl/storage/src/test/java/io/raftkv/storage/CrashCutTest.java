package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.storage.WalTesting.LogModel;
import io.raftkv.storage.WalTesting.LogState;
import io.raftkv.storage.WalTesting.StoredRecord;
import io.raftkv.storage.fs.FileHandle;
import io.raftkv.storage.fs.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A crash can leave the newest segment cut at any byte, possibly followed by a few garbage bytes.
 * For every cut offset inside the last records of the newest segment (and for zero and random
 * garbage after the cut), recovery must succeed and produce exactly the log of the records wholly
 * before the cut, as the naive model replays them: a prefix of what was written that contains
 * every record synced before the cut, never anything else.
 *
 * <p>Method: a random workload (truncations, hard states, small segments so the newest one starts
 * after a rollover) on a {@link MemoryFileSystem}; each image is a copy of that disk with the
 * newest segment cut (and garbage appended) and made durable.
 */
class CrashCutTest {
    private static final WalOptions OPTIONS = new WalOptions(1024, 4096);
    private static final int LAST_RECORDS = 8;

    @Test
    void everyCutOffsetRecoversTheRecordsBeforeIt() throws IOException {
        for (long seed = 1; seed <= 5; seed++) {
            MemoryFileSystem disk = writeLog(seed);
            List<StoredRecord> records = WalTesting.scan(disk);
            StoredRecord last = records.get(records.size() - 1);
            String newest = last.file();
            int firstCut = records.get(Math.max(0, records.size() - LAST_RECORDS)).offset();
            if (!records.get(Math.max(0, records.size() - LAST_RECORDS)).file().equals(newest)) {
                firstCut = 0;
            }
            for (int cut = firstCut; cut <= last.end(); cut++) {
                LogState expected = expectedAfterCut(records, newest, cut);
                int at = cut;
                boolean boundary = at > 0 && records.stream().anyMatch(r -> r.file().equals(newest) && r.end() == at);
                checkImage(disk, newest, cut, new byte[0], expected, !boundary);
                checkImage(disk, newest, cut, new byte[1 + cut % 16], expected, true);
                checkImage(disk, newest, cut, garbage(seed * 100_000 + cut), expected, true);
            }
        }
    }

    /** The naive replay of every record wholly before {@code cut} in the newest segment. */
    private static LogState expectedAfterCut(List<StoredRecord> records, String newest, int cut) {
        return LogModel.replay(records.stream()
                .filter(record -> !record.file().equals(newest) || record.end() <= cut).toList());
    }

    private static void checkImage(MemoryFileSystem disk, String newest, int cut, byte[] garbage, LogState expected,
            boolean torn) throws IOException {
        MemoryFileSystem image = disk.copy();
        try (FileHandle handle = image.open(newest, false)) {
            handle.truncate(cut);
            handle.write(cut, ByteBuffer.wrap(garbage));
            handle.sync();
        }
        String where = "cut at " + cut + " with " + garbage.length + " garbage bytes";
        if (expected == null) {
            // The cut removed a synced snapshot marker that justified removing the oldest segments:
            // no crash does that, and the log it leaves has a hole, which recovery must refuse.
            assertThrows(CorruptStorageException.class, () -> WriteAheadLog.open(image, OPTIONS), where);
            return;
        }
        try (WriteAheadLog recovered = WriteAheadLog.open(image, OPTIONS)) {
            assertEquals(expected, LogState.of(recovered), where);
            assertEquals(torn, recovered.tornTail().isPresent(), where);
            recovered.append(null, List.of(WalTesting.entry(recovered.lastIndex() + 1, 1_000, "after")));
            assertTrue(recovered.lastIndex() > expected.lastIndex(), "the recovered log accepts appends");
        }
    }

    private static byte[] garbage(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] bytes = new byte[1 + random.nextInt(16)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A log from a seeded workload; synced at random points, the tail left unsynced. */
    private static MemoryFileSystem writeLog(long seed) throws IOException {
        MemoryFileSystem disk = new MemoryFileSystem();
        SplittableRandom random = new SplittableRandom(seed);
        WalTesting.Workload workload = new WalTesting.Workload(random, 40);
        try (WriteAheadLog log = WriteAheadLog.open(disk, OPTIONS)) {
            int rounds = 30 + random.nextInt(60);
            for (int round = 0; round < rounds; round++) {
                workload.appendBatch(log);
                if (random.nextInt(3) == 0) {
                    log.sync();
                }
            }
        }
        return disk;
    }
}
