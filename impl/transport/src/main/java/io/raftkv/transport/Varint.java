package io.raftkv.transport;

import io.netty.buffer.ByteBuf;

/**
 * Unsigned LEB128 integers: seven bits per byte, least significant group first, the high bit set on
 * every byte but the last. Terms, indexes and ids are small, so most take one to three bytes. Every
 * bit pattern of a long round-trips (a negative value takes ten bytes), so the codec needs no
 * opinion about which values the core allows.
 *
 * <p>Decoding accepts only the canonical (shortest) form and rejects overflow, so that one value
 * has one encoding and garbage is caught as early as possible.
 */
final class Varint {
    private Varint() {}

    static final int LONG_BYTES_MAX = 10;

    static int longBytes(long value) {
        int bits = 64 - Long.numberOfLeadingZeros(value);
        return bits == 0 ? 1 : (bits + 6) / 7;
    }

    /** An int is encoded as its unsigned 32-bit value (at most five bytes). */
    static int intBytes(int value) {
        return longBytes(Integer.toUnsignedLong(value));
    }

    static void writeLong(ByteBuf out, long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.writeByte((int) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        out.writeByte((int) rest);
    }

    static void writeInt(ByteBuf out, int value) {
        writeLong(out, Integer.toUnsignedLong(value));
    }

    static long readLong(ByteBuf in, String field) throws ProtocolException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!in.isReadable()) {
                throw new ProtocolException("truncated %s", field);
            }
            int b = in.readUnsignedByte();
            // The tenth byte holds only bit 63: anything else would not fit in 64 bits.
            if (shift == 63 && b > 1) {
                throw new ProtocolException("%s does not fit in 64 bits", field);
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && shift > 0) {
                    throw new ProtocolException("%s is not in canonical (shortest) form", field);
                }
                return result;
            }
        }
        throw new ProtocolException("%s is longer than %d bytes", field, LONG_BYTES_MAX);
    }

    static int readInt(ByteBuf in, String field) throws ProtocolException {
        long value = readLong(in, field);
        if (value >>> 32 != 0) {
            throw new ProtocolException("%s does not fit in 32 bits: %d", field, value);
        }
        return (int) value;
    }
}
