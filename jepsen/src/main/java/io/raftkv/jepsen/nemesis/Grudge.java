package io.raftkv.jepsen.nemesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Jepsen's grudge: for each node, the nodes whose packets it drops. The partition shapes are built
 * from the nodes in a seeded random order, so a seed gives the same partitions; links are always
 * cut in both directions.
 *
 * @param drops node -> the nodes it must not hear from (sorted; nodes that drop nothing are absent)
 */
public record Grudge(TreeMap<Integer, TreeSet<Integer>> drops) {
  public Grudge {
    TreeMap<Integer, TreeSet<Integer>> copy = new TreeMap<>();
    drops.forEach((node, from) -> {
      if (!from.isEmpty()) {
        copy.put(node, new TreeSet<>(from));
      }
    });
    drops = copy;
  }

  /** Nodes split into components that cannot reach each other; each component fully connected. */
  public static Grudge components(List<List<Integer>> components) {
    TreeMap<Integer, TreeSet<Integer>> drops = new TreeMap<>();
    for (List<Integer> component : components) {
      for (List<Integer> other : components) {
        if (other != component) {
          for (int node : component) {
            drops.computeIfAbsent(node, n -> new TreeSet<>()).addAll(other);
          }
        }
      }
    }
    return new Grudge(drops);
  }

  /** Two halves: the smaller (floor(n/2) nodes) and the rest, which holds the majority. */
  public static Grudge halves(List<Integer> nodes, SplittableRandom random) {
    List<Integer> order = shuffled(nodes, random);
    int half = order.size() / 2;
    return components(List.of(order.subList(0, half), order.subList(half, order.size())));
  }

  /** One node cut off from all others. */
  public static Grudge isolate(List<Integer> nodes, int node) {
    List<Integer> rest = nodes.stream().filter(n -> n != node).toList();
    return components(List.of(List.of(node), rest));
  }

  /**
   * Majorities ring: nodes in a ring (random order), each connected to the nodes within distance
   * {@code ceil(m/2)} of it, m = n/2 the others a majority needs; so every node sees a majority
   * and no two nodes see the same one. Needs at least 5 nodes (with 3 or 4 every node would see
   * every other).
   */
  public static Grudge majoritiesRing(List<Integer> nodes, SplittableRandom random) {
    int n = nodes.size();
    if (n < 5) {
      throw new IllegalArgumentException("a majorities ring needs at least 5 nodes, got " + n);
    }
    int reach = (n / 2 + 1) / 2;
    List<Integer> ring = shuffled(nodes, random);
    TreeMap<Integer, TreeSet<Integer>> drops = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int distance = Math.min(Math.floorMod(i - j, n), Math.floorMod(j - i, n));
        if (distance > reach) {
          drops.computeIfAbsent(ring.get(i), k -> new TreeSet<>()).add(ring.get(j));
        }
      }
    }
    return new Grudge(drops);
  }

  /** Bridge: two halves that cannot reach each other, and one node that reaches both. */
  public static Grudge bridge(List<Integer> nodes, SplittableRandom random) {
    if (nodes.size() < 3) {
      throw new IllegalArgumentException("a bridge needs at least 3 nodes, got " + nodes.size());
    }
    List<Integer> order = shuffled(nodes, random);
    int bridge = order.get(0);
    List<Integer> rest = order.subList(1, order.size());
    int half = rest.size() / 2;
    Grudge cut = components(List.of(rest.subList(0, half), rest.subList(half, rest.size())));
    TreeMap<Integer, TreeSet<Integer>> drops = new TreeMap<>(cut.drops());
    drops.remove(bridge);
    return new Grudge(drops);
  }

  private static List<Integer> shuffled(List<Integer> nodes, SplittableRandom random) {
    List<Integer> order = new ArrayList<>(nodes);
    Collections.sort(order);
    for (int i = order.size() - 1; i > 0; i--) {
      Collections.swap(order, i, random.nextInt(i + 1));
    }
    return order;
  }

  /** "1 2 | 3 4 5"-like text: for each node, whom it cannot hear. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    drops.forEach((node, from) -> text.append(text.isEmpty() ? "" : ", ").append(node).append(" x ").append(from));
    return text.isEmpty() ? "no cut" : text.toString();
  }
}
