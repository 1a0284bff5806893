package io.raftkv.jepsen.client;

import java.util.Locale;

/** How the workload's reads are served. */
public enum ReadConsistency {
  /**
   * ReadIndex: the leader confirms with a heartbeat round that it still leads, then answers; a
   * follower forwards the read to its leader and answers it once it has applied the leader's index.
   */
  LINEARIZABLE,
  /**
   * ?consistency=lease on servers started with --lease-reads: the leader answers from its lease,
   * without a round, while it holds one (a ReadIndex read otherwise). Must be as linearizable as
   * LINEARIZABLE as long as the clocks keep within the servers' drift bound.
   */
  LEASE,
  /** The bound node's own state machine (?consistency=local): may be stale; the teeth check. */
  LOCAL;

  public static ReadConsistency parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "linearizable" -> LINEARIZABLE;
      case "lease" -> LEASE;
      case "local" -> LOCAL;
      default -> throw new IllegalArgumentException("--read-consistency must be linearizable, lease or local, got "
          + text);
    };
  }
}
