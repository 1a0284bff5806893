package io.raftkv.storage.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The simulated disk's crash semantics, checked over many crash seeds: synced bytes and synced
 * directory entries always survive; what is not synced survives as a prefix (of the writes, of the
 * directory operations), the first write left out possibly torn, its last bytes possibly garbled,
 * and each of these outcomes does occur; a seed always gives the same image; handles die with the
 * crash; a failing disk refuses every mutation but still reads; a copy is independent.
 */
class MemoryFileSystemTest extends FileSystemContract {
    private static final int CRASHES = 400;

    @Override
    FileSystem fileSystem() {
        return new MemoryFileSystem();
    }

    private static byte[] pattern(int length, int salt) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + salt + 1);
        }
        return bytes;
    }

    /** A durable file "log" with 100 synced bytes and three unsynced appends of 50 bytes. */
    private static MemoryFileSystem diskWithUnsyncedAppends() throws IOException {
        MemoryFileSystem fs = new MemoryFileSystem();
        try (FileHandle handle = fs.open("log", true)) {
            handle.write(0, ByteBuffer.wrap(pattern(100, 0)));
            handle.sync();
            fs.syncDirectory();
            for (int i = 0; i < 3; i++) {
                handle.write(100 + 50L * i, ByteBuffer.wrap(pattern(50, 100 + i)));
            }
        }
        return fs;
    }

    @Test
    void crashKeepsSyncedBytesAndAPrefixOfTheRest() throws IOException {
        MemoryFileSystem original = diskWithUnsyncedAppends();
        byte[] written = original.contents("log");
        Set<String> outcomes = new HashSet<>();
        for (int seed = 0; seed < CRASHES; seed++) {
            MemoryFileSystem fs = original.copy();
            fs.crash(new SplittableRandom(seed));
            byte[] survived = fs.contents("log");
            assertTrue(survived.length >= 100 && survived.length <= written.length, "length " + survived.length);
            assertArrayEquals(Arrays.copyOf(written, 100), Arrays.copyOf(survived, 100), "synced bytes changed");
            int differing = 0;
            for (int i = 100; i < survived.length; i++) {
                differing += survived[i] != written[i] ? 1 : 0;
            }
            int firstDifference = firstDifference(written, survived);
            assertTrue(differing <= MemoryFileSystem.GARBLED_BYTES_MAX
                    && (firstDifference < 0 || firstDifference >= survived.length - MemoryFileSystem.GARBLED_BYTES_MAX),
                    "garbling only at the very end of what survived");
            outcomes.add(outcome(survived.length, written.length, differing));
        }
        assertEquals(Set.of("all lost", "all kept", "torn", "garbled"), outcomes);
    }

    private static String outcome(int survived, int written, int differing) {
        if (differing > 0) {
            return "garbled";
        }
        if (survived == 100) {
            return "all lost";
        }
        return survived == written ? "all kept" : "torn";
    }

    private static int firstDifference(byte[] written, byte[] survived) {
        for (int i = 0; i < survived.length; i++) {
            if (written[i] != survived[i]) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void sameSeedSameImage() throws IOException {
        MemoryFileSystem original = diskWithUnsyncedAppends();
        for (int seed = 0; seed < 50; seed++) {
            MemoryFileSystem first = original.copy();
            MemoryFileSystem second = original.copy();
            first.crash(new SplittableRandom(seed));
            second.crash(new SplittableRandom(seed));
            assertArrayEquals(first.contents("log"), second.contents("log"));
        }
    }

    @Test
    void afterACrashEverythingThatSurvivedIsDurable() throws IOException {
        MemoryFileSystem fs = diskWithUnsyncedAppends();
        fs.crash(new SplittableRandom(3));
        byte[] survived = fs.contents("log");
        for (int seed = 0; seed < 20; seed++) {
            MemoryFileSystem again = fs.copy();
            again.crash(new SplittableRandom(seed));
            assertArrayEquals(survived, again.contents("log"));
        }
    }

    @Test
    void directoryEntriesAreVolatileUntilTheDirectoryIsSynced() throws IOException {
        MemoryFileSystem fs = new MemoryFileSystem();
        fs.open("kept", true).close();
        fs.syncDirectory();
        try (FileHandle handle = fs.open("new", true)) {
            handle.write(0, ByteBuffer.wrap(pattern(10, 0)));
            handle.sync(); // the data is durable, the name is not
        }
        fs.delete("kept");
        Set<List<String>> outcomes = new HashSet<>();
        for (int seed = 0; seed < CRASHES; seed++) {
            MemoryFileSystem copy = fs.copy();
            copy.crash(new SplittableRandom(seed));
            outcomes.add(copy.list());
            if (copy.list().contains("new")) {
                assertArrayEquals(pattern(10, 0), copy.contents("new"));
            }
        }
        // operations survive as a prefix: create then delete, never the delete alone
        assertEquals(Set.of(List.of("kept"), List.of("kept", "new"), List.of("new")), outcomes);
        fs.syncDirectory();
        for (int seed = 0; seed < 50; seed++) {
            MemoryFileSystem copy = fs.copy();
            copy.crash(new SplittableRandom(seed));
            assertEquals(List.of("new"), copy.list());
        }
    }

    @Test
    void renameIsAtomicAcrossACrash() throws IOException {
        MemoryFileSystem fs = new MemoryFileSystem();
        try (FileHandle handle = fs.open("target", true)) {
            handle.write(0, ByteBuffer.wrap(pattern(8, 1)));
            handle.sync();
        }
        try (FileHandle handle = fs.open("target.tmp", true)) {
            handle.write(0, ByteBuffer.wrap(pattern(8, 2)));
            handle.sync();
        }
        fs.syncDirectory();
        fs.rename("target.tmp", "target");
        for (int seed = 0; seed < 100; seed++) {
            MemoryFileSystem copy = fs.copy();
            copy.crash(new SplittableRandom(seed));
            byte[] target = copy.contents("target");
            boolean old = Arrays.equals(pattern(8, 1), target) && copy.list().contains("target.tmp");
            boolean renamed = Arrays.equals(pattern(8, 2), target) && !copy.list().contains("target.tmp");
            assertTrue(old || renamed, "seed " + seed + ": " + copy.list());
        }
    }

    @Test
    void handlesDieWithTheCrash() throws IOException {
        MemoryFileSystem fs = diskWithUnsyncedAppends();
        FileHandle handle = fs.open("log", false);
        fs.crash(new SplittableRandom(1));
        assertThrows(IOException.class, handle::size);
        assertThrows(IOException.class, () -> handle.write(0, ByteBuffer.allocate(1)));
        try (FileHandle fresh = fs.open("log", false)) {
            assertTrue(fresh.size() >= 100);
        }
    }

    @Test
    void failingDiskRefusesMutationsButReads() throws IOException {
        MemoryFileSystem fs = diskWithUnsyncedAppends();
        IOException full = new IOException("No space left on device");
        fs.failWrites(full);
        try (FileHandle handle = fs.open("log", false)) {
            assertEquals(250, handle.size());
            assertEquals(10, handle.read(0, ByteBuffer.allocate(10)));
            assertSame(full, assertThrows(IOException.class, () -> handle.write(250, ByteBuffer.allocate(1))));
            assertSame(full, assertThrows(IOException.class, handle::sync));
            assertSame(full, assertThrows(IOException.class, () -> handle.truncate(0)));
        }
        assertSame(full, assertThrows(IOException.class, () -> fs.open("other", true)));
        assertSame(full, assertThrows(IOException.class, () -> fs.delete("log")));
        assertSame(full, assertThrows(IOException.class, () -> fs.rename("log", "x")));
        assertSame(full, assertThrows(IOException.class, fs::syncDirectory));
        fs.failWrites(null);
        fs.open("other", true).close();
        assertEquals(List.of("log", "other"), fs.list());
    }

    @Test
    void copyIsIndependentAndCountsSyncs() throws IOException {
        MemoryFileSystem fs = diskWithUnsyncedAppends();
        assertEquals(1, fs.fileSyncCount());
        assertEquals(1, fs.directorySyncCount());
        MemoryFileSystem copy = fs.copy();
        try (FileHandle handle = copy.open("log", false)) {
            handle.truncate(10);
            handle.sync();
        }
        assertEquals(250, fs.contents("log").length);
        assertEquals(10, copy.contents("log").length);
        assertEquals(2, copy.fileSyncCount());
        assertFalse(fs.fileSyncCount() == copy.fileSyncCount());
    }

    @Test
    void overwrittenSyncedBytesComeBackIfTheOverwriteIsLost() throws IOException {
        MemoryFileSystem fs = new MemoryFileSystem();
        try (FileHandle handle = fs.open("f", true)) {
            handle.write(0, ByteBuffer.wrap(pattern(20, 0)));
            handle.sync();
            fs.syncDirectory();
            handle.write(5, ByteBuffer.wrap(pattern(5, 9)));
            handle.truncate(12);
        }
        Set<Integer> lengths = new HashSet<>();
        for (int seed = 0; seed < 200; seed++) {
            MemoryFileSystem copy = fs.copy();
            copy.crash(new SplittableRandom(seed));
            byte[] survived = copy.contents("f");
            lengths.add(survived.length);
            if (survived.length == 20) {
                assertArrayEquals(Arrays.copyOfRange(pattern(20, 0), 10, 20), Arrays.copyOfRange(survived, 10, 20));
            }
        }
        assertEquals(Set.of(12, 20), lengths, "the truncation is lost or kept");
    }
}
