package io.raftkv.sim;

import java.util.EnumSet;
import java.util.Locale;

/** The faults a run may inject during its safety phase; each is randomized per seed. */
public enum Fault {
  /** Messages lost in the network. */
  DROP,
  /** Messages delivered more than once. */
  DUPLICATE,
  /** Per-message random delay, so messages overtake each other. */
  REORDER,
  /** Symmetric and asymmetric partitions, isolate-one and swizzle-clog. */
  PARTITION,
  /** Crash (losing everything volatile) and restart from the simulated disk. */
  CRASH;

  public static EnumSet<Fault> all() {
    return EnumSet.allOf(Fault.class);
  }

  /** Parses a comma-separated list such as {@code drop,partition}; {@code all} and {@code none} too. */
  public static EnumSet<Fault> parse(String text) {
    EnumSet<Fault> faults = EnumSet.noneOf(Fault.class);
    for (String part : text.split(",")) {
      String name = part.trim().toUpperCase(Locale.ROOT);
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
        throw new IllegalArgumentException(
            "unknown fault '" + part.trim() + "'; expected all, none or a list of "
                + "drop, duplicate, reorder, partition, crash");
      }
    }
    return faults;
  }
}
