package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Snapshot;
import io.raftkv.storage.fs.MemoryFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Power failures around snapshots, as a node makes them: a random workload on a
 * {@link MemoryFileSystem} (appends, overwrites, syncs), and now and then a snapshot of a committed,
 * synced index saved, then, or not yet, the log compacted to it and older files removed; then
 * {@link MemoryFileSystem#crash} and an open that reconciles the two, several lives over. A crash can
 * only cut between those steps, so every open must succeed: the newest snapshot saved is the one
 * recovered (a save is durable on return), the log is compacted exactly to it, its entry term there
 * is the snapshot's, the commit index covers it, the log after it reads back, and one snapshot file is
 * left.
 */
class SnapshotCrashProperties {
    /** Small segments (many sealed, removed by compaction) or larger ones (compacted mid-way, then appended to). */
    private static final WalOptions[] OPTIONS = {new WalOptions(600, 2048), new WalOptions(6000, 2048)};

    @Property(tries = 120, seed = "20261202")
    void aCrashAroundASnapshotNeverLosesItNorRefusesTheStart(
            @ForAll @LongRange(min = 1, max = 1_000_000_000) long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        MemoryFileSystem disk = new MemoryFileSystem();
        WalTesting.Workload workload = new WalTesting.Workload(random, 40, false);
        TreeMap<Long, Snapshot> saved = new TreeMap<>();
        WalOptions options = OPTIONS[random.nextInt(OPTIONS.length)];
        for (int life = 0; life < 4; life++) {
            WriteAheadLog log = WriteAheadLog.open(disk, options);
            SnapshotStore snapshots = SnapshotStore.open(disk);
            Optional<Snapshot> recovered = SnapshotRecovery.reconcile(log, snapshots);
            checkRecovered(life, log, recovered, saved, disk);
            workload.commitIndex = log.hardState().commitIndex();
            workload.currentTerm = Math.max(log.hardState().currentTerm(), workload.currentTerm) + 1;
            int rounds = 1 + random.nextInt(60);
            for (int round = 0; round < rounds; round++) {
                workload.appendBatch(log);
                if (random.nextInt(4) == 0) {
                    log.sync();
                }
                long newest = saved.isEmpty() ? 0 : saved.lastKey();
                if (random.nextInt(5) == 0 && workload.commitIndex > newest) {
                    takeSnapshot(random, log, snapshots, saved, newest + 1 + random.nextLong(workload.commitIndex
                            - newest));
                }
            }
            disk.crash(random.split());
        }
    }

    /** The node's order: the entries durable, the snapshot saved, then (or, crashing, not yet) compaction. */
    private static void takeSnapshot(SplittableRandom random, WriteAheadLog log, SnapshotStore snapshots,
            TreeMap<Long, Snapshot> saved, long index) throws IOException {
        log.sync();
        Snapshot snapshot = new Snapshot(index, log.term(index), ("state through " + index + ", seed "
                + random.nextInt()).getBytes(StandardCharsets.UTF_8));
        snapshots.save(snapshot);
        saved.put(index, snapshot);
        boolean compacted = random.nextBoolean();
        Statistics.label("compacted after the save").collect(compacted);
        if (compacted) {
            log.compact(index, snapshot.term());
            snapshots.removeBelow(index);
        }
    }

    private static void checkRecovered(int life, WriteAheadLog log, Optional<Snapshot> recovered,
            TreeMap<Long, Snapshot> saved, MemoryFileSystem disk) {
        Optional<Snapshot> newest = saved.isEmpty() ? Optional.empty() : Optional.of(saved.lastEntry().getValue());
        assertEquals(newest, recovered, "life " + life + ": the newest saved snapshot is recovered");
        long index = recovered.map(Snapshot::index).orElse(0L);
        assertEquals(index, log.snapshotIndex(), "life " + life + ": the log is compacted to it");
        assertTrue(log.hardState().commitIndex() >= index, "life " + life + ": its index is committed");
        recovered.ifPresent(snapshot -> assertEquals(snapshot.term(), log.term(index), "life " + life));
        assertEquals(log.lastIndex() - index, WalTesting.readAll(log).size(), "life " + life + ": the log reads");
        long files = disk.list().stream().filter(name -> name.startsWith("snapshot-")).count();
        assertEquals(recovered.isPresent() ? 1 : 0, files, "life " + life + ": older snapshot files are removed");
    }
}
