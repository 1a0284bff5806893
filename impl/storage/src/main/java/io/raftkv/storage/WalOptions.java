package io.raftkv.storage;

/**
 * Limits of a {@link WriteAheadLog}.
 *
 * @param segmentBytesMax a segment is sealed and a new one started when the next record would take
 *                        it past this (a single record larger than this gets a segment of its own)
 * @param cacheBytesMax   bound on the decoded entries kept in memory, counted as
 *                        {@link io.raftkv.core.Entry#sizeBytes()}
 */
public record WalOptions(long segmentBytesMax, long cacheBytesMax) {
    public static final long SEGMENT_BYTES_MIN = 256;
    public static final long SEGMENT_BYTES_LIMIT = 1L << 30;

    /** 64 MiB segments, a 16 MiB cache. */
    public static final WalOptions DEFAULT = new WalOptions(64L << 20, 16L << 20);

    public WalOptions {
        if (segmentBytesMax < SEGMENT_BYTES_MIN || segmentBytesMax > SEGMENT_BYTES_LIMIT) {
            throw new IllegalArgumentException("segmentBytesMax must be in [" + SEGMENT_BYTES_MIN + ", "
                    + SEGMENT_BYTES_LIMIT + "], got " + segmentBytesMax);
        }
        if (cacheBytesMax < 0) {
            throw new IllegalArgumentException("cacheBytesMax must be >= 0, got " + cacheBytesMax);
        }
    }

    public WalOptions withSegmentBytesMax(long value) {
        return new WalOptions(value, cacheBytesMax);
    }

    public WalOptions withCacheBytesMax(long value) {
        return new WalOptions(segmentBytesMax, value);
    }
}
