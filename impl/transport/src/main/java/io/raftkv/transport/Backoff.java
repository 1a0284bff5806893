package io.raftkv.transport;

import io.raftkv.core.Assert;
import java.util.SplittableRandom;

/**
 * Reconnect delays: after the k-th consecutive failure the ceiling is min(max, min x 2^k) and the
 * delay is drawn uniformly from [ceiling / 2, ceiling]. The doubling keeps a dead peer cheap, the
 * cap keeps a healed partition from waiting long, and the jitter keeps the nodes of a cluster that
 * lost a peer together from reconnecting in lockstep. The generator is seeded, so a run's delays
 * are reproducible from its configuration. Thread-safe: failures are reported from I/O threads.
 */
final class Backoff {
    /** Enough doublings to reach any ceiling from 1 ms; more would only risk overflow. */
    private static final int FAILURES_COUNTED_MAX = 63;

    private final long ceilingMin;
    private final long ceilingMax;
    private final SplittableRandom random;
    /** Consecutive failures since the last success; the exponent of the ceiling. */
    private int failures;

    Backoff(long ceilingMin, long ceilingMax, long seed) {
        if (ceilingMin < 1 || ceilingMin > ceilingMax) {
            throw new IllegalArgumentException("backoff needs 1 <= min <= max, got [" + ceilingMin + ", "
                    + ceilingMax + "]");
        }
        this.ceilingMin = ceilingMin;
        this.ceilingMax = ceilingMax;
        this.random = new SplittableRandom(seed);
    }

    /** The delay before the next attempt, in milliseconds; counts one more failure. */
    synchronized long nextDelayMillis() {
        long ceiling = ceilingMin;
        for (int k = 0; k < failures && ceiling < ceilingMax; k++) {
            ceiling = Math.min(ceilingMax, ceiling * 2);
        }
        failures = Math.min(failures + 1, FAILURES_COUNTED_MAX);
        long floor = ceiling / 2;
        long delay = floor + random.nextLong(ceiling - floor + 1);
        Assert.check(delay >= floor && delay <= ceilingMax, "backoff delay %d outside [%d, %d]", delay, floor,
                ceilingMax);
        return delay;
    }

    /** A connection got through: the next failure starts from the smallest ceiling again. */
    synchronized void reset() {
        failures = 0;
    }

    /** The handshake was refused: that is not fixed in milliseconds, so wait as long as allowed. */
    synchronized void saturate() {
        failures = FAILURES_COUNTED_MAX;
    }

    /** A generator per (seed, node, peer): links of one node, and nodes of one run, differ. */
    static long linkSeed(long seed, int selfId, int peerId) {
        return seed ^ (selfId * 0x9E3779B97F4A7C15L) ^ (peerId * 0xC2B2AE3D27D4EB4FL);
    }
}
