package io.raftkv.sim;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one seed's run did.
 *
 * @param seed the root seed
 * @param nodes the cluster size the seed picked
 * @param violations what broke, first one first (a run stops at its first violation); empty when
 *     every check held
 * @param events simulator events processed (ticks, deliveries, disk, client and fault actions)
 * @param raftEvents events reported to the observer (the core's spec actions plus the network's
 *     drops and duplicates): the length of the run's trace
 * @param fingerprint a hash of the whole event sequence; the same seed and options give the same
 *     value
 * @param proposed commands the client's proposals the cluster accepted
 * @param acknowledged commands acknowledged to the client
 * @param reads linearizable reads the client had answered (each checked, see ClientReads)
 * @param transfers leadership transfers that ended with the target leading
 * @param snapshotsInstalled snapshots a follower installed from a leader (a {@code
 *     HandleInstallSnapshotRequest} after which its snapshot index had risen)
 * @param configChanges configuration entries committed (learners added or removed, joint
 *     configurations entered and left)
 * @param parameters the per-seed fault rates and sizes, for the failure report
 * @param occurrences how often each fault, and each of its effects, happened, by name ({@code
 *     kind:what}, the kind being a {@link Fault#spelling()} or {@code liveness})
 * @param leaderChanges the liveness phase's leader changes (after the heal, after each failover)
 *     that settled, with what each took
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
    long reads,
    long transfers,
    long snapshotsInstalled,
    long configChanges,
    String parameters,
    Map<String, Long> occurrences,
    List<LeaderChange> leaderChanges) {

  /**
   * One leader change of the liveness phase, after the heal or after a failover: how many
   * elections it took (terms in which some node campaigned; candidates of one term are one
   * election), how many leaders were elected (a leader deposed before it settled makes more than
   * one), and how long it took until the leader that then stayed in office took it, in ticks and
   * in maximum election timeouts.
   */
  public record LeaderChange(
      boolean failover, int elections, int leaders, long ticks, int electionTimeoutTicksMax) {
    public double timeouts() {
      return (double) ticks / electionTimeoutTicksMax;
    }
  }

  public SimulationResult {
    violations = List.copyOf(violations);
    occurrences = Collections.unmodifiableMap(new TreeMap<>(occurrences));
    leaderChanges = List.copyOf(leaderChanges);
  }

  public boolean ok() {
    return violations.isEmpty();
  }
}
