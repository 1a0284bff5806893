package io.raftkv.storage;

import io.raftkv.core.Assert;
import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.HardState;
import io.raftkv.storage.WalRecord.EntryRecord;
import io.raftkv.storage.WalRecord.HardStateRecord;
import io.raftkv.storage.WalRecord.SegmentHeader;
import io.raftkv.storage.WalRecord.SnapshotMarker;
import io.raftkv.storage.WalRecord.Truncation;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The framing of a write-ahead-log record, all integers big-endian:
 * <pre>
 *   offset 0  u32  CRC32C of bytes 4 .. 8+length (the length field, the type and the body)
 *          4  u32  length = 1 + body length (>= 1)
 *          8  u8   type (see {@link WalRecord})
 *          9  body
 * </pre>
 * Bodies: segment header = magic u32 "RKVW", version u8, sequence u64, first index u64; entry =
 * index u64, term u64, kind u8 (0 noop, 1 command, 2 config), data (the rest); hard state =
 * current term u64, voted for u32, commit index u64; truncation = from index u64; snapshot marker
 * = index u64, term u64, flags u8 (bit 0: voids later entries; other bits zero).
 *
 * <p>A frame whose checksum does not match, or that does not fit in the bytes left, could be a torn
 * write; a frame whose checksum matches but whose content is invalid cannot be, and is corruption
 * (or a newer format).
 */
final class RecordCodec {
    static final int FRAME_BYTES = 9;

    private RecordCodec() {}

    /** Why bytes at an offset are not a valid record. */
    enum Problem {
        SHORT_FRAME("fewer bytes left than a record header"),
        BAD_LENGTH("record length is zero or runs past the end of the file"),
        CHECKSUM_MISMATCH("checksum mismatch"),
        INVALID_CONTENT("checksum matches but the content is invalid");

        final String description;

        Problem(String description) {
            this.description = description;
        }

        /** Whether a crash in the middle of writing the record can produce this. */
        boolean couldBeTorn() {
            return this != INVALID_CONTENT;
        }
    }

    /** The outcome of decoding at an offset: a record and its size in bytes, or a problem. */
    record Decoded(WalRecord record, int size, Problem problem) {
        boolean ok() {
            return problem == null;
        }
    }

    static int encodedSize(WalRecord record) {
        return FRAME_BYTES + bodySize(record);
    }

    private static int bodySize(WalRecord record) {
        return switch (record) {
            case SegmentHeader header -> 21;
            case EntryRecord entry -> 17 + entry.entry().data().length;
            case HardStateRecord hardState -> 20;
            case Truncation truncation -> 8;
            case SnapshotMarker marker -> 17;
        };
    }

    /** Appends the record's bytes at the buffer's position; the buffer must have room and an array. */
    static void encode(WalRecord record, ByteBuffer out) {
        int start = out.position();
        int bodySize = bodySize(record);
        out.putInt(0).putInt(1 + bodySize).put(record.type());
        switch (record) {
            case SegmentHeader header -> out.putInt(SegmentHeader.MAGIC).put(SegmentHeader.VERSION)
                    .putLong(header.sequence()).putLong(header.firstIndex());
            case EntryRecord entryRecord -> {
                Entry entry = entryRecord.entry();
                out.putLong(entry.index()).putLong(entry.term()).put(kindOf(entry.type())).put(entry.data());
            }
            case HardStateRecord hardStateRecord -> {
                HardState hardState = hardStateRecord.hardState();
                out.putLong(hardState.currentTerm()).putInt(hardState.votedFor()).putLong(hardState.commitIndex());
            }
            case Truncation truncation -> out.putLong(truncation.fromIndex());
            case SnapshotMarker marker -> out.putLong(marker.index()).putLong(marker.term())
                    .put((byte) (marker.voidsLaterEntries() ? 1 : 0));
        }
        Assert.check(out.position() - start == FRAME_BYTES + bodySize, "encoded size of %s", record);
        out.putInt(start, checksum(out.array(), out.arrayOffset() + start + 4, 5 + bodySize));
    }

    /** Decodes the record at {@code offset}, reading no byte at or beyond {@code limit}. */
    static Decoded decode(byte[] bytes, int offset, int limit) {
        if (limit - offset < FRAME_BYTES) {
            return new Decoded(null, 0, Problem.SHORT_FRAME);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, limit);
        int length = buffer.getInt(offset + 4);
        if (length < 1 || length > limit - offset - 8) {
            return new Decoded(null, 0, Problem.BAD_LENGTH);
        }
        if (buffer.getInt(offset) != checksum(bytes, offset + 4, 4 + length)) {
            return new Decoded(null, 0, Problem.CHECKSUM_MISMATCH);
        }
        WalRecord record = decodeBody(buffer.get(offset + 8), buffer.slice(offset + FRAME_BYTES, length - 1));
        return record == null
                ? new Decoded(null, 0, Problem.INVALID_CONTENT)
                : new Decoded(record, 8 + length, null);
    }

    /** The body's record, or null when the type is unknown or the body does not fit it. */
    private static WalRecord decodeBody(byte type, ByteBuffer body) {
        try {
            WalRecord record = switch (type) {
                case 1 -> decodeHeader(body);
                case 2 -> decodeEntry(body);
                case 3 -> new HardStateRecord(new HardState(body.getLong(), body.getInt(), body.getLong()));
                case 4 -> new Truncation(positive(body.getLong()));
                case 5 -> decodeMarker(body);
                default -> null;
            };
            return record != null && !body.hasRemaining() ? record : null;
        } catch (RuntimeException invalid) {
            return null; // BufferUnderflowException or a field out of range: invalid content
        }
    }

    private static SegmentHeader decodeHeader(ByteBuffer body) {
        if (body.getInt() != SegmentHeader.MAGIC || body.get() != SegmentHeader.VERSION) {
            return null;
        }
        return new SegmentHeader(positive(body.getLong()), positive(body.getLong()));
    }

    private static SnapshotMarker decodeMarker(ByteBuffer body) {
        long index = positive(body.getLong());
        long term = positive(body.getLong());
        byte flags = body.get();
        return (flags & ~1) != 0 ? null : new SnapshotMarker(index, term, flags == 1);
    }

    private static EntryRecord decodeEntry(ByteBuffer body) {
        long index = body.getLong();
        long term = body.getLong();
        EntryType type = typeOf(body.get());
        byte[] data = new byte[body.remaining()];
        body.get(data);
        return new EntryRecord(new Entry(index, term, type, data));
    }

    private static long positive(long value) {
        if (value < 1) {
            throw new IllegalArgumentException("expected a positive value, got " + value);
        }
        return value;
    }

    /** Explicit codes, so reordering the enum can never change the meaning of stored bytes. */
    private static byte kindOf(EntryType type) {
        return switch (type) {
            case NOOP -> 0;
            case COMMAND -> 1;
            case CONFIG -> 2;
        };
    }

    private static EntryType typeOf(byte kind) {
        return switch (kind) {
            case 0 -> EntryType.NOOP;
            case 1 -> EntryType.COMMAND;
            case 2 -> EntryType.CONFIG;
            default -> throw new IllegalArgumentException("unknown entry kind " + kind);
        };
    }

    static int checksum(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
