package io.raftkv.jepsen.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which faults a run injects. With no --nemesis, every fault the machine allows, and the ones left
 * out with the reason. Named explicitly, a fault that cannot be made here is refused with the
 * reason (a group name such as {@code partition} leaves out members that the node count rules out,
 * but not partitions as a whole).
 *
 * @param kinds the faults to inject
 * @param leftOut one line per fault left out: its name and why
 */
public record FaultPlan(List<FaultKind> kinds, List<String> leftOut) {
  /**
   * Membership changes are not in the default set yet: they run, traces validated, when asked for
   * by name ({@code --nemesis membership}, {@code all}), but a default run with them beside every
   * other fault has not been measured (a change waits up to a JVM start and its own deadline).
   */
  static final String NOT_BY_DEFAULT = "membership: not in the default set yet (a default run with it beside every"
      + " other fault is not measured); ask for it with --nemesis membership";

  public static FaultPlan resolve(String nemesis, int nodes, Optional<String> partitionsUnavailable,
      boolean signalsAvailable) {
    boolean byDefault = nemesis == null;
    List<FaultKind> requested = byDefault ? List.of(FaultKind.values())
        : nemesis.strip().equalsIgnoreCase("none") ? List.of() : FaultKind.parse(nemesis);
    List<FaultKind> kinds = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    if (byDefault) {
      requested = requested.stream().filter(kind -> kind != FaultKind.MEMBERSHIP).toList();
      leftOut.add(NOT_BY_DEFAULT);
    }
    for (FaultKind kind : requested) {
      Optional<String> reason = kind.unavailableReason(nodes, partitionsUnavailable, signalsAvailable);
      if (reason.isEmpty()) {
        kinds.add(kind);
        continue;
      }
      boolean named = !byDefault && FaultKind.parse(nemesis).contains(kind) && namesExactly(nemesis, kind);
      boolean partitionsImpossible = kind.partition() && partitionsUnavailable.isPresent();
      if (!byDefault && (named || partitionsImpossible)) {
        throw new IllegalArgumentException("cannot inject " + kind.option() + " here: " + reason.get());
      }
      leftOut.add(kind.option() + ": " + reason.get());
    }
    return new FaultPlan(List.copyOf(kinds), List.copyOf(leftOut));
  }

  private static boolean namesExactly(String nemesis, FaultKind kind) {
    for (String name : nemesis.split(",")) {
      if (name.strip().equalsIgnoreCase(kind.option())) {
        return true;
      }
    }
    return false;
  }
}
