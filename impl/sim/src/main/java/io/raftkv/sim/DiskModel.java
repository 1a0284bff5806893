package io.raftkv.sim;

import java.util.SplittableRandom;

/**
 * How one seed's disks behave: how long an fsync takes (a queue: a write's fsync never finishes
 * before an earlier one's), how often one is slow and how slow, and how long the completion notice
 * then takes to reach the node loop (in order, or not).
 *
 * <p>Times are in simulator units ({@link Simulation#TICK_UNITS} per tick). A slow fsync of up to
 * {@code slowUnitsMax} holds up every write queued behind it, as a real disk's queue does; at the
 * largest setting that is three minimum election timeouts, long enough that a leader's own log
 * lags its followers' and a follower's acknowledgements are held across elections.
 *
 * @param fsyncUnitsMax an ordinary fsync takes 1..this
 * @param slowProbability the chance that one fsync is slow
 * @param slowUnitsMax a slow fsync takes up to this
 * @param completionUnitsMax a completion notice takes 0..this after its fsync
 * @param reorderCompletions whether notices may overtake each other (else each waits for the one
 *     before)
 * @param fsyncLies for tests only: an fsync returns without syncing, as a disk whose volatile
 *     cache acknowledges writes it has not stored; the simulator must catch the lost records
 */
record DiskModel(
    int fsyncUnitsMax,
    double slowProbability,
    int slowUnitsMax,
    int completionUnitsMax,
    boolean reorderCompletions,
    boolean fsyncLies) {

  DiskModel {
    Checks.check(fsyncUnitsMax >= 1 && completionUnitsMax >= 0, "bad disk model");
    Checks.check(slowProbability == 0 || slowUnitsMax > fsyncUnitsMax, "bad slow fsync bound");
  }

  /** A seed's disks: each fault the options allow is on with some probability, at some strength. */
  static DiskModel random(SplittableRandom random, SimulationOptions options) {
    int fsync = new int[] {2, 5, 20}[random.nextInt(3)];
    double slow = 0;
    int slowMax = 0;
    if (options.has(Fault.SLOW_DISK) && random.nextInt(3) != 0) {
      slow = new double[] {0.01, 0.05, 0.2}[random.nextInt(3)];
      slowMax = new int[] {100, 300}[random.nextInt(2)];
    }
    boolean reorder = options.has(Fault.REORDER_COMPLETIONS) && random.nextInt(3) != 0;
    int completion = reorder ? new int[] {10, 40}[random.nextInt(2)] : 2;
    return new DiskModel(fsync, slow, slowMax, completion, reorder, false);
  }

  /** The same disks without their faults (the liveness phase): no slow fsyncs, notices in order. */
  DiskModel healthy() {
    return new DiskModel(fsyncUnitsMax, 0, 0, Math.min(completionUnitsMax, 2), false, fsyncLies);
  }

  /** The same disks, lying about fsync (tests only). */
  DiskModel lying() {
    return new DiskModel(
        fsyncUnitsMax, slowProbability, slowUnitsMax, completionUnitsMax, reorderCompletions, true);
  }

  long fsyncUnits(SplittableRandom random) {
    if (slowProbability > 0 && random.nextDouble() < slowProbability) {
      return fsyncUnitsMax + 1 + random.nextInt(slowUnitsMax - fsyncUnitsMax);
    }
    return 1 + random.nextInt(fsyncUnitsMax);
  }

  long completionUnits(SplittableRandom random) {
    return completionUnitsMax == 0 ? 0 : random.nextInt(completionUnitsMax + 1);
  }

  String describe() {
    return "fsync 1.." + fsyncUnitsMax + " units"
        + (slowProbability > 0 ? ", slow " + slowProbability + " up to " + slowUnitsMax : "")
        + ", completions " + (reorderCompletions ? "reordered " : "in order ") + "0.."
        + completionUnitsMax;
  }

  boolean slow(long fsyncUnits) {
    return fsyncUnits > fsyncUnitsMax;
  }
}
