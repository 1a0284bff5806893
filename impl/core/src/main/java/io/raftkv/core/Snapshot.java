package io.raftkv.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * A state-machine snapshot: the state after applying the entries up to {@code index}, whose term
 * is {@code term}, and the cluster configuration in force there ({@code membership}: that of the
 * last CONFIG entry at or below {@code index}; null when there is none, i.e. the initial
 * configuration). {@code data} is owned by the snapshot; callers must not mutate it.
 */
public record Snapshot(long index, long term, byte[] data, Membership membership) {

    /** A snapshot taken before any configuration change. */
    public Snapshot(long index, long term, byte[] data) {
        this(index, term, data, null);
    }

    public Snapshot {
        Objects.requireNonNull(data, "data");
        if (index < 1 || term < 1) {
            throw new IllegalArgumentException("snapshot index and term must be >= 1, got " + index + ", " + term);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot that && index == that.index && term == that.term
                && Arrays.equals(data, that.data) && Objects.equals(membership, that.membership);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, Arrays.hashCode(data), membership);
    }

    @Override
    public String toString() {
        return "Snapshot[index=" + index + ", term=" + term + ", " + data.length + " bytes" + (membership == null ? "" : ", " + membership) + "]";
    }
}
