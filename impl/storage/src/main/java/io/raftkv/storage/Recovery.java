package io.raftkv.storage;

import io.raftkv.core.HardState;
import io.raftkv.storage.RecordCodec.Decoded;
import io.raftkv.storage.RecordCodec.Problem;
import io.raftkv.storage.WalRecord.HardStateRecord;
import io.raftkv.storage.WalRecord.SegmentHeader;
import io.raftkv.storage.fs.FileHandle;
import io.raftkv.storage.fs.FileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * Rebuilds the log's index and hard state by replaying every segment's records in sequence order.
 *
 * <p>The one damage a crash can do is to the end of the newest segment: the writer syncs a segment
 * before it creates the next one, so every older segment was complete and durable. So a record
 * that fails its frame check (short, impossible length, checksum) is a torn write, and cut away,
 * only when it is in the newest segment and no valid record follows it; anywhere else the log is
 * corrupt and recovery refuses, naming the file and offset. A record whose checksum matches but
 * that does not fit the log before it (a gap, a term going down) is corrupt wherever it is.
 */
final class Recovery {
    private final FileSystem fileSystem;
    private final LogIndex index = new LogIndex();
    private HardState hardState = HardState.EMPTY;
    private TornTail tornTail;

    /** The outcome: the index (whose segments are open), the last hard state, any torn tail cut. */
    record Result(LogIndex index, HardState hardState, Optional<TornTail> tornTail) {}

    private Recovery(FileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    static Result run(FileSystem fileSystem) throws IOException {
        List<SegmentName> names = fileSystem.list().stream().flatMap(name -> SegmentName.parse(name).stream())
                .sorted().toList();
        Recovery recovery = new Recovery(fileSystem);
        try {
            checkConsecutive(names);
            for (int i = 0; i < names.size(); i++) {
                recovery.replay(names.get(i), i == names.size() - 1);
            }
            String gap = recovery.index.checkComplete();
            if (gap != null) {
                throw new CorruptStorageException(names.get(0).fileName(), 0, gap);
            }
        } catch (IOException | RuntimeException failure) {
            for (Segment segment : recovery.index.segments()) {
                segment.handle.close();
            }
            throw failure;
        }
        return new Result(recovery.index, recovery.clampedHardState(), Optional.ofNullable(recovery.tornTail));
    }

    /**
     * The commit index can exceed the last index only when a crash kept a batch's hard state but
     * not its entries; forgetting part of the commit index is safe (a restarted node may learn it
     * again; the spec's Restart allows any smaller commit index).
     */
    private HardState clampedHardState() {
        if (hardState.commitIndex() <= index.lastIndex()) {
            return hardState;
        }
        return new HardState(hardState.currentTerm(), hardState.votedFor(), index.lastIndex());
    }

    /** Segments are removed only oldest first, so the sequence numbers left have no gap. */
    private static void checkConsecutive(List<SegmentName> names) throws CorruptStorageException {
        for (int i = 1; i < names.size(); i++) {
            if (names.get(i).sequence() != names.get(i - 1).sequence() + 1) {
                throw new CorruptStorageException(names.get(i).fileName(), 0, "the segments with sequence numbers "
                        + (names.get(i - 1).sequence() + 1) + " to " + (names.get(i).sequence() - 1) + " are missing");
            }
        }
    }

    private void replay(SegmentName name, boolean newest) throws IOException {
        FileHandle handle = fileSystem.open(name.fileName(), false);
        Segment segment = new Segment(name, handle);
        byte[] bytes = readAll(handle, name.fileName());
        Decoded first = RecordCodec.decode(bytes, 0, bytes.length);
        if (!first.ok()) {
            handle.close();
            cutTornTail(segment, bytes, 0, first.problem(), newest);
            return;
        }
        try {
            checkHeader(segment, first.record());
        } catch (CorruptStorageException corrupt) {
            handle.close();
            throw corrupt;
        }
        index.addSegment(segment);
        int offset = first.size();
        segment.preambleEnd = offset;
        while (offset < bytes.length) {
            Decoded decoded = RecordCodec.decode(bytes, offset, bytes.length);
            if (!decoded.ok()) {
                cutTornTail(segment, bytes, offset, decoded.problem(), newest);
                break;
            }
            apply(segment, offset, decoded.record());
            offset += decoded.size();
        }
        segment.size = offset;
    }

    private void checkHeader(Segment segment, WalRecord record) throws CorruptStorageException {
        if (!(record instanceof SegmentHeader header) || header.sequence() != segment.name.sequence()
                || header.firstIndex() != segment.name.firstIndex()) {
            throw new CorruptStorageException(segment.fileName(), 0, "the first record is not this segment's"
                    + " header but " + record);
        }
        if (!index.segments().isEmpty() && header.firstIndex() != index.lastIndex() + 1) {
            throw new CorruptStorageException(segment.fileName(), 0, "the segment starts at index "
                    + header.firstIndex() + " but the segments before it end at index " + index.lastIndex());
        }
    }

    private void apply(Segment segment, int offset, WalRecord record) throws CorruptStorageException {
        if (record instanceof SegmentHeader) {
            throw new CorruptStorageException(segment.fileName(), offset, "a second segment header");
        }
        String problem = index.apply(record, segment, offset);
        if (problem != null) {
            throw new CorruptStorageException(segment.fileName(), offset, problem);
        }
        if (record instanceof HardStateRecord hardStateRecord) {
            hardState = hardStateRecord.hardState();
        }
    }

    /** Cuts the segment at {@code offset} if what is wrong there can only be a torn tail; else refuses. */
    private void cutTornTail(Segment segment, byte[] bytes, int offset, Problem problem, boolean newest)
            throws IOException {
        String file = segment.fileName();
        if (!newest) {
            throw new CorruptStorageException(file, offset, problem.description + " in a sealed segment (only the"
                    + " newest segment can end in a torn write)");
        }
        if (!problem.couldBeTorn()) {
            throw new CorruptStorageException(file, offset, problem.description);
        }
        int next = findRecordAfter(bytes, offset);
        if (next >= 0) {
            throw new CorruptStorageException(file, offset, problem.description + ", yet a valid record follows at"
                    + " offset " + next + ", so this is not a torn write at the tail");
        }
        tornTail = new TornTail(file, offset, bytes.length - offset, problem.description);
        if (offset == 0) {
            fileSystem.delete(file);
            fileSystem.syncDirectory();
        } else {
            segment.handle.truncate(offset);
            segment.handle.sync();
        }
    }

    /**
     * The offset of the first place after {@code offset} where a record with a matching checksum
     * starts, or -1. Garbage matches a CRC32C by chance with probability 2^-32 per candidate, and
     * most offsets fail the length and type checks before any checksum is computed.
     */
    static int findRecordAfter(byte[] bytes, int offset) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        for (int at = offset + 1; at + RecordCodec.FRAME_BYTES <= bytes.length; at++) {
            int length = buffer.getInt(at + 4);
            byte type = bytes[at + 8];
            if (length < 1 || length > bytes.length - at - 8 || type < 1 || type > 5) {
                continue;
            }
            Decoded decoded = RecordCodec.decode(bytes, at, bytes.length);
            if (decoded.ok() || decoded.problem() == Problem.INVALID_CONTENT) {
                return at;
            }
        }
        return -1;
    }

    private static byte[] readAll(FileHandle handle, String file) throws IOException {
        long size = handle.size();
        if (size > WalOptions.SEGMENT_BYTES_LIMIT * 2) {
            throw new CorruptStorageException(file, 0, "the segment has " + size + " bytes, more than the log writes");
        }
        byte[] bytes = new byte[(int) size];
        int read = handle.read(0, ByteBuffer.wrap(bytes));
        if (read != size) {
            throw new IOException("read " + read + " of " + size + " bytes of " + file);
        }
        return bytes;
    }
}
