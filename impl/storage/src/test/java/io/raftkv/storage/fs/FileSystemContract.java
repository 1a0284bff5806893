package io.raftkv.storage.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link FileSystem} must do on a healthy disk, run against each implementation, so
 * that code tested over {@link MemoryFileSystem} behaves the same over real files.
 */
abstract class FileSystemContract {

    abstract FileSystem fileSystem() throws IOException;

    static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    static String read(FileHandle handle, long position, int count) throws IOException {
        ByteBuffer into = ByteBuffer.allocate(count);
        int read = handle.read(position, into);
        return new String(into.array(), 0, read, StandardCharsets.UTF_8);
    }

    @Test
    void listIsSortedAndOpenCreatesOnlyWhenAsked() throws IOException {
        FileSystem fs = fileSystem();
        assertThrows(NoSuchFileException.class, () -> fs.open("missing", false));
        fs.open("b", true).close();
        fs.open("a", true).close();
        fs.open("c", true).close();
        assertEquals(List.of("a", "b", "c"), fs.list());
    }

    @Test
    void positionalReadsAndWrites() throws IOException {
        FileSystem fs = fileSystem();
        try (FileHandle handle = fs.open("f", true)) {
            handle.write(0, bytes("hello world"));
            handle.write(6, bytes("there"));
            assertEquals(11, handle.size());
            assertEquals("hello there", read(handle, 0, 100));
            assertEquals("there", read(handle, 6, 5));
            assertEquals("", read(handle, 11, 5));
            assertEquals("", read(handle, 50, 5));
            handle.write(13, bytes("!"));
            assertEquals(14, handle.size());
            assertArrayEquals(new byte[] {'e', 0, 0, '!'}, read(handle, 10, 4).getBytes(StandardCharsets.UTF_8));
            handle.sync();
        }
        try (FileHandle again = fs.open("f", false)) {
            assertEquals("hello there", read(again, 0, 11));
        }
    }

    @Test
    void truncateCutsTheEnd() throws IOException {
        FileSystem fs = fileSystem();
        try (FileHandle handle = fs.open("f", true)) {
            handle.write(0, bytes("0123456789"));
            handle.truncate(4);
            assertEquals(4, handle.size());
            assertEquals("0123", read(handle, 0, 10));
            handle.truncate(8);
            assertEquals(4, handle.size(), "truncate never extends");
            handle.write(4, bytes("ab"));
            assertEquals("0123ab", read(handle, 0, 10));
        }
    }

    @Test
    void renameReplacesAndDeleteRemoves() throws IOException {
        FileSystem fs = fileSystem();
        try (FileHandle handle = fs.open("new.tmp", true)) {
            handle.write(0, bytes("new"));
        }
        try (FileHandle handle = fs.open("target", true)) {
            handle.write(0, bytes("old"));
        }
        fs.rename("new.tmp", "target");
        fs.syncDirectory();
        assertEquals(List.of("target"), fs.list());
        try (FileHandle handle = fs.open("target", false)) {
            assertEquals("new", read(handle, 0, 10));
        }
        fs.delete("target");
        assertEquals(List.of(), fs.list());
        assertThrows(NoSuchFileException.class, () -> fs.delete("target"));
        assertThrows(NoSuchFileException.class, () -> fs.rename("target", "other"));
    }

    @Test
    void namesMustBePlain() throws IOException {
        FileSystem fs = fileSystem();
        assertThrows(IllegalArgumentException.class, () -> fs.open("../escape", true));
        assertThrows(IllegalArgumentException.class, () -> fs.open("", true));
    }
}
