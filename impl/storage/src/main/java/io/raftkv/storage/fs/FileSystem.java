package io.raftkv.storage.fs;

import java.io.IOException;
import java.util.List;

/**
 * One directory of files, the only way storage code touches the disk, so that the same code runs
 * on real files ({@link NioFileSystem}) and in the deterministic simulator ({@link MemoryFileSystem}).
 *
 * <p>Durability contract (the weakest common denominator of POSIX file systems, which is what
 * {@link MemoryFileSystem} simulates): bytes written to a file are durable only after
 * {@link FileHandle#sync()} on that file; creating, deleting and renaming a file are durable only
 * after {@link #syncDirectory()}. A crash may lose anything not yet durable, and may tear the last
 * unsynced write of a file.
 *
 * <p>Names are plain file names (no separators). Implementations are not thread-safe.
 */
public interface FileSystem {

    /** The names of the regular files in the directory, sorted. */
    List<String> list() throws IOException;

    /**
     * Opens a file for reading and writing. With {@code create}, a missing file is created empty;
     * without, a missing file is a {@link java.nio.file.NoSuchFileException}.
     */
    FileHandle open(String name, boolean create) throws IOException;

    /** Removes a file; a missing file is a {@link java.nio.file.NoSuchFileException}. */
    void delete(String name) throws IOException;

    /** Renames {@code from} to {@code to} atomically, replacing {@code to} if it exists. */
    void rename(String from, String to) throws IOException;

    /** Makes every earlier create, delete and rename in this directory durable. */
    void syncDirectory() throws IOException;
}
