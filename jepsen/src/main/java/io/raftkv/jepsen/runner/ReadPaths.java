package io.raftkv.jepsen.runner;

import io.raftkv.client.NodeStatus;
import java.util.Map;
import io.raftkv.jepsen.client.ReadConsistency;
import java.util.TreeMap;

/**
 * How the servers answered linearizable reads during a run: by the leader's lease, by a ReadIndex
 * round of the leader's own, or at a follower through a round of its leader's (forwarded), from the
 * counters each server reports in its status. A server's counters start at 0 with each process, so
 * each node's last sample is banked when a later one is lower (the node was restarted). Reads a
 * node answered after its last sample before a kill are not seen: the totals are lower bounds.
 */
final class ReadPaths {
  private static final int LEASE = 0;
  private static final int READ_INDEX = 1;
  private static final int FORWARDED = 2;

  private final Map<Integer, long[]> last = new TreeMap<>();
  private final long[] banked = new long[3];

  /** Takes the counters of every node that answered. */
  synchronized void sample(Map<Integer, NodeStatus> statuses) {
    for (NodeStatus status : statuses.values()) {
      long[] now = {status.readsByLease(), status.readsByReadIndex(), status.readsForwarded()};
      long[] previous = last.get(status.id());
      if (previous != null && (now[LEASE] < previous[LEASE] || now[READ_INDEX] < previous[READ_INDEX]
          || now[FORWARDED] < previous[FORWARDED])) {
        for (int k = 0; k < banked.length; k++) {
          banked[k] += previous[k];
        }
      }
      last.put(status.id(), now);
    }
  }

  synchronized long byLease() {
    return total(LEASE);
  }

  synchronized long byReadIndex() {
    return total(READ_INDEX);
  }

  /** Reads followers answered after forwarding them to their leader. */
  synchronized long forwarded() {
    return total(FORWARDED);
  }

  private long total(int kind) {
    return banked[kind] + last.values().stream().mapToLong(counts -> counts[kind]).sum();
  }

  /** One line for the summary. */
  String describe(ReadConsistency consistency) {
    return "reads: " + consistency.name().toLowerCase(java.util.Locale.ROOT) + "; the servers answered at least "
        + byLease() + " linearizable reads by lease, " + byReadIndex() + " by the leader's ReadIndex round and "
        + forwarded() + " at followers through their leader's round (their status counters, sampled every 5 s)";
  }
}
