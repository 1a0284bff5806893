package io.raftkv.bench;

/**
 * When each operation of an open-loop run is meant to be sent: operation {@code i} at
 * {@code start + floor(i * 1e9 / rate)} nanoseconds, whatever happened to the ones before it. Its
 * latency is measured from that instant, not from when a client got round to sending it, so a
 * stall of the store shows in the latency of every operation that should have gone out during the
 * stall (the correction for coordinated omission, as in wrk2 and HdrHistogram's
 * {@code recordValueWithExpectedInterval}).
 *
 * <p>Exact integer arithmetic: the index is split into whole seconds and a remainder, so there is no
 * rounding drift and no overflow for any run shorter than centuries at up to 10 million
 * operations per second.
 */
public record OpenLoopSchedule(long startNanos, long ratePerSecond) {
    static final long NANOS_PER_SECOND = 1_000_000_000L;
    public static final long RATE_MAX = 10_000_000L;

    public OpenLoopSchedule {
        if (ratePerSecond < 1 || ratePerSecond > RATE_MAX) {
            throw new IllegalArgumentException("the rate must be in 1.." + RATE_MAX + " operations per second, got "
                    + ratePerSecond);
        }
    }

    /** The instant operation {@code index} (0-based) is meant to be sent. */
    public long intendedNanos(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("an operation index is at least 0, got " + index);
        }
        long seconds = index / ratePerSecond;
        long remainder = index % ratePerSecond;
        return startNanos + seconds * NANOS_PER_SECOND + remainder * NANOS_PER_SECOND / ratePerSecond;
    }

    /**
     * How many operations are meant to be sent before {@code nanos}: the smallest index whose intended
     * instant is at or after it (0 for any instant up to the start).
     */
    public long countBefore(long nanos) {
        long elapsed = nanos - startNanos;
        if (elapsed <= 0) {
            return 0;
        }
        long seconds = elapsed / NANOS_PER_SECOND;
        long remainder = elapsed % NANOS_PER_SECOND;
        return seconds * ratePerSecond + Math.ceilDiv(remainder * ratePerSecond, NANOS_PER_SECOND);
    }
}
