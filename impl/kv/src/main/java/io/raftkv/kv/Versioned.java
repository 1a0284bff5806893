package io.raftkv.kv;

import java.util.Objects;

/**
 * A stored value and its version: the index of the log entry that last wrote the key. Versions
 * are never 0 (0 stands for "absent" in compare-and-set) and grow with every write of the key.
 */
public record Versioned(Bytes value, long version) {
    public Versioned {
        Objects.requireNonNull(value, "value");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, got " + version);
        }
    }
}
