package io.raftkv.kv;

import java.util.Arrays;

/**
 * Appends the primitive forms the codec and the snapshot use: single bytes, unsigned LEB128
 * varints for non-negative longs (1 byte below 128, at most 9 bytes for 63 bits), and
 * length-prefixed byte strings. Writing is deterministic and canonical: a value has exactly one
 * encoding, which is what {@link ByteReader} accepts.
 */
final class ByteWriter {
    private byte[] buffer;
    private int length;

    ByteWriter(int initialCapacity) {
        buffer = new byte[Math.max(16, initialCapacity)];
    }

    ByteWriter writeByte(int value) {
        check(value >= 0 && value <= 0xff, "byte out of range: " + value);
        ensure(1);
        buffer[length++] = (byte) value;
        return this;
    }

    ByteWriter writeVarLong(long value) {
        check(value >= 0, "varints encode non-negative values only, got " + value);
        ensure(9);
        long rest = value;
        while (rest >= 0x80) {
            buffer[length++] = (byte) ((rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        buffer[length++] = (byte) rest;
        return this;
    }

    /** A varint length followed by the bytes themselves. */
    ByteWriter writeBytes(byte[] data) {
        writeVarLong(data.length);
        ensure(data.length);
        System.arraycopy(data, 0, buffer, length, data.length);
        length += data.length;
        return this;
    }

    ByteWriter writeBytes(Bytes data) {
        data.writeTo(this);
        return this;
    }

    /** Four bytes, big-endian: the snapshot's trailing checksum. */
    ByteWriter writeInt32(int value) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buffer[length++] = (byte) (value >>> shift);
        }
        return this;
    }

    /** Raw bytes without a length prefix (a magic number). */
    ByteWriter writeRaw(byte[] data) {
        ensure(data.length);
        System.arraycopy(data, 0, buffer, length, data.length);
        length += data.length;
        return this;
    }

    int length() {
        return length;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, length);
    }

    private void ensure(int extra) {
        long needed = (long) length + extra;
        check(needed <= Integer.MAX_VALUE - 8, "encoding exceeds the largest array");
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * buffer.length)));
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
