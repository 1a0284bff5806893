package io.raftkv.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Injects the safety phase's partition, crash and disk faults at random times, with rates and
 * durations drawn per seed.
 *
 * <p>Partitions (one at a time, each healed after a random while): symmetric (two random sides cut
 * both ways), asymmetric (one side cannot reach the other, the reverse works), isolate-one (one
 * node cut off both ways; often the leader), and swizzle-clog (a random sequence of nodes is
 * clogged one by one, then unclogged one by one in a different random order, as FoundationDB's
 * simulator does). Crashes (up to a per-seed number at once, usually a minority): a random live
 * node, often the leader, loses its volatile state and comes back after a random downtime.
 * Deposing leaders while they hold uncommitted entries is where Raft's subtle cases are. Disk
 * faults: a stall (a node's disk completes no fsync for a while, often the leader's) and a full
 * disk (every write on a node fails until the disk is freed; the node stops at its next write and
 * is restarted once the disk is freed). A node that is down or whose disk is full counts against
 * the same per-seed bound.
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

    /** The node's disk completes no fsync until {@code delayUnits} from now. */
    void stallDisk(int node, long delayUnits);

    /** Every write on the node's disk fails from now on. */
    void fillDisk(int node);

    /** The node's disk works again; a node stopped by it is restarted. */
    void freeDisk(int node);

    boolean diskFull(int node);
  }

  record Next() {}

  record Heal() {}

  record Clog(int node) {}

  record Unclog(int node) {}

  record Restart(int node) {}

  record FreeDisk(int node) {}

  private enum Kind {
    SYMMETRIC,
    ASYMMETRIC,
    ISOLATE_ONE,
    SWIZZLE_CLOG,
    ISOLATE_LEADER,
    CRASH,
    CRASH_LEADER,
    STALL,
    STALL_LEADER,
    DISK_FULL
  }

  private final SplittableRandom random;
  private final int nodes;
  private final Network network;
  private final Cluster cluster;
  private final boolean partitions;
  private final boolean crashes;
  private final boolean stalls;
  private final boolean fullDisks;
  private final int stallTicksMax;
  private final int fullTicksMax;
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

  Nemesis(SplittableRandom random, int nodes, Network network, Cluster cluster,
      SimulationOptions options) {
    this.random = random;
    this.nodes = nodes;
    this.network = network;
    this.cluster = cluster;
    this.partitions = options.has(Fault.PARTITION) && nodes >= 2;
    this.crashes = options.has(Fault.CRASH);
    // Drawn unconditionally, so that turning one fault off leaves the others' parameters alone.
    boolean stallsDrawn = random.nextInt(3) != 0;
    boolean fullDrawn = random.nextInt(3) != 0;
    this.stalls = options.has(Fault.STALL) && stallsDrawn;
    this.fullDisks = options.has(Fault.DISK_FULL) && fullDrawn;
    this.gapTicksMax = pick(20, 50, 120);
    this.partitionTicksMax = pick(20, 60, 150);
    this.downTicksMax = pick(10, 40, 100);
    this.stallTicksMax = pick(10, 40, 100);
    this.fullTicksMax = pick(10, 50, 150);
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
    if (partitions || crashes || stalls || fullDisks) {
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
      case FreeDisk free -> cluster.freeDisk(free.node());
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
    List<Kind> choices = choices();
    if (choices.isEmpty()) {
      return;
    }
    injected++;
    Kind kind = choices.get(random.nextInt(choices.size()));
    switch (kind) {
      case SYMMETRIC, ASYMMETRIC -> split(kind == Kind.SYMMETRIC);
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
      case STALL, STALL_LEADER -> {
        List<Integer> up = upNodes();
        int node = kind == Kind.STALL_LEADER ? cluster.leader() : up.get(random.nextInt(up.size()));
        cluster.stallDisk(node, ticks(1 + random.nextInt(stallTicksMax)));
      }
      case DISK_FULL -> fillOneDisk();
    }
  }

  /** The faults that may start now, a kind listed twice being twice as likely. */
  private List<Kind> choices() {
    List<Kind> choices = new ArrayList<>();
    boolean leader = cluster.leader() != 0;
    if (partitions && !partitionActive) {
      choices.addAll(List.of(Kind.SYMMETRIC, Kind.ASYMMETRIC, Kind.ISOLATE_ONE, Kind.SWIZZLE_CLOG));
      if (leader) {
        // Deposing leaders while they have uncommitted entries is where Raft's subtle cases are.
        choices.addAll(List.of(Kind.ISOLATE_LEADER, Kind.ISOLATE_LEADER));
      }
    }
    int unavailable = unavailableNodes();
    if (crashes && unavailable < downMax) {
      choices.add(Kind.CRASH);
      if (leader) {
        choices.addAll(List.of(Kind.CRASH_LEADER, Kind.CRASH_LEADER));
      }
    }
    if (stalls && !upNodes().isEmpty()) {
      choices.add(Kind.STALL);
      if (leader) {
        choices.add(Kind.STALL_LEADER);
      }
    }
    if (fullDisks && unavailable < downMax) {
      choices.add(Kind.DISK_FULL);
    }
    return choices;
  }

  /** Cuts the cluster in two random sides, in both directions or (asymmetric) only one. */
  private void split(boolean symmetric) {
    boolean[] side = randomSplit();
    for (int from = 1; from <= nodes; from++) {
      for (int to = 1; to <= nodes; to++) {
        if (side[from] && !side[to]) {
          network.block(from, to);
          if (symmetric) {
            network.block(to, from);
          }
        }
      }
    }
    partitionFor(1 + random.nextInt(partitionTicksMax));
  }

  private void fillOneDisk() {
    List<Integer> candidates = new ArrayList<>();
    for (int node = 1; node <= nodes; node++) {
      if (!cluster.diskFull(node)) {
        candidates.add(node);
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    int node = candidates.get(random.nextInt(candidates.size()));
    cluster.fillDisk(node);
    cluster.schedule(ticks(1 + random.nextInt(fullTicksMax)), new FreeDisk(node));
  }

  /** Nodes that are down or have a full disk (and so will stop at their next write). */
  private int unavailableNodes() {
    int count = 0;
    for (int node = 1; node <= nodes; node++) {
      if (!cluster.isUp(node) || cluster.diskFull(node)) {
        count++;
      }
    }
    return count;
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
