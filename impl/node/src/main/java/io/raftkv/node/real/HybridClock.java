package io.raftkv.node.real;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The stamps that order a node's trace lines and peer messages against every other node's: a
 * hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014) whose physical part is
 * the node's <em>tick clock</em>, not the wall clock at the moment of the stamp.
 *
 * <p>A stamp is {@code max(physical, last + 1)}, and a message handed to the node first raises
 * {@code last} to the sender's stamp, so a stamp is above every stamp that happened before it
 * (Lamport's rule: merging traces by stamp keeps causality). The physical part is the time, in
 * microseconds since the epoch, of the last tick handed to the loop: with lease reads, the wall
 * time that tick was <em>due</em> ({@link NodeRunner} hands every due tick before every input),
 * otherwise the wall time it was handed. So a stamp never runs ahead of real time by more than the
 * stamps taken since the last tick, and events with no causal chain between them are ordered as the
 * nodes' tick clocks place them. That is the order the spec needs for a leader's lease and its
 * followers' promises, which are concurrent and ordered only by time: the lease ends on the
 * leader's tick {@code leaseTicks} after its round began, a promise on the follower's tick
 * {@code electionTimeoutTicksMin} after it heard that round, so the promise's ending tick is due
 * later by at least the margin between the two, minus one tick (trace-check/README.md, "Traces of a
 * real cluster").
 *
 * <p>All nodes of a local cluster read one wall clock; each process maps its monotonic clock to
 * it once, at its start. Thread-safe; in practice used by the node's runner thread, and by the
 * starting thread before that.
 */
public final class HybridClock {
    private final long originMicros;
    private final long originNanos;
    private long physical;
    private long last;

    /**
     * @param wallMicros wall-clock microseconds since the epoch at {@code nanoTime}; the first stamp
     *                   is above it, so a node's later process stamps above an earlier one
     * @param nanoTime   {@link System#nanoTime()} read with {@code wallMicros}
     */
    public HybridClock(long wallMicros, long nanoTime) {
        this.originMicros = wallMicros;
        this.originNanos = nanoTime;
        this.physical = wallMicros;
        this.last = wallMicros;
    }

    /** A clock started now. */
    public static HybridClock startedNow() {
        long nanos = System.nanoTime();
        return new HybridClock(ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()), nanos);
    }

    /** The wall-clock microseconds the clock started at. */
    public long originMicros() {
        return originMicros;
    }

    /**
     * A tick of the node's clock, due (or handed) at {@code nanoTime} on {@link System#nanoTime()}'s
     * scale: the physical part moves there, never back.
     */
    public synchronized void tick(long nanoTime) {
        physical = Math.max(physical, originMicros + (nanoTime - originNanos) / 1000L);
    }

    /** A message stamped {@code senderStamp} is being handed to the node: later stamps are above it. */
    public synchronized void receive(long senderStamp) {
        last = Math.max(last, senderStamp);
    }

    /** The next stamp: above every stamp this clock gave or received, and at least the physical part. */
    public synchronized long stamp() {
        last = Math.max(physical, last + 1);
        return last;
    }
}
