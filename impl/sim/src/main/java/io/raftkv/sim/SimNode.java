package io.raftkv.sim;

import io.raftkv.core.NodeState;
import io.raftkv.core.RaftNode;
import io.raftkv.node.NodeLoop;
import io.raftkv.storage.fs.MemoryFileSystem;
import java.util.SplittableRandom;

/**
 * One simulated server: its disk (a {@link MemoryFileSystem}, which survives crashes), and while it
 * runs, the production {@link NodeLoop} over a {@link SimLogStore} on that disk, with a trivial
 * state machine ({@link SimStateMachine}: how far it applied, a running hash of the entries
 * applied, in order, and the commands of the last few).
 */
final class SimNode {

  /** What the node had when it went down, to hold its recovery to. */
  record Down(
      LogMirror before,
      long durableLength,
      long durableTerm,
      long durableVote,
      boolean writeFailed) {}

  final int id;
  final MemoryFileSystem fs = new MemoryFileSystem();
  /** Seeds for each incarnation of the core, derived from the run's root seed. */
  private final SplittableRandom seeds;
  /** Fsync and completion delays, and what a crash of this disk keeps. */
  final SplittableRandom diskRandom;
  /** The running loop, or null while the node is down (crashed, or stopped and not restarted). */
  NodeLoop loop;
  /** The current (or last) incarnation's core; the loop's, set before the loop is built. */
  RaftNode raft;
  SimLogStore store;
  /** The node's log and hard state as handed to storage (the spec's view of its log). */
  LogMirror mirror = new LogMirror();
  /** The state in the last event the node emitted: the spec's view of it while it is down. */
  NodeState lastState;
  /** Set while the node is down, until its restart has been checked against it. */
  Down down;
  /**
   * The durable length the node had before the last snapshot it installed from a leader: what it
   * owes if the install's write failed (the core counts an install durable at once).
   */
  long durableBeforeInstall;
  /** Whether the node went down by stopping itself (fail-stop) rather than by a crash. */
  boolean stopped;
  boolean diskFull;
  /** Fsyncs due before this time wait until it (a stalled disk). */
  long stalledUntil;
  /** The running incarnation's state machine (a fresh one after a crash, until it is restored). */
  SimStateMachine machine = new SimStateMachine();
  /** Commit index last reported to the checker. */
  long checkedCommitIndex;
  int restarts;

  SimNode(int id, SplittableRandom seeds) {
    this.id = id;
    this.seeds = seeds;
    this.diskRandom = seeds.split();
  }

  boolean isUp() {
    return loop != null;
  }

  long nextSeed() {
    return seeds.nextLong();
  }

  /** The spec-visible state: the live core's, or for a node that is down the last it emitted. */
  NodeState state() {
    return loop != null ? loop.raft().state() : lastState;
  }

  /**
   * Takes the node down, remembering what its restart must give back: the entries it reported
   * durable and the term and vote it last synced. Forgets everything volatile.
   */
  void goDown(boolean byStop) {
    NodeState state = loop.raft().state();
    boolean writeFailed = store.failed();
    var synced = store.syncedHardState();
    long durable = store.installFailed() ? durableBeforeInstall : state.durableLength();
    down = new Down(mirror, durable, synced.currentTerm(), synced.votedFor(), writeFailed);
    stopped = byStop;
    loop = null;
    store = null;
    machine = new SimStateMachine();
  }
}
