package io.raftkv.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file-system contract over real files, plus: only regular files are listed. */
class NioFileSystemTest extends FileSystemContract {
    @TempDir
    Path directory;

    @Override
    FileSystem fileSystem() throws IOException {
        return new NioFileSystem(directory.resolve("data"));
    }

    @Test
    void subdirectoriesAreNotListed() throws IOException {
        NioFileSystem fs = new NioFileSystem(directory.resolve("data"));
        Files.createDirectory(fs.directory().resolve("sub"));
        fs.open("file", true).close();
        assertEquals(List.of("file"), fs.list());
    }
}
