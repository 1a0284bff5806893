package io.raftkv.sim;

import java.util.EnumSet;
import java.util.Locale;

/**
 * The faults a run may inject during its safety phase; each is randomized per seed. On the command
 * line they are written in lower case with dashes ({@code slow-disk}, {@code disk-full}).
 */
public enum Fault {
  /** Messages lost in the network. */
  DROP,
  /** Messages delivered more than once. */
  DUPLICATE,
  /** Per-message random delay, so messages overtake each other. */
  REORDER,
  /** Symmetric and asymmetric partitions, isolate-one and swizzle-clog. */
  PARTITION,
  /**
   * A node crashes (losing everything volatile) and restarts from its simulated disk. Most crashes
   * are power losses: the disk keeps what was fsynced plus a random part of the rest, and may tear
   * the last write. The others kill the process only: written bytes survive in the page cache.
   */
  CRASH,
  /** Some fsyncs take long (up to a few election timeouts), delaying every write queued behind. */
  SLOW_DISK,
  /** A node's disk stops completing fsyncs for a while, then resumes. */
  STALL,
  /** Completion notices of writes reach the node loop out of order. */
  REORDER_COMPLETIONS,
  /**
   * A node's disk fills: writes fail, and the node stops (fail-stop); later the disk is freed and
   * the node restarted.
   */
  DISK_FULL,
  /**
   * Membership churn: one or two spare servers, outside the initial configuration, are added as
   * learners, learners promoted through the joint configuration, and voters (the leader too)
   * removed, while everything else goes on.
   */
  MEMBERSHIP;

  public static EnumSet<Fault> all() {
    return EnumSet.allOf(Fault.class);
  }

  /** The command-line spelling, e.g. {@code slow-disk}. */
  public String spelling() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a comma-separated list such as {@code drop,partition}; {@code all} and {@code none} too. */
  public static EnumSet<Fault> parse(String text) {
    EnumSet<Fault> faults = EnumSet.noneOf(Fault.class);
    for (String part : text.split(",")) {
      String name = part.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      if (name.isEmpty() || name.equals("NONE")) {
        continue;
      }
      if (name.equals("ALL")) {
        faults.addAll(all());
        continue;
      }
      try {
        faults.add(Fault.valueOf(name));
      } catch (IllegalArgumentException e) {
        StringBuilder known = new StringBuilder();
        for (Fault fault : values()) {
          known.append(known.isEmpty() ? "" : ", ").append(fault.spelling());
        }
        throw new IllegalArgumentException(
            "unknown fault '" + part.trim() + "'; expected all, none or a list of " + known);
      }
    }
    return faults;
  }
}
