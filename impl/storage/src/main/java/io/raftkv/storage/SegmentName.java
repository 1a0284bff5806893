package io.raftkv.storage;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A segment file's name: {@code <sequence>-<firstIndex>.wal}, both decimal, zero-padded to 20
 * digits so that name order is sequence order. The sequence orders segments (1, 2, 3, ... with no
 * gap); the first index is the index the log's next entry had when the segment was created, for
 * operators. Replay order must be the sequence, not the first index: after a truncation a later
 * segment can hold entries below an earlier segment's first index.
 */
record SegmentName(long sequence, long firstIndex) implements Comparable<SegmentName> {
    private static final Pattern PATTERN = Pattern.compile("(\\d{20})-(\\d{20})\\.wal");

    SegmentName {
        if (sequence < 1 || firstIndex < 1) {
            throw new IllegalArgumentException("segment sequence and first index must be >= 1: " + sequence + ", "
                    + firstIndex);
        }
    }

    static Optional<SegmentName> parse(String fileName) {
        Matcher matcher = PATTERN.matcher(fileName);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long sequence = Long.parseLong(matcher.group(1));
        long firstIndex = Long.parseLong(matcher.group(2));
        return sequence < 1 || firstIndex < 1 ? Optional.empty() : Optional.of(new SegmentName(sequence, firstIndex));
    }

    String fileName() {
        return String.format("%020d-%020d.wal", sequence, firstIndex);
    }

    @Override
    public int compareTo(SegmentName other) {
        return Long.compare(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return fileName();
    }
}
