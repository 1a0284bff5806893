package io.raftkv.sim;

import io.raftkv.core.Message;
import java.util.SplittableRandom;

/**
 * The simulated network: every message gets its own random delay (so messages overtake each other),
 * may be lost or duplicated with this seed's probabilities, and is dropped at delivery time when
 * its link is blocked by a partition then.
 *
 * <p>The network decides; {@link Simulation} schedules the deliveries and reports each loss and
 * duplication to the trace as {@code DropMessage} / {@code DuplicateMessage}, so every message a
 * node sends ends in exactly one receive or drop per copy.
 */
final class Network {

  private final SplittableRandom random;
  final double dropProbability;
  final double duplicateProbability;
  int delayMin;
  int delayMax;
  /** {@code blocked[from][to]}: messages on that link are dropped when they arrive. */
  private final boolean[][] blocked;
  private boolean faulty = true;

  Network(SplittableRandom random, int nodes, double dropProbability, double duplicateProbability,
      int delayMin, int delayMax) {
    Checks.check(delayMin >= 1 && delayMax >= delayMin, "bad delays %s..%s", delayMin, delayMax);
    this.random = random;
    this.dropProbability = dropProbability;
    this.duplicateProbability = duplicateProbability;
    this.delayMin = delayMin;
    this.delayMax = delayMax;
    this.blocked = new boolean[nodes + 1][nodes + 1];
  }

  /**
   * Delays of a healthy network, far below an election timeout (Raft's timing requirement,
   * broadcastTime much less than electionTimeout, paper §5.6): the liveness phase's, whose
   * election bounds presume it.
   */
  void setHealthyDelays() {
    delayMin = Math.min(delayMin, HEALTHY_DELAY_MAX);
    delayMax = Math.min(delayMax, HEALTHY_DELAY_MAX);
  }

  /** The longest delay of a healthy network, in simulator units. */
  static final int HEALTHY_DELAY_MAX = 3;

  /** Lossy, duplicating faults on or off (delays stay as they are). */
  void setFaulty(boolean value) {
    faulty = value;
  }

  boolean lose() {
    return faulty && dropProbability > 0 && random.nextDouble() < dropProbability;
  }

  boolean duplicate() {
    return faulty && duplicateProbability > 0 && random.nextDouble() < duplicateProbability;
  }

  int delay() {
    return delayMin == delayMax ? delayMin : delayMin + random.nextInt(delayMax - delayMin + 1);
  }

  boolean blocked(Message message) {
    return blocked(message.from(), message.to());
  }

  boolean blocked(int from, int to) {
    return blocked[from][to];
  }

  void block(int from, int to) {
    if (from != to) {
      blocked[from][to] = true;
    }
  }

  void unblock(int from, int to) {
    blocked[from][to] = false;
  }

  /** Cuts both directions between {@code node} and every other node. */
  void isolate(int node) {
    for (int other = 1; other < blocked.length; other++) {
      block(node, other);
      block(other, node);
    }
  }

  /** Restores both directions between {@code node} and every node it is not otherwise cut from. */
  void reconnect(int node) {
    for (int other = 1; other < blocked.length; other++) {
      unblock(node, other);
      unblock(other, node);
    }
  }

  void healAll() {
    for (boolean[] row : blocked) {
      java.util.Arrays.fill(row, false);
    }
  }

  /** A compact picture of the blocked links, e.g. {@code 1->2 2->1}, for reports. */
  String describe() {
    StringBuilder text = new StringBuilder();
    for (int from = 1; from < blocked.length; from++) {
      for (int to = 1; to < blocked.length; to++) {
        if (blocked[from][to]) {
          text.append(text.isEmpty() ? "" : " ").append(from).append("->").append(to);
        }
      }
    }
    return text.isEmpty() ? "none" : text.toString();
  }
}
