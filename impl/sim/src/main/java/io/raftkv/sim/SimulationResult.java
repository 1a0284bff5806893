package io.raftkv.sim;

import java.util.List;

/**
 * What one seed's run did.
 *
 * @param seed the root seed
 * @param nodes the cluster size the seed picked
 * @param violations what broke, first one first (a run stops at its first violation); empty when
 *     every check held
 * @param events simulator events processed (ticks, deliveries, client and fault actions)
 * @param raftEvents events reported to the observer (the core's spec actions plus the network's
 *     drops and duplicates): the length of the run's trace
 * @param fingerprint a hash of the whole event sequence; the same seed and options give the same
 *     value
 * @param proposed commands the client's proposals the cluster accepted
 * @param acknowledged commands acknowledged to the client
 * @param parameters the per-seed fault rates and sizes, for the failure report
 */
public record SimulationResult(
    long seed,
    int nodes,
    List<String> violations,
    long events,
    long raftEvents,
    long fingerprint,
    long proposed,
    long acknowledged,
    String parameters) {

  public SimulationResult {
    violations = List.copyOf(violations);
  }

  public boolean ok() {
    return violations.isEmpty();
  }
}
