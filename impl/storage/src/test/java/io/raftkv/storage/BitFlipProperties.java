package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.raftkv.storage.WalTesting.LogModel;
import io.raftkv.storage.WalTesting.LogState;
import io.raftkv.storage.WalTesting.StoredRecord;
import io.raftkv.storage.fs.FileHandle;
import io.raftkv.storage.fs.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * A flipped bit anywhere in a fully synced log (latent sector damage) is never silently accepted.
 * CRC32C detects every single-bit error, so the record holding the bit is always invalid; the one
 * place a crash could also have damaged is the last record of the newest segment, so exactly
 * there recovery must cut (that record only, leaving the log of the records before it), and
 * everywhere else it must refuse, naming the file and the damaged record's offset.
 */
class BitFlipProperties {
    private static final WalOptions OPTIONS = new WalOptions(700, 2048);

    @Property(tries = 400, seed = "20261201")
    void aFlippedBitIsRefusedOrCutWithTheTailNeverAccepted(
            @ForAll @LongRange(min = 1, max = 1_000_000) long shapeSeed,
            @ForAll @DoubleRange(min = 0, max = 1, maxIncluded = false) double where,
            @ForAll @IntRange(min = 0, max = 7) int bit,
            @ForAll boolean nearTheEnd) throws IOException {
        MemoryFileSystem disk = writeSyncedLog(shapeSeed);
        List<StoredRecord> records = WalTesting.scan(disk);
        // half the flips land in the last three records, where cutting and refusing meet
        int firstCandidate = nearTheEnd ? Math.max(0, records.size() - 3) : 0;
        long total = records.stream().skip(firstCandidate).mapToLong(StoredRecord::size).sum();
        long position = (long) (where * total);
        int damaged = firstCandidate;
        while (position >= records.get(damaged).size()) {
            position -= records.get(damaged).size();
            damaged++;
        }
        StoredRecord victim = records.get(damaged);
        flip(disk, victim.file(), victim.offset() + position, bit);
        LogState withoutVictim = LogModel.replay(records.subList(0, damaged));
        // Only the newest segment's last record may be cut, and only if the log without it is whole
        // (not if it is a snapshot marker that the removal of the oldest segments relied on).
        boolean cuttable = damaged == records.size() - 1 && withoutVictim != null;
        try (WriteAheadLog recovered = WriteAheadLog.open(disk, OPTIONS)) {
            if (!cuttable) {
                fail("accepted a flipped bit in record " + damaged + " of " + records.size() + " at " + victim);
            }
            assertEquals(withoutVictim, LogState.of(recovered));
            assertEquals(victim.offset(), recovered.tornTail().orElseThrow().offset());
        } catch (CorruptStorageException refused) {
            if (cuttable) {
                throw new AssertionError("refused a damaged last record, which a crash could explain", refused);
            }
            if (damaged == records.size() - 1) {
                return; // the hole the cut would leave is what is refused
            }
            assertEquals(victim.file(), refused.file());
            assertEquals(victim.offset(), refused.offset());
            assertTrue(refused.getMessage().contains(victim.file()), refused.getMessage());
        }
    }

    private static MemoryFileSystem writeSyncedLog(long seed) throws IOException {
        MemoryFileSystem disk = new MemoryFileSystem();
        SplittableRandom random = new SplittableRandom(seed);
        WalTesting.Workload workload = new WalTesting.Workload(random, 30);
        try (WriteAheadLog log = WriteAheadLog.open(disk, OPTIONS)) {
            int rounds = 5 + random.nextInt(40);
            for (int round = 0; round < rounds; round++) {
                workload.appendBatch(log);
            }
            log.sync();
        }
        return disk;
    }

    private static void flip(MemoryFileSystem disk, String file, long offset, int bit) throws IOException {
        try (FileHandle handle = disk.open(file, false)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            handle.read(offset, one);
            handle.write(offset, ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ (1 << bit))}));
            handle.sync();
        }
    }
}
