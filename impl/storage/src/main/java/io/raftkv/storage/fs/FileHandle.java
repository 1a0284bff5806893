package io.raftkv.storage.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** An open file of a {@link FileSystem}: positional reads and writes, no shared file pointer. */
public interface FileHandle extends Closeable {

    /** The current size in bytes, including bytes written but not yet synced. */
    long size() throws IOException;

    /**
     * Reads from {@code position} until {@code into} is full or the end of the file is reached.
     *
     * @return the number of bytes read, 0 when {@code position} is at or beyond the end
     */
    int read(long position, ByteBuffer into) throws IOException;

    /** Writes every remaining byte of {@code from} at {@code position}, extending the file if needed. */
    void write(long position, ByteBuffer from) throws IOException;

    /** Cuts the file to {@code size} bytes (no effect if it is not longer). */
    void truncate(long size) throws IOException;

    /** Makes the file's content and size durable (fdatasync); not its directory entry. */
    void sync() throws IOException;
}
