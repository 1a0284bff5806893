package io.raftkv.storage;

import io.raftkv.core.Entry;
import io.raftkv.storage.RecordCodec.Decoded;
import io.raftkv.storage.WalRecord.EntryRecord;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads entry records from segment files through one window of bytes, so reading consecutive
 * entries costs one read per {@link #CHUNK_BYTES} rather than two per entry. The window stays valid
 * while its segment exists: bytes already written to a segment never change (appends only add
 * bytes after them, and a torn tail is cut before any read).
 */
final class SegmentReader {
    static final int CHUNK_BYTES = 64 * 1024;

    private Segment windowSegment;
    private long windowStart;
    private byte[] window = new byte[0];
    private int windowLength;

    /** The live entry {@code index} of {@code segment}, checksum verified. */
    Entry readEntry(Segment segment, long index) throws IOException {
        long offset = segment.offsetOf(index);
        load(segment, offset, RecordCodec.FRAME_BYTES);
        int at = (int) (offset - windowStart);
        int length = ByteBuffer.wrap(window).getInt(at + 4);
        if (length < 1 || offset + 8 + length > segment.size) {
            throw new CorruptStorageException(segment.fileName(), offset, "entry " + index
                    + " has a record length of " + length + " that does not fit in the segment");
        }
        load(segment, offset, 8 + length);
        at = (int) (offset - windowStart);
        Decoded decoded = RecordCodec.decode(window, at, at + 8 + length);
        if (!decoded.ok()) {
            throw new CorruptStorageException(segment.fileName(), offset, "entry " + index + ": "
                    + decoded.problem().description);
        }
        if (!(decoded.record() instanceof EntryRecord entryRecord) || entryRecord.entry().index() != index) {
            throw new CorruptStorageException(segment.fileName(), offset, "expected entry " + index + ", found "
                    + decoded.record());
        }
        return entryRecord.entry();
    }

    /** Forgets the window if it belongs to {@code segment} (about to be closed). */
    void forget(Segment segment) {
        if (windowSegment == segment) {
            windowSegment = null;
        }
    }

    /** Makes the window cover {@code count} bytes at {@code offset} of {@code segment}. */
    private void load(Segment segment, long offset, int count) throws IOException {
        if (segment == windowSegment && offset >= windowStart && offset + count <= windowStart + windowLength) {
            return;
        }
        if (count > window.length || window.length > 4 * CHUNK_BYTES || window.length == 0) {
            window = new byte[Math.max(count, CHUNK_BYTES)]; // allocated at first use; shrinks after a huge entry
        }
        windowSegment = null;
        int wanted = (int) Math.min(window.length, segment.size - offset);
        int read = segment.handle.read(offset, ByteBuffer.wrap(window, 0, wanted));
        if (read < count) {
            throw new CorruptStorageException(segment.fileName(), offset, "the file ends after " + (offset + read)
                    + " bytes, but " + segment.size + " were written");
        }
        windowSegment = segment;
        windowStart = offset;
        windowLength = read;
    }
}
