package io.raftkv.sim;

import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The client: proposes unique commands (a long id as 8 big-endian bytes, so a trace maps each to
 * the spec's integer value) to whichever node it believes leads, and records which were
 * acknowledged.
 *
 * <p>A proposal accepted at index i in term t is acknowledged when the node that accepted it
 * applies index i and the entry there is that command in term t: only then would a real server
 * answer the client. Acknowledged commands must never be lost; the checker holds them to that.
 */
final class Workload {

  /** A proposal waiting for its node to apply its index. */
  private record Pending(long command, long term) {}

  /** When the client stops waiting for a proposal (and counts it as of unknown outcome). */
  private record Deadline(long time, int node, long index, long command) {}

  private final SplittableRandom random;
  private final int nodes;
  final int intervalUnits;
  /** Commands proposed back to back at one client step, at most. */
  final int burstMax;
  /**
   * Proposals the client keeps outstanding at most: a closed loop, so the offered load follows
   * what the cluster commits instead of piling up an unbounded uncommitted tail.
   */
  final int concurrency;
  /** How long the client waits for a proposal before giving up (the liveness phase waits on). */
  private long timeoutUnits;
  private final ArrayDeque<Deadline> deadlines = new ArrayDeque<>();
  private int outstanding;
  private long nextCommand = 1;
  private int leaderGuess;
  private final Map<Integer, Map<Long, Pending>> pending = new HashMap<>();
  long proposed;
  long acknowledged;
  long maxAcknowledgedIndex;
  /** Commands with an id at least this large were proposed in the liveness phase. */
  long firstLivenessCommand = Long.MAX_VALUE;
  boolean livenessCommandAcknowledged;

  Workload(
      SplittableRandom random,
      int nodes,
      int intervalUnits,
      int burstMax,
      int concurrency,
      long timeoutUnits) {
    this.random = random;
    this.nodes = nodes;
    this.intervalUnits = intervalUnits;
    this.burstMax = burstMax;
    this.concurrency = concurrency;
    this.timeoutUnits = timeoutUnits;
    this.leaderGuess = 1 + random.nextInt(nodes);
  }

  /** Where the next proposal goes: the believed leader, else a random node. */
  int target() {
    if (leaderGuess == 0) {
      leaderGuess = 1 + random.nextInt(nodes);
    }
    return leaderGuess;
  }

  long nextCommand() {
    return nextCommand;
  }

  /** How many more proposals the client may make now. */
  int room(long now) {
    while (!deadlines.isEmpty() && deadlines.peekFirst().time <= now) {
      Deadline deadline = deadlines.pollFirst();
      Map<Long, Pending> waiting = pending.get(deadline.node);
      Pending proposal = waiting == null ? null : waiting.get(deadline.index);
      if (proposal != null && proposal.command == deadline.command) {
        waiting.remove(deadline.index);
        outstanding--;
      }
    }
    return concurrency - outstanding;
  }

  void accepted(int node, long command, long index, long term, long now) {
    Checks.check(command == nextCommand, "command %s proposed out of order", command);
    nextCommand++;
    proposed++;
    Pending previous =
        pending.computeIfAbsent(node, k -> new HashMap<>()).put(index, new Pending(command, term));
    // A node that accepted another proposal at this index lost the earlier one.
    outstanding += previous == null ? 1 : 0;
    deadlines.addLast(new Deadline(now + timeoutUnits, node, index, command));
  }

  void notLeader(int hint) {
    leaderGuess = hint;
  }

  /** The target was down or refused: try someone else next time. */
  void unavailable() {
    leaderGuess = 0;
  }

  /** Everything the client was waiting for from a crashed node will never be answered. */
  void crashed(int node) {
    Map<Long, Pending> waiting = pending.get(node);
    if (waiting != null) {
      outstanding -= waiting.size();
      waiting.clear();
    }
    if (leaderGuess == node) {
      leaderGuess = 0;
    }
  }

  void startLiveness() {
    firstLivenessCommand = nextCommand;
    // Wait longer once faults stop, so that a slow cluster's backlog drains instead of being
    // offered more; but not forever: a proposal whose leader lost office before replicating it is
    // truncated, and when nothing is proposed after it, its index may never be applied at that node.
    timeoutUnits *= 3;
  }

  /**
   * A new round of the liveness phase (after a leader failover): a command proposed from now on
   * must be acknowledged again.
   */
  void startLivenessRound() {
    firstLivenessCommand = nextCommand;
    livenessCommandAcknowledged = false;
  }

  boolean proposing() {
    return !livenessCommandAcknowledged;
  }

  /**
   * Called for every entry a node applies; returns the acknowledged command id, or 0 when this
   * application acknowledges nothing.
   */
  long applied(int node, Entry entry) {
    Map<Long, Pending> waiting = pending.get(node);
    if (waiting == null) {
      return 0;
    }
    Pending proposal = waiting.remove(entry.index());
    if (proposal == null) {
      return 0;
    }
    outstanding--;
    if (proposal.term != entry.term() || commandOf(entry) != proposal.command) {
      return 0;
    }
    acknowledged++;
    maxAcknowledgedIndex = Math.max(maxAcknowledgedIndex, entry.index());
    if (proposal.command >= firstLivenessCommand) {
      livenessCommandAcknowledged = true;
    }
    return proposal.command;
  }

  /**
   * The node's state machine jumped to index {@code index} (restored from a snapshot): what the
   * client waited for there up to it will never be applied at that node, so its outcome is unknown.
   */
  void restored(int node, long index) {
    Map<Long, Pending> waiting = pending.get(node);
    if (waiting == null) {
      return;
    }
    int before = waiting.size();
    waiting.keySet().removeIf(at -> at <= index);
    outstanding -= before - waiting.size();
  }

  static byte[] encode(long command) {
    return ByteBuffer.allocate(Long.BYTES).putLong(command).array();
  }

  /** The command id an entry carries: 0 for the no-op (the spec's value 0), -1 if not ours. */
  static long commandOf(Entry entry) {
    if (entry.type() == EntryType.NOOP) {
      return 0;
    }
    if (entry.type() != EntryType.COMMAND || entry.data().length != Long.BYTES) {
      return -1;
    }
    return ByteBuffer.wrap(entry.data()).getLong();
  }
}
