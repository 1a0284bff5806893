package io.raftkv.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One log entry: the spec's {@code [term, value]} plus its position. {@code data} is owned by the
 * entry; callers must not mutate the array after handing it over (the core never mutates it).
 *
 * @param index position in the log, >= 1
 * @param term  term of the leader that created the entry, >= 1
 * @param type  NOOP (spec value 0), COMMAND or CONFIG
 * @param data  payload, empty for NOOP
 */
public record Entry(long index, long term, EntryType type, byte[] data) {

    /** Bytes an entry costs besides its payload when sizing messages (index, term, type, length). */
    public static final int OVERHEAD_BYTES = 24;

    public Entry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (index < 1) {
            throw new IllegalArgumentException("entry index must be >= 1, got " + index);
        }
        if (term < 1) {
            throw new IllegalArgumentException("entry term must be >= 1, got " + term);
        }
        if (type == EntryType.NOOP && data.length != 0) {
            throw new IllegalArgumentException("a NOOP entry carries no data");
        }
    }

    public static Entry noop(long index, long term) {
        return new Entry(index, term, EntryType.NOOP, new byte[0]);
    }

    public static Entry command(long index, long term, byte[] data) {
        return new Entry(index, term, EntryType.COMMAND, data);
    }

    /** The size this entry counts for against {@link Config#maxMessageBytes()}. */
    public long sizeBytes() {
        return OVERHEAD_BYTES + (long) data.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Entry that
                && index == that.index
                && term == that.term
                && type == that.type
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, type, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return index + "@" + term + ":" + describeData();
    }

    /** NOOP, or the payload as text when printable, else its length. */
    public String describeData() {
        if (type == EntryType.NOOP) {
            return "noop";
        }
        if (type == EntryType.CONFIG) {
            try {
                return "config(" + Membership.decode(data) + ")";
            } catch (IllegalArgumentException notOne) {
                return "config(" + data.length + "B)";
            }
        }
        StringBuilder text = new StringBuilder(data.length);
        boolean printable = true;
        for (byte b : data) {
            printable &= b >= 0x20 && b < 0x7f;
            text.append((char) b);
        }
        String body = printable ? text.toString() : data.length + "B";
        return type == EntryType.CONFIG ? "config(" + body + ")" : body;
    }
}
