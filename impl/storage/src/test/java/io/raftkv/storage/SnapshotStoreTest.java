package io.raftkv.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Membership;
import io.raftkv.core.Snapshot;
import io.raftkv.storage.SnapshotStore.SnapshotId;
import io.raftkv.storage.fs.FileHandle;
import io.raftkv.storage.fs.MemoryFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Snapshot files: saved durably (a crash right after save keeps it; a crash during a save leaves
 * the previous snapshot, and the leftover temporary file is cleaned up), read back verified, and
 * every corrupted byte detected.
 */
class SnapshotStoreTest {
    private final MemoryFileSystem disk = new MemoryFileSystem();

    private static Snapshot snapshot(long index, long term, String data) {
        return new Snapshot(index, term, data.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void savedSnapshotsAreListedAndLoaded() throws IOException {
        SnapshotStore store = SnapshotStore.open(disk);
        assertEquals(Optional.empty(), store.loadLatest());
        store.save(snapshot(10, 2, "state at 10"));
        store.save(snapshot(120, 3, "state at 120"));
        assertEquals(List.of(new SnapshotId(10, 2), new SnapshotId(120, 3)), store.list());
        assertEquals(snapshot(120, 3, "state at 120"), store.loadLatest().orElseThrow());
        assertEquals(snapshot(10, 2, "state at 10"), store.load(10, 2));
        store.removeBelow(120);
        assertEquals(List.of(new SnapshotId(120, 3)), store.list());
        assertEquals(List.of(SnapshotStore.fileName(120, 3)), disk.list());
    }

    @Test
    void aSnapshotKeepsItsConfiguration() throws IOException {
        SnapshotStore store = SnapshotStore.open(disk);
        Membership joint = new Membership(List.of(1, 2, 4), List.of(1, 2, 3), List.of(5));
        Snapshot withConfig = new Snapshot(30, 4, "state at 30".getBytes(StandardCharsets.UTF_8), joint);
        store.save(withConfig);
        Snapshot loaded = SnapshotStore.open(disk).load(30, 4);
        assertEquals(withConfig, loaded);
        assertEquals(joint, loaded.membership());
        store.save(snapshot(40, 4, "plain"));
        assertEquals(null, SnapshotStore.open(disk).load(40, 4).membership(),
                "a snapshot taken before any configuration change stays without one");
    }

    @Test
    void aSavedSnapshotSurvivesEveryCrash() throws IOException {
        SnapshotStore.open(disk).save(snapshot(7, 1, "seven"));
        for (int seed = 0; seed < 100; seed++) {
            MemoryFileSystem copy = disk.copy();
            copy.crash(new SplittableRandom(seed));
            assertEquals(snapshot(7, 1, "seven"), SnapshotStore.open(copy).loadLatest().orElseThrow());
        }
    }

    @Test
    void aCrashDuringASaveLeavesThePreviousSnapshot() throws IOException {
        SnapshotStore.open(disk).save(snapshot(7, 1, "seven"));
        try (FileHandle handle = disk.open(SnapshotStore.fileName(9, 1) + ".tmp", true)) {
            handle.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3})); // a save interrupted before its rename
        }
        for (int seed = 0; seed < 50; seed++) {
            MemoryFileSystem copy = disk.copy();
            copy.crash(new SplittableRandom(seed));
            SnapshotStore store = SnapshotStore.open(copy);
            assertEquals(snapshot(7, 1, "seven"), store.loadLatest().orElseThrow());
            assertEquals(List.of(SnapshotStore.fileName(7, 1)), copy.list(), "temporary file removed");
        }
    }

    @Test
    void everyFlippedByteIsDetected() throws IOException {
        SnapshotStore.open(disk).save(snapshot(5, 2, "some state machine bytes"));
        String name = SnapshotStore.fileName(5, 2);
        int size = disk.contents(name).length;
        for (int offset = 0; offset < size; offset++) {
            MemoryFileSystem copy = disk.copy();
            try (FileHandle handle = copy.open(name, false)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                handle.read(offset, one);
                handle.write(offset, ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 0x01)}));
            }
            CorruptStorageException refused = assertThrows(CorruptStorageException.class,
                    () -> SnapshotStore.open(copy).load(5, 2), "offset " + offset);
            assertEquals(name, refused.file());
            assertTrue(refused.getMessage().contains(name));
        }
    }

    @Test
    void aTruncatedSnapshotIsDetected() throws IOException {
        SnapshotStore.open(disk).save(snapshot(5, 2, "some state"));
        String name = SnapshotStore.fileName(5, 2);
        try (FileHandle handle = disk.open(name, false)) {
            handle.truncate(handle.size() - 1);
        }
        assertThrows(CorruptStorageException.class, () -> SnapshotStore.open(disk).load(5, 2));
    }
}
