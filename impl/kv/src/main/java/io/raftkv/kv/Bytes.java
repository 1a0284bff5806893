package io.raftkv.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable byte string: keys and values of the store. Records that hold one get value
 * equality for free (a {@code byte[]} component would compare by identity), and the unsigned
 * lexicographic order makes it a {@code TreeMap} key whose iteration order is the same on every
 * replica, so snapshots and hashes are deterministic.
 */
public final class Bytes implements Comparable<Bytes> {
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] data;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /** A copy of {@code data}: later changes to the array do not reach this value. */
    public static Bytes copyOf(byte[] data) {
        Objects.requireNonNull(data, "data");
        return data.length == 0 ? EMPTY : new Bytes(data.clone());
    }

    /** The UTF-8 encoding of {@code text}. */
    public static Bytes utf8(String text) {
        return copyOf(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Takes ownership of an array the caller will never touch again (the decoder's own slices). */
    static Bytes wrap(byte[] data) {
        return data.length == 0 ? EMPTY : new Bytes(data);
    }

    public int length() {
        return data.length;
    }

    /** A fresh copy of the contents. */
    public byte[] toByteArray() {
        return data.clone();
    }

    /** The contents decoded as UTF-8 (malformed sequences become U+FFFD); for display and tests. */
    public String toUtf8() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Appends the contents to {@code writer} without copying them first. */
    void writeTo(ByteWriter writer) {
        writer.writeBytes(data);
    }

    @Override
    public int compareTo(Bytes other) {
        return Arrays.compareUnsigned(data, other.data);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bytes that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /** Printable ASCII as text in quotes, anything else as hex, so logs never show raw binary. */
    @Override
    public String toString() {
        boolean printable = true;
        for (byte b : data) {
            printable &= b >= 0x20 && b < 0x7f && b != '"';
        }
        if (printable) {
            return "\"" + new String(data, StandardCharsets.US_ASCII) + "\"";
        }
        StringBuilder hex = new StringBuilder(2 + data.length * 2).append("0x");
        for (byte b : data) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }
}
