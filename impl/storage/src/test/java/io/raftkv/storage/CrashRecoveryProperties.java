package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.storage.WalTesting.LogModel;
import io.raftkv.storage.WalTesting.LogState;
import io.raftkv.storage.WalTesting.StoredRecord;
import io.raftkv.storage.fs.MemoryFileSystem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.LongRange;

/**
 * Power failures as the simulator produces them: a random workload (appends, overwrites, hard
 * states, compactions, syncs at random points) on a {@link MemoryFileSystem}, then
 * {@link MemoryFileSystem#crash} with its own seed (unsynced writes lost, kept, or torn and
 * garbled), recovery, more work, another crash, several times over. Every recovery must succeed
 * and give exactly the log of some prefix of the records written, at least as long as the prefix
 * that was synced: nothing acknowledged is lost, and nothing is invented.
 */
class CrashRecoveryProperties {
    private static final WalOptions OPTIONS = new WalOptions(600, 2048);

    @Property(tries = 150, seed = "20261202")
    void recoveryAfterACrashKeepsEverySyncedRecordAndInventsNothing(
            @ForAll @LongRange(min = 1, max = 1_000_000_000) long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        MemoryFileSystem disk = new MemoryFileSystem();
        WalTesting.Workload workload = new WalTesting.Workload(random, 50, false);
        for (int life = 0; life < 4; life++) {
            WriteAheadLog log = WriteAheadLog.open(disk, OPTIONS);
            workload.commitIndex = log.hardState().commitIndex();
            workload.currentTerm = Math.max(log.hardState().currentTerm(), workload.currentTerm) + 1;
            SyncPoint synced = SyncPoint.of(log, disk); // after a crash, whatever survived is durable
            int rounds = 1 + random.nextInt(30);
            for (int round = 0; round < rounds; round++) {
                workload.appendBatch(log);
                if (random.nextInt(4) == 0) {
                    log.sync();
                    synced = SyncPoint.of(log, disk);
                }
                if (random.nextInt(15) == 0 && workload.commitIndex > log.snapshotIndex()) {
                    log.compact(workload.commitIndex, log.term(workload.commitIndex));
                    synced = SyncPoint.of(log, disk);
                }
            }
            List<StoredRecord> written = WalTesting.scan(disk);
            int syncedRecords = synced.recordsBefore(written);
            disk.crash(random.split());
            try (WriteAheadLog recovered = WriteAheadLog.open(disk, OPTIONS)) {
                LogState state = LogState.of(recovered);
                Statistics.label("torn tail cut").collect(recovered.tornTail().isPresent());
                assertTrue(isPrefixState(written, syncedRecords, state), "life " + life + ": recovered " + state
                        + " is not the log of a prefix of the " + written.size() + " records written that holds the "
                        + syncedRecords + " synced");
            }
        }
    }

    /** The end of the newest segment when the log was last made durable. */
    private record SyncPoint(String file, long size) {
        static SyncPoint of(WriteAheadLog log, MemoryFileSystem disk) throws IOException {
            String newest = log.segmentFiles().get(log.segmentFiles().size() - 1);
            return new SyncPoint(newest, disk.contents(newest).length);
        }

        /** How many of the records (in segment order) lie wholly before this point. */
        int recordsBefore(List<StoredRecord> records) {
            return (int) records.stream().filter(record -> record.file().compareTo(file) < 0
                    || (record.file().equals(file) && record.end() <= size)).count();
        }
    }

    /**
     * Whether {@code state} is the log after the first m records for some m >= synced. Compaction
     * removes segments, so the records are those still on disk before the crash, and m counts from
     * there (a removed segment's records are covered by a synced snapshot marker).
     */
    private static boolean isPrefixState(List<StoredRecord> written, int synced, LogState state) {
        LogModel model = new LogModel();
        List<LogState> candidates = new ArrayList<>();
        for (int m = 0; m <= written.size(); m++) {
            if (m >= synced) {
                candidates.add(model.state());
            }
            if (m < written.size()) {
                model.apply(written.get(m).record());
            }
        }
        return candidates.contains(state);
    }
}
