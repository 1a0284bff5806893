package io.raftkv.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A value read from the store with its version (the log index of the write that set it).
 *
 * @param bytes   the value; the record owns the array
 * @param version >= 1
 */
public record VersionedValue(byte[] bytes, long version) {

    /** The value decoded as UTF-8 (malformed bytes become U+FFFD). */
    public String utf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VersionedValue that && version == that.version && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(bytes) + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "VersionedValue[" + utf8() + " @" + version + "]";
    }
}
