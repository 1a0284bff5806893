package io.raftkv.sim;

import io.raftkv.core.DurableState;
import io.raftkv.core.HardState;
import io.raftkv.core.NodeState;
import io.raftkv.core.RaftNode;
import io.raftkv.core.Role;
import java.util.SplittableRandom;

/**
 * One simulated server: the Raft core (absent while crashed), its simulated disk, and a trivial
 * state machine (the count and a running hash of the commands applied, in order).
 */
final class SimNode {

  final int id;
  final SimDisk disk = new SimDisk();
  /** Seeds for each incarnation of the core, derived from the run's root seed. */
  private final SplittableRandom seeds;
  RaftNode raft;
  long lastApplied;
  long stateMachineHash;
  /** Commit index last reported to the checker (the durable one survives crashes). */
  long checkedCommitIndex;
  int restarts;

  SimNode(int id, SplittableRandom seeds) {
    this.id = id;
    this.seeds = seeds;
  }

  boolean isUp() {
    return raft != null;
  }

  long nextSeed() {
    return seeds.nextLong();
  }

  DurableState durableState() {
    return new DurableState(
        new HardState(disk.currentTerm, (int) disk.votedFor, disk.commitIndex), 0, 0, disk.entries());
  }

  /** The spec-visible state: the live core's, or for a crashed node the state it will restart with. */
  NodeState state() {
    if (raft != null) {
      return raft.state();
    }
    return new NodeState(
        disk.currentTerm,
        (int) disk.votedFor,
        Role.FOLLOWER,
        disk.commitIndex,
        disk.lastIndex(),
        disk.termAt(disk.lastIndex()));
  }

  /** Forgets everything volatile: the core object and the state machine. */
  void crash() {
    raft = null;
    lastApplied = 0;
    stateMachineHash = 0;
  }
}
