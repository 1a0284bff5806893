package io.raftkv.node.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import io.raftkv.core.Snapshot;
import io.raftkv.node.StorageException;
import io.raftkv.node.WriteBatch;
import io.raftkv.storage.SnapshotStore;
import io.raftkv.storage.WalOptions;
import io.raftkv.storage.fs.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file-backed store's snapshots: saved durably and handed to the core, the log compacted behind
 * them (segments and older snapshot files removed) in order with the batches; a restart recovers
 * the newest snapshot and the log after it; a crash between a save and its compaction is finished
 * at open; a leader's snapshot installs ahead of its batch, discarding the log or keeping it as the
 * batch says; a damaged snapshot refuses the start naming its file and offset; a failed compaction
 * stops the store like a failed write.
 */
class WalLogStoreSnapshotTest {
    static final long WAIT_SECONDS = 30;
    static final WalOptions SMALL = WalOptions.DEFAULT.withSegmentBytesMax(512);

    @TempDir
    Path directory;

    private long sequence;

    @Test
    void saveCompactRestartCyclesKeepTheNewestSnapshotAndTheLogAfterIt() throws Exception {
        long last = 0;
        for (int cycle = 1; cycle <= 3; cycle++) {
            WalLogStore store = started(WalLogStore.open(directory, SMALL));
            if (cycle > 1) {
                assertEquals(snapshot(last - 10, cycle - 1), store.recoveredSnapshot(), "cycle " + cycle);
                assertEquals(store.recoveredSnapshot(), store.log().snapshot());
                assertEquals(last - 10, store.log().snapshotIndex());
                assertEquals(entries(last - 9, last, cycle - 1), read(store, last - 9, last));
            } else {
                assertNull(store.recoveredSnapshot());
            }
            store.writeSync(batch(new HardState(cycle, 1, last + 50), entries(last + 1, last + 60, cycle)));
            int segmentsBefore = segments().size();
            Snapshot taken = snapshot(last + 50, cycle);
            store.saveSnapshot(taken);
            assertEquals(taken, store.log().snapshot(), "a saved snapshot is the one a leader sends");
            assertTrue(snapshotFiles().contains(SnapshotStore.fileName(last + 50, cycle)), "durable on return");
            store.compact(last + 50, cycle);
            store.writeSync(batch(null, List.of())); // ordered after the compaction: it is done
            assertEquals(last + 50, store.log().snapshotIndex());
            assertTrue(segments().size() < segmentsBefore, "segments below the snapshot removed: " + segments());
            assertEquals(List.of(SnapshotStore.fileName(last + 50, cycle)), snapshotFiles(), "older files removed");
            last += 60;
            store.close();
        }
    }

    @Test
    void aCrashBetweenSaveAndCompactionIsFinishedAtTheNextOpen() throws Exception {
        MemoryFileSystem disk = new MemoryFileSystem();
        WalLogStore store = started(WalLogStore.open(disk, "memory", SMALL, 64));
        store.writeSync(batch(new HardState(2, 1, 30), entries(1, 40, 2)));
        store.saveSnapshot(snapshot(10, 2));
        store.compact(10, 2);
        store.saveSnapshot(snapshot(30, 2)); // the node crashes before it compacts to 30
        store.writeSync(batch(null, List.of())); // the writer is idle: the disk can be copied
        for (int seed = 0; seed < 40; seed++) {
            MemoryFileSystem copy = disk.copy();
            copy.crash(new SplittableRandom(seed));
            WalLogStore reopened = started(WalLogStore.open(copy, "memory", SMALL, 64));
            assertEquals(snapshot(30, 2), reopened.recoveredSnapshot(), "seed " + seed);
            assertEquals(30, reopened.log().snapshotIndex(), "seed " + seed + ": compacted at open");
            assertEquals(entries(31, 40, 2), reopened.log().entries(31, 40, Long.MAX_VALUE), "seed " + seed);
            assertEquals(30, reopened.hardState().commitIndex(), "seed " + seed);
            reopened.close();
        }
        store.close();
    }

    @Test
    void aLeadersSnapshotThatDiscardsTheLogIsInstalledBeforeItsBatch() throws Exception {
        WalLogStore store = started(WalLogStore.open(directory, SMALL));
        store.writeSync(batch(new HardState(2, 1, 5), entries(1, 40, 2)));
        Snapshot leaders = snapshot(25, 2); // entry 25 of term 2 is here, but the core keeps nothing
        store.writeSync(new WriteBatch(++sequence, new HardState(3, 0, 25), List.of(), leaders, false));
        assertEquals(leaders, store.log().snapshot());
        assertEquals(25, store.log().snapshotIndex());
        assertEquals(25, store.log().lastIndex(), "every old entry after the snapshot is gone");
        store.writeSync(batch(null, entries(26, 27, 3)));
        assertEquals(entries(26, 27, 3), read(store, 26, 27));
        store.close();

        WalLogStore reopened = started(WalLogStore.open(directory, SMALL));
        assertEquals(leaders, reopened.recoveredSnapshot());
        assertEquals(entries(26, 27, 3), read(reopened, 26, 27));
        assertEquals(new HardState(3, 0, 25), reopened.hardState());
        reopened.close();
    }

    @Test
    void aPowerCutRightAfterALeadersSnapshotIsSavedRestartsWithTheLeadersTerm() throws Exception {
        MemoryFileSystem memory = new MemoryFileSystem();
        CutAfterSnapshotSave disk = new CutAfterSnapshotSave(memory);
        WalLogStore store = started(WalLogStore.open(disk, "memory", SMALL, 64));
        store.writeSync(batch(new HardState(2, 1, 5), entries(1, 20, 2)));
        Snapshot leaders = snapshot(15, 4); // from the leader of term 5, whose entry 15 has term 4
        StorageException cut = assertThrows(StorageException.class, () -> store.writeSync(
                new WriteBatch(++sequence, new HardState(5, 0, 15), List.of(), leaders, false)));
        assertTrue(cut.getMessage().contains("power cut"), cut.getMessage());
        store.close();
        for (int seed = 0; seed < 20; seed++) {
            MemoryFileSystem copy = memory.copy();
            copy.failWrites(null);
            copy.crash(new SplittableRandom(seed));
            WalLogStore reopened = WalLogStore.open(copy, "memory", SMALL, 64);
            assertEquals(leaders, reopened.recoveredSnapshot(), "seed " + seed);
            assertEquals(15, reopened.log().lastIndex(), "seed " + seed + ": the log it replaced is gone");
            assertEquals(new HardState(5, 0, 15), reopened.hardState(), "seed " + seed + ": the leader's term was"
                    + " stored before its snapshot");
            reopened.close();
        }
    }

    @Test
    void aLeadersSnapshotThatKeepsTheLogLeavesTheEntriesAfterIt() throws Exception {
        WalLogStore store = started(WalLogStore.open(directory, SMALL));
        store.writeSync(batch(new HardState(2, 1, 5), entries(1, 40, 2)));
        store.writeSync(new WriteBatch(++sequence, new HardState(2, 1, 25), List.of(), snapshot(25, 2), true));
        assertEquals(25, store.log().snapshotIndex());
        assertEquals(entries(26, 40, 2), read(store, 26, 40));
        store.close();
    }

    @Test
    void aDamagedSnapshotFileRefusesTheStartNamingFileAndOffset() throws Exception {
        WalLogStore store = started(WalLogStore.open(directory, SMALL));
        store.writeSync(batch(new HardState(1, 1, 20), entries(1, 30, 1)));
        store.saveSnapshot(snapshot(20, 1));
        store.compact(20, 1);
        store.close();
        Path file = directory.resolve(SnapshotStore.fileName(20, 1));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xff}), 35);
        }
        StorageException refused = assertThrows(StorageException.class, () -> WalLogStore.open(directory, SMALL));
        assertTrue(refused.getMessage().contains(directory.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains(SnapshotStore.fileName(20, 1) + " is corrupt at offset "),
                refused.getMessage());

        Files.delete(file);
        StorageException missing = assertThrows(StorageException.class, () -> WalLogStore.open(directory, SMALL));
        assertTrue(missing.getMessage().contains(SnapshotStore.fileName(20, 1)) && missing.getMessage().contains(
                "missing"), missing.getMessage());
    }

    @Test
    void aFailedCompactionStopsTheStoreLikeAFailedWrite() throws Exception {
        ControlledFileSystem disk = new ControlledFileSystem(directory);
        WalLogStore store = WalLogStore.open(disk, directory.toString(), SMALL, 64);
        AtomicReference<StorageException> failed = new AtomicReference<>();
        CountDownLatch failedSignal = new CountDownLatch(1);
        store.start(new WalLogStore.Listener() {
            @Override
            public void durable(long durableSequence) {}

            @Override
            public void failed(StorageException cause) {
                failed.set(cause);
                failedSignal.countDown();
            }
        }, "test-wal");
        store.writeSync(batch(new HardState(1, 1, 20), entries(1, 30, 1)));
        store.saveSnapshot(snapshot(20, 1));
        IOException broken = new IOException("injected EIO");
        disk.failure = broken;
        store.compact(20, 1);
        assertTrue(failedSignal.await(WAIT_SECONDS, TimeUnit.SECONDS), "the listener hears of it");
        assertTrue(failed.get().getMessage().contains("compacting the log to 20"), failed.get().getMessage());
        assertSame(broken, failed.get().getCause());
        assertThrows(StorageException.class, () -> store.saveSnapshot(snapshot(25, 1)));
        assertThrows(IllegalStateException.class, () -> store.compact(20, 1));
        disk.failure = null;
        store.close();
    }

    @Test
    void aCompactionNoSavedSnapshotCoversStopsTheStore() throws Exception {
        WalLogStore store = WalLogStore.open(directory, SMALL);
        CountDownLatch failedSignal = new CountDownLatch(1);
        AtomicReference<StorageException> failed = new AtomicReference<>();
        store.start(new WalLogStore.Listener() {
            @Override
            public void durable(long durableSequence) {}

            @Override
            public void failed(StorageException cause) {
                failed.set(cause);
                failedSignal.countDown();
            }
        }, "test-wal");
        store.writeSync(batch(new HardState(1, 1, 20), entries(1, 30, 1)));
        store.compact(20, 1);
        assertTrue(failedSignal.await(WAIT_SECONDS, TimeUnit.SECONDS), "the listener hears of it");
        assertTrue(failed.get().getMessage().contains("no saved snapshot covers"), failed.get().getMessage());
        store.close();
        WalLogStore reopened = WalLogStore.open(directory, SMALL);
        assertEquals(0, reopened.log().snapshotIndex(), "nothing was compacted");
        reopened.close();
    }

    private WriteBatch batch(HardState hard, List<Entry> entries) {
        return new WriteBatch(++sequence, hard, entries);
    }

    private WalLogStore started(WalLogStore store) {
        sequence = 0;
        store.start(new WalLogStore.Listener() {
            @Override
            public void durable(long durableSequence) {}

            @Override
            public void failed(StorageException cause) {}
        }, "test-wal");
        return store;
    }

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> result = new ArrayList<>();
        for (long index = from; index <= to; index++) {
            result.add(Entry.command(index, term, RealCluster.bytes("entry " + index + " of term " + term)));
        }
        return result;
    }

    private static Snapshot snapshot(long index, long term) {
        return new Snapshot(index, term, ("state through " + index).getBytes(StandardCharsets.UTF_8));
    }

    private static List<Entry> read(WalLogStore store, long from, long to) {
        return store.log().entries(from, to, Long.MAX_VALUE);
    }

    private List<String> segments() throws IOException {
        return names(".wal");
    }

    private List<String> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("snapshot-"))
                    .sorted().toList();
        }
    }

    private List<String> names(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(suffix)).sorted()
                    .toList();
        }
    }

    /** A disk that fails every write once a snapshot file is durably in place: power lost right then. */
    private static final class CutAfterSnapshotSave implements io.raftkv.storage.fs.FileSystem {
        private final MemoryFileSystem memory;
        private boolean snapshotRenamed;

        CutAfterSnapshotSave(MemoryFileSystem memory) {
            this.memory = memory;
        }

        @Override
        public List<String> list() throws IOException {
            return memory.list();
        }

        @Override
        public io.raftkv.storage.fs.FileHandle open(String name, boolean create) throws IOException {
            return memory.open(name, create);
        }

        @Override
        public void delete(String name) throws IOException {
            memory.delete(name);
        }

        @Override
        public void rename(String from, String to) throws IOException {
            memory.rename(from, to);
            snapshotRenamed = to.startsWith("snapshot-");
        }

        @Override
        public void syncDirectory() throws IOException {
            memory.syncDirectory();
            if (snapshotRenamed) {
                memory.failWrites(new IOException("power cut"));
            }
        }
    }
}
