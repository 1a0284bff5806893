package io.raftkv.jepsen.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The faults the nemesis can inject, with their names on the command line. */
public enum FaultKind {
  PARTITION_HALVES("partition-halves", true),
  PARTITION_RING("partition-ring", true),
  PARTITION_BRIDGE("partition-bridge", true),
  PARTITION_LEADER("partition-leader", true),
  PARTITION_ONE("partition-one", true),
  KILL("kill", false),
  PAUSE("pause", false),
  TRANSFER("transfer", false),
  MEMBERSHIP("membership", false),
  TRUNCATE("truncate", false),
  BITFLIP("bitflip", false);

  /** Spare servers a run with membership changes gets beyond its --nodes voters. */
  public static final int MEMBERSHIP_SPARES = 2;

  private final String option;
  private final boolean partition;

  FaultKind(String option, boolean partition) {
    this.option = option;
    this.partition = partition;
  }

  public String option() {
    return option;
  }

  public boolean partition() {
    return partition;
  }

  /**
   * partition, kill, pause, transfer, membership or damage: the nemesis picks a family first, then
   * a kind in it (membership runs on a schedule of its own, {@link MembershipNemesis}).
   */
  public String family() {
    return partition ? "partition" : this == TRUNCATE || this == BITFLIP ? "damage" : option;
  }

  /**
   * Parses a comma-separated list: the names above, {@code partition} (every shape), {@code damage}
   * (truncate and bitflip), {@code all}.
   */
  public static List<FaultKind> parse(String list) {
    Set<FaultKind> kinds = new LinkedHashSet<>();
    for (String raw : list.split(",")) {
      String name = raw.strip().toLowerCase(Locale.ROOT);
      switch (name) {
        case "" -> { }
        case "all" -> kinds.addAll(List.of(values()));
        case "partition" -> kinds.addAll(List.of(PARTITION_HALVES, PARTITION_RING, PARTITION_BRIDGE,
            PARTITION_LEADER, PARTITION_ONE));
        case "damage" -> kinds.addAll(List.of(TRUNCATE, BITFLIP));
        default -> kinds.add(byOption(name).orElseThrow(() -> new IllegalArgumentException(
            "--nemesis: unknown fault " + raw.strip() + "; known: partition, damage, all, " + names())));
      }
    }
    return new ArrayList<>(kinds);
  }

  static Optional<FaultKind> byOption(String name) {
    for (FaultKind kind : values()) {
      if (kind.option.equals(name)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  static String names() {
    return String.join(", ", java.util.Arrays.stream(values()).map(FaultKind::option).toList());
  }

  /** Why this fault cannot be injected here, or empty. */
  public Optional<String> unavailableReason(int nodes, Optional<String> partitionsUnavailable,
      boolean signalsAvailable) {
    if (partition && partitionsUnavailable.isPresent()) {
      return partitionsUnavailable;
    }
    if (this == PARTITION_RING && nodes < 5) {
      return Optional.of("a majorities ring needs at least 5 nodes (--nodes " + nodes + ")");
    }
    if ((this == PARTITION_BRIDGE) && nodes < 3 || partition && nodes < 2) {
      return Optional.of(option + " needs more nodes (--nodes " + nodes + ")");
    }
    if (this == TRANSFER && nodes < 2) {
      return Optional.of("a leadership transfer needs another node (--nodes " + nodes + ")");
    }
    if (this == MEMBERSHIP && nodes + MEMBERSHIP_SPARES > 254) {
      return Optional.of("membership needs " + MEMBERSHIP_SPARES + " spare servers beyond --nodes " + nodes
          + " (at most 254 in all)");
    }
    if (this == PAUSE && !signalsAvailable) {
      return Optional.of("no kill command to send SIGSTOP/SIGCONT");
    }
    return Optional.empty();
  }
}
