package io.raftkv.sim;

import java.util.EnumSet;
import java.util.Set;

/**
 * How to size and shape one simulated run.
 *
 * @param nodes cluster size; 0 picks 3 or 5 per seed
 * @param safetyTicks length of the safety phase (faults on), in ticks of the Raft core
 * @param livenessTicks budget of the liveness phase (healed, faults off): within it a leader must
 *     be elected within the election bounds and every acknowledged command must be applied on every
 *     node; a budget of {@value Simulation#FAILOVER_LIVENESS_TICKS_MIN} ticks or more also crashes
 *     the leader twice, each time holding the next election to the failover bounds
 * @param faults the faults the safety phase may inject (each seed picks its own rates)
 * @param checkCoreInvariants whether the core's own assertions run (its always-on checks and the
 *     {@code checkInvariants()} at the end of every input); off only to see what the simulator's
 *     cluster-wide checks catch alone
 * @param snapshotEvery how many entries a node applies after its last snapshot before it takes the
 *     next one and compacts its log ({@code NodeLoop.snapshotEvery}); 0 never;
 *     {@link #SNAPSHOT_EVERY_PER_SEED} draws it per seed from {@value Simulation#SNAPSHOT_EVERY_MIN}
 *     .. {@value Simulation#SNAPSHOT_EVERY_MAX}
 */
public record SimulationOptions(
    int nodes,
    long safetyTicks,
    long livenessTicks,
    Set<Fault> faults,
    boolean checkCoreInvariants,
    long snapshotEvery) {

  public static final long DEFAULT_SAFETY_TICKS = 2000;
  public static final long DEFAULT_LIVENESS_TICKS = 1000;
  /** {@link #snapshotEvery} drawn per seed (the default). */
  public static final long SNAPSHOT_EVERY_PER_SEED = -1;

  public SimulationOptions {
    if (nodes != 0 && (nodes < 1 || nodes > 9)) {
      throw new IllegalArgumentException("nodes must be 0 (3 or 5 per seed) or 1..9, not " + nodes);
    }
    if (safetyTicks < 0 || livenessTicks < 1) {
      throw new IllegalArgumentException(
          "need safetyTicks >= 0 and livenessTicks >= 1, not " + safetyTicks + ", " + livenessTicks);
    }
    if (snapshotEvery < SNAPSHOT_EVERY_PER_SEED) {
      throw new IllegalArgumentException(
          "snapshotEvery must be >= 0 (0: never), or drawn per seed, not " + snapshotEvery);
    }
    faults = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
  }

  /** Every fault, 3 or 5 nodes per seed, the default phase lengths, snapshots as each seed draws. */
  public static SimulationOptions defaults() {
    return new SimulationOptions(
        0, DEFAULT_SAFETY_TICKS, DEFAULT_LIVENESS_TICKS, Fault.all(), true, SNAPSHOT_EVERY_PER_SEED);
  }

  public SimulationOptions withNodes(int value) {
    return new SimulationOptions(
        value, safetyTicks, livenessTicks, faults, checkCoreInvariants, snapshotEvery);
  }

  public SimulationOptions withSafetyTicks(long value) {
    return new SimulationOptions(nodes, value, livenessTicks, faults, checkCoreInvariants, snapshotEvery);
  }

  public SimulationOptions withLivenessTicks(long value) {
    return new SimulationOptions(nodes, safetyTicks, value, faults, checkCoreInvariants, snapshotEvery);
  }

  public SimulationOptions withFaults(Set<Fault> value) {
    return new SimulationOptions(
        nodes, safetyTicks, livenessTicks, value, checkCoreInvariants, snapshotEvery);
  }

  public SimulationOptions withCoreInvariants(boolean value) {
    return new SimulationOptions(nodes, safetyTicks, livenessTicks, faults, value, snapshotEvery);
  }

  public SimulationOptions withSnapshotEvery(long value) {
    return new SimulationOptions(nodes, safetyTicks, livenessTicks, faults, checkCoreInvariants, value);
  }

  public boolean has(Fault fault) {
    return faults.contains(fault);
  }
}
