package io.raftkv.kv;

import java.util.Arrays;

/**
 * Reads what {@link ByteWriter} writes, and nothing else: every read checks the bytes that remain
 * before it allocates or moves, so a hostile length field cannot make it allocate a huge array or
 * read past the end, and non-canonical forms (an over-long varint, a varint above 63 bits, bytes
 * after the end of a message) are refused. Refusing them makes decoding injective: when bytes
 * decode, encoding the result gives back the very same bytes, which the codec's properties check.
 * Every failure is a {@link FormatException} naming the field and the offset.
 */
final class ByteReader {
    private final byte[] data;
    private final int end;
    private int position;

    ByteReader(byte[] data) {
        this(data, data.length);
    }

    /** Reads only {@code data[0, end)}: the snapshot stops before its checksum. */
    ByteReader(byte[] data, int end) {
        this.data = data;
        this.end = end;
    }

    int position() {
        return position;
    }

    int remaining() {
        return end - position;
    }

    int readByte(String field) {
        require(1, field);
        return data[position++] & 0xff;
    }

    long readVarLong(String field) {
        int start = position;
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            require(1, field);
            int next = data[position++] & 0xff;
            if (shift == 56 && next > 0x7f) {
                throw fail(field + " is a varint above 63 bits", start);
            }
            value |= (long) (next & 0x7f) << shift;
            if (next < 0x80) {
                if (next == 0 && shift > 0) {
                    throw fail(field + " is a non-canonical varint (trailing zero byte)", start);
                }
                return value;
            }
        }
        throw fail(field + " is a varint above 63 bits", start);
    }

    /** A varint that must lie in {@code [min, max]}. */
    long readVarLong(String field, long min, long max) {
        int start = position;
        long value = readVarLong(field);
        if (value < min || value > max) {
            throw fail(field + " = " + value + " is outside [" + min + ", " + max + "]", start);
        }
        return value;
    }

    /** A length-prefixed byte string of at most {@code maxLength} bytes. */
    Bytes readBytes(String field, int maxLength) {
        int start = position;
        long length = readVarLong(field + " length");
        if (length > maxLength) {
            throw fail(field + " length " + length + " exceeds the limit " + maxLength, start);
        }
        require((int) length, field);
        byte[] slice = Arrays.copyOfRange(data, position, position + (int) length);
        position += (int) length;
        return Bytes.wrap(slice);
    }

    /** Raw bytes without a length prefix (a magic number). */
    byte[] readRaw(int length, String field) {
        require(length, field);
        byte[] slice = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return slice;
    }

    void expectEnd(String what) {
        if (position != end) {
            throw fail(what + " has " + (end - position) + " unexpected trailing byte(s)", position);
        }
    }

    FormatException fail(String message, int offset) {
        return new FormatException(message + " (at byte " + offset + ")");
    }

    private void require(int count, String field) {
        if (count < 0 || count > end - position) {
            throw fail("truncated input: " + field + " needs " + count + " byte(s), " + (end - position) + " left",
                    position);
        }
    }
}
