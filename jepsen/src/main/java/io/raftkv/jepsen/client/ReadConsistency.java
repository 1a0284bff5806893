package io.raftkv.jepsen.client;

import java.util.Locale;

/** How the workload's reads are served. */
public enum ReadConsistency {
  /** A Get through the log, answered by the leader once committed and applied. */
  LINEARIZABLE,
  /** The bound node's own state machine (?consistency=local): may be stale; the teeth check. */
  LOCAL;

  public static ReadConsistency parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "linearizable" -> LINEARIZABLE;
      case "local" -> LOCAL;
      default -> throw new IllegalArgumentException("--read-consistency must be linearizable or local, got "
          + text + " (lease reads are not in the server yet)");
    };
  }
}
