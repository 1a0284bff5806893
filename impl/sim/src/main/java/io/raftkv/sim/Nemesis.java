package io.raftkv.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Injects the safety phase's partition and crash faults at random times, with rates and durations
 * drawn per seed.
 *
 * <p>Partitions (one at a time, each healed after a random while): symmetric (two random sides cut
 * both ways), asymmetric (one side cannot reach the other, the reverse works), isolate-one (one
 * node cut off both ways; often the leader), and swizzle-clog (a random sequence of nodes is
 * clogged one by one, then unclogged one by one in a different random order, as FoundationDB's
 * simulator does). Crashes (up to a per-seed number at once, usually a minority): a random live
 * node, often the leader, loses its volatile state and comes back after a random downtime.
 * Deposing leaders while they hold uncommitted entries is where Raft's subtle cases are.
 */
final class Nemesis {

  /** What the simulation lets the nemesis do to nodes. */
  interface Cluster {
    boolean isUp(int node);

    void crash(int node);

    void restart(int node);

    void schedule(long delayUnits, Object action);

    /** A node that currently believes it leads (the one with the highest term), or 0. */
    int leader();
  }

  record Next() {}

  record Heal() {}

  record Clog(int node) {}

  record Unclog(int node) {}

  record Restart(int node) {}

  private enum Kind {
    SYMMETRIC,
    ASYMMETRIC,
    ISOLATE_ONE,
    SWIZZLE_CLOG,
    ISOLATE_LEADER,
    CRASH,
    CRASH_LEADER
  }

  private final SplittableRandom random;
  private final int nodes;
  private final Network network;
  private final Cluster cluster;
  private final boolean partitions;
  private final boolean crashes;
  private final int gapTicksMax;
  private final int partitionTicksMax;
  private final int downTicksMax;
  /** How many nodes may be down at once: usually a minority, sometimes all of them. */
  private final int downMax;
  /** Chance that a leader is cut off right after accepting a proposal, before it replicates. */
  private final double isolateAfterProposal;
  private final boolean[] clogged;
  private boolean partitionActive;
  private boolean active;
  private long injected;

  Nemesis(SplittableRandom random, int nodes, Network network, Cluster cluster, boolean partitions,
      boolean crashes) {
    this.random = random;
    this.nodes = nodes;
    this.network = network;
    this.cluster = cluster;
    this.partitions = partitions && nodes >= 2;
    this.crashes = crashes;
    this.gapTicksMax = pick(20, 50, 120);
    this.partitionTicksMax = pick(20, 60, 150);
    this.downTicksMax = pick(10, 40, 100);
    this.downMax = random.nextInt(4) == 0 ? nodes : Math.max(1, (nodes - 1) / 2);
    this.isolateAfterProposal = this.partitions ? new double[] {0, 0.02, 0.1}[random.nextInt(3)] : 0;
    this.clogged = new boolean[nodes + 1];
  }

  String describe() {
    return "faults every <=" + gapTicksMax + " ticks, partitions <=" + partitionTicksMax
        + " ticks, downtime <=" + downTicksMax + " ticks, <=" + downMax + " down, isolate after"
        + " proposal " + isolateAfterProposal;
  }

  long injected() {
    return injected;
  }

  void start() {
    if (partitions || crashes) {
      active = true;
      cluster.schedule(ticks(1 + random.nextInt(gapTicksMax)), new Next());
    }
  }

  /** The liveness phase: no new faults; the simulation heals and restarts everything itself. */
  void stop() {
    active = false;
    partitionActive = false;
    java.util.Arrays.fill(clogged, false);
  }

  void act(Object action) {
    if (!active) {
      return;
    }
    switch (action) {
      case Next next -> {
        injectOne();
        cluster.schedule(ticks(1 + random.nextInt(gapTicksMax)), new Next());
      }
      case Heal heal -> {
        network.healAll();
        java.util.Arrays.fill(clogged, false);
        partitionActive = false;
      }
      case Clog clog -> {
        clogged[clog.node()] = true;
        network.isolate(clog.node());
      }
      case Unclog unclog -> unclog(unclog.node());
      case Restart restart -> cluster.restart(restart.node());
      default -> throw new IllegalStateException("unknown nemesis action " + action);
    }
  }

  /**
   * A leader just accepted a proposal: sometimes cut it off at once, so the entry stays on that
   * node alone (its messages are dropped on arrival) while others elect a new leader. The old
   * leader's uncommitted tail is what the commit rule of the paper's Figure 8 is about.
   */
  void proposalAccepted(int node) {
    if (active && !partitionActive && isolateAfterProposal > 0
        && random.nextDouble() < isolateAfterProposal) {
      injected++;
      network.isolate(node);
      partitionFor(1 + random.nextInt(partitionTicksMax));
    }
  }

  private void injectOne() {
    List<Kind> choices = new ArrayList<>();
    if (partitions && !partitionActive) {
      choices.add(Kind.SYMMETRIC);
      choices.add(Kind.ASYMMETRIC);
      choices.add(Kind.ISOLATE_ONE);
      choices.add(Kind.SWIZZLE_CLOG);
      if (cluster.leader() != 0) {
        // Deposing leaders while they have uncommitted entries is where Raft's subtle cases are.
        choices.add(Kind.ISOLATE_LEADER);
        choices.add(Kind.ISOLATE_LEADER);
      }
    }
    if (crashes && nodes - upNodes().size() < downMax) {
      choices.add(Kind.CRASH);
      if (cluster.leader() != 0) {
        choices.add(Kind.CRASH_LEADER);
        choices.add(Kind.CRASH_LEADER);
      }
    }
    if (choices.isEmpty()) {
      return;
    }
    injected++;
    Kind kind = choices.get(random.nextInt(choices.size()));
    switch (kind) {
      case SYMMETRIC, ASYMMETRIC -> {
        boolean[] side = randomSplit();
        for (int from = 1; from <= nodes; from++) {
          for (int to = 1; to <= nodes; to++) {
            if (side[from] && !side[to]) {
              network.block(from, to);
              if (kind == Kind.SYMMETRIC) {
                network.block(to, from);
              }
            }
          }
        }
        partitionFor(1 + random.nextInt(partitionTicksMax));
      }
      case ISOLATE_ONE, ISOLATE_LEADER -> {
        network.isolate(kind == Kind.ISOLATE_LEADER ? cluster.leader() : 1 + random.nextInt(nodes));
        partitionFor(1 + random.nextInt(partitionTicksMax));
      }
      case SWIZZLE_CLOG -> swizzle();
      case CRASH, CRASH_LEADER -> {
        List<Integer> up = upNodes();
        int node = kind == Kind.CRASH_LEADER ? cluster.leader() : up.get(random.nextInt(up.size()));
        cluster.crash(node);
        cluster.schedule(ticks(1 + random.nextInt(downTicksMax)), new Restart(node));
      }
    }
  }

  private void partitionFor(int ticks) {
    partitionActive = true;
    cluster.schedule(ticks(ticks), new Heal());
  }

  /** Clogs a random subset one node at a time, then unclogs it in another random order. */
  private void swizzle() {
    partitionActive = true;
    List<Integer> order = shuffled();
    int count = 1 + random.nextInt(nodes);
    List<Integer> chosen = new ArrayList<>(order.subList(0, count));
    int step = 1 + random.nextInt(10);
    long at = 0;
    for (int node : chosen) {
      cluster.schedule(ticks(at), new Clog(node));
      at += step;
    }
    at += random.nextInt(partitionTicksMax);
    for (int k = chosen.size() - 1; k > 0; k--) {
      int j = random.nextInt(k + 1);
      int swap = chosen.get(k);
      chosen.set(k, chosen.get(j));
      chosen.set(j, swap);
    }
    for (int node : chosen) {
      at += step;
      cluster.schedule(ticks(at), new Unclog(node));
    }
    cluster.schedule(ticks(at), new Heal());
  }

  private void unclog(int node) {
    clogged[node] = false;
    for (int other = 1; other <= nodes; other++) {
      if (!clogged[other]) {
        network.unblock(node, other);
        network.unblock(other, node);
      }
    }
  }

  /** A random split into two non-empty sides; {@code side[i]} says which one node i is on. */
  private boolean[] randomSplit() {
    List<Integer> order = shuffled();
    int first = 1 + random.nextInt(nodes - 1);
    boolean[] side = new boolean[nodes + 1];
    for (int k = 0; k < first; k++) {
      side[order.get(k)] = true;
    }
    return side;
  }

  private List<Integer> shuffled() {
    List<Integer> order = new ArrayList<>();
    for (int node = 1; node <= nodes; node++) {
      order.add(node);
    }
    for (int k = order.size() - 1; k > 0; k--) {
      int j = random.nextInt(k + 1);
      int swap = order.get(k);
      order.set(k, order.get(j));
      order.set(j, swap);
    }
    return order;
  }

  private List<Integer> upNodes() {
    List<Integer> up = new ArrayList<>();
    for (int node = 1; node <= nodes; node++) {
      if (cluster.isUp(node)) {
        up.add(node);
      }
    }
    return up;
  }

  private int pick(int... values) {
    return values[random.nextInt(values.length)];
  }

  private static long ticks(long ticks) {
    return ticks * Simulation.TICK_UNITS;
  }
}
