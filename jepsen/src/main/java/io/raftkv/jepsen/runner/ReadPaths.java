package io.raftkv.jepsen.runner;

import io.raftkv.client.NodeStatus;
import java.util.Map;
import io.raftkv.jepsen.client.ReadConsistency;
import java.util.TreeMap;

/**
 * How the servers answered linearizable reads during a run: by the leader's lease or by a ReadIndex
 * round, from the counters each server reports in its status. A server's counters start at 0 with
 * each process, so each node's last sample is banked when a later one is lower (the node was
 * restarted). Reads a node answered after its last sample before a kill are not seen: the totals are
 * lower bounds.
 */
final class ReadPaths {
  private final Map<Integer, long[]> last = new TreeMap<>();
  private long bankedByLease;
  private long bankedByReadIndex;

  /** Takes the counters of every node that answered. */
  synchronized void sample(Map<Integer, NodeStatus> statuses) {
    for (NodeStatus status : statuses.values()) {
      long[] previous = last.get(status.id());
      if (previous != null && (status.readsByLease() < previous[0] || status.readsByReadIndex() < previous[1])) {
        bankedByLease += previous[0];
        bankedByReadIndex += previous[1];
      }
      last.put(status.id(), new long[] {status.readsByLease(), status.readsByReadIndex()});
    }
  }

  synchronized long byLease() {
    return bankedByLease + last.values().stream().mapToLong(counts -> counts[0]).sum();
  }

  synchronized long byReadIndex() {
    return bankedByReadIndex + last.values().stream().mapToLong(counts -> counts[1]).sum();
  }

  /** One line for the summary. */
  String describe(ReadConsistency consistency) {
    return "reads: " + consistency.name().toLowerCase(java.util.Locale.ROOT) + "; the servers answered at least "
        + byLease() + " linearizable reads by lease and " + byReadIndex() + " by ReadIndex round (their status"
        + " counters, sampled every 5 s)";
  }
}
