package io.raftkv.sim;

import io.raftkv.core.Entry;
import io.raftkv.core.NodeState;
import io.raftkv.core.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The cluster-wide safety properties of the spec (Raft paper Figure 3), checked incrementally so
 * that checking after every event stays cheap:
 *
 * <ul>
 *   <li>ElectionSafety: at most one leader per term, over the whole run (every event's post-state
 *       is looked at, so even a leadership that lasts one event is seen);
 *   <li>LogMatching: entries with the same index and term have identical prefixes. Every log write
 *       registers the chained hash of the prefix ending at each new (index, term); a second,
 *       different hash for the same pair is a violation. Since a pair is written by one leader
 *       only, the registry may keep pairs across the whole run, which is stronger than comparing
 *       the logs present at one instant;
 *   <li>StateMachineSafety: the committed prefixes agree everywhere. The first node to commit an
 *       index defines the cluster's committed entry there; every other commit, every application
 *       and every later log write must agree with it (a node's log may never lose or change an
 *       entry at or below its commit index);
 *   <li>LeaderCompleteness: an entry committed in term T is in the log of every leader of a term
 *       greater than T (checked when a node becomes leader);
 *   <li>commit-index monotonicity per node; a restart may lower it, but only to a recovered index
 *       no greater than the one before the crash (the commit index is written asynchronously, so
 *       a crash may forget its last advances: the spec's {@code Restart});
 *   <li>recovery keeps what was reported durable: after a restart the recovered log holds every
 *       entry the node had reported durable ({@code durableLength} before the crash, with the
 *       same content) and is a prefix of the log the node had handed to storage; the recovered
 *       term and vote are those last written (they are written synchronously);
 *   <li>no acknowledged command is lost: an acknowledged command is the committed entry at its
 *       index (StateMachineSafety then keeps it there);
 *   <li>snapshots hold the committed prefix: every snapshot a node saves or installs, and every
 *       state its state machine is restored to (from a leader's snapshot, or from its own at a
 *       restart), is the state after applying exactly the cluster's committed entries 1..index, and
 *       the log after an install or a restart from a snapshot starts right after it. A log that
 *       starts from a snapshot knows its entries up to there by that snapshot alone; the checks
 *       above compare its prefixes there with the committed log's, against which the snapshot
 *       was checked.
 * </ul>
 *
 * <p>Costs: O(1) per event for the state checks, O(new entries) per log write or commit advance,
 * O(1) amortized per new leader.
 */
final class SafetyChecker {

  private final int nodes;
  private final List<String> violations = new ArrayList<>();
  private final Supplier<String> context;

  /** The cluster's committed log, 1-based (index 0 unused), and the hash of each prefix. */
  private final ArrayList<Entry> committed = new ArrayList<>();
  private long[] committedPrefixHash = new long[64];
  /** The term of the node that first committed each index (a leader), for LeaderCompleteness. */
  private long[] commitTerm = new long[64];

  /** (index, term) -> hash of the prefix ending there, over every log ever written. */
  private final Map<Long, Long> prefixByIndexAndTerm = new HashMap<>();
  /** term -> the node that led it. */
  private final Map<Long, Integer> leaderOfTerm = new HashMap<>();
  private final long[] lastCommitIndex;
  private final long[] lastLeaderTerm;

  /** {@code context} says where the simulation is (time, event); it prefixes every violation. */
  SafetyChecker(int nodes, Supplier<String> context) {
    this.nodes = nodes;
    this.context = context;
    this.lastCommitIndex = new long[nodes + 1];
    this.lastLeaderTerm = new long[nodes + 1];
    committed.add(null);
  }

  List<String> violations() {
    return violations;
  }

  boolean failed() {
    return !violations.isEmpty();
  }

  void violation(String property, String detail) {
    violations.add(property + ": " + detail + "\n    [" + context.get() + "]");
  }

  long committedIndex() {
    return committed.size() - 1;
  }

  Entry committedEntry(long index) {
    return committed.get((int) index);
  }

  /**
   * A node restarted with {@code state}: its commit index may have fallen back to what its disk
   * kept, but never beyond what it had before, nor beyond its recovered log.
   */
  void onRestart(int node, NodeState state) {
    if (state.commitIndex() > lastCommitIndex[node] || state.commitIndex() > state.logLength()) {
      violation(
          "CommitIndexMonotonic",
          "node " + node + " restarted with commitIndex " + state.commitIndex() + " (log 1.."
              + state.logLength() + ") after commitIndex " + lastCommitIndex[node]);
    }
    lastCommitIndex[node] = state.commitIndex();
  }

  /**
   * What a node's disk gave back at a restart against what it had before the crash.
   *
   * @param before the log and hard state the node had handed to storage when it went down
   * @param durableLength the last {@code durableLength} the node reported before it went down
   * @param durableTerm the currentTerm of the last hard state known written and synced
   * @param durableVote the votedFor of that hard state
   * @param writeFailed whether a write failed in that incarnation (a full disk): then the last
   *     batches handed over may never have reached the disk, and only what was synced is owed
   * @param recovered what the write-ahead log recovered
   */
  void onRecovered(
      int node,
      LogMirror before,
      long durableLength,
      long durableTerm,
      long durableVote,
      boolean writeFailed,
      LogMirror recovered) {
    if (recovered.lastIndex() < durableLength
        || hashAt(recovered, durableLength) != hashAt(before, durableLength)) {
      violation(
          "DurableRecordLost",
          "node " + node + " had reported entries 1.." + durableLength + " durable, but its disk"
              + " recovered 1.." + recovered.lastIndex()
              + (recovered.lastIndex() >= durableLength ? " with different content" : ""));
      return;
    }
    long n = recovered.lastIndex();
    boolean prefix = n <= before.lastIndex() && hashAt(recovered, n) == hashAt(before, n);
    if (!writeFailed && !prefix) {
      violation(
          "RecoveredLogNotAPrefix",
          "node " + node + " recovered 1.." + n + ", which is not a prefix of the log 1.."
              + before.lastIndex() + " it had written");
      return;
    }
    boolean hardStateKept =
        writeFailed
            ? recovered.currentTerm > durableTerm
                || (recovered.currentTerm == durableTerm
                    && (durableVote == 0 || recovered.votedFor == durableVote))
            : recovered.currentTerm == before.currentTerm && recovered.votedFor == before.votedFor;
    if (!hardStateKept) {
      violation(
          "HardStateLost",
          "node " + node + " recovered term " + recovered.currentTerm + " vote "
              + recovered.votedFor + " after writing term " + before.currentTerm + " vote "
              + before.votedFor
              + " (synced: term " + durableTerm + " vote " + durableVote + ")");
      return;
    }
    if (recovered.commitIndex > n || (!writeFailed && recovered.commitIndex > before.commitIndex)) {
      violation(
          "RecoveredCommitIndex",
          "node " + node + " recovered commitIndex " + recovered.commitIndex + " with log 1.." + n
              + " after writing commitIndex " + before.commitIndex);
      return;
    }
    checkCommittedPrefix(node, recovered, recovered.commitIndex, "after recovery");
  }

  /** Every event's post-state: term leadership and commit monotonicity. */
  void onState(int node, NodeState state) {
    if (state.commitIndex() < lastCommitIndex[node]) {
      violation(
          "CommitIndexMonotonic",
          "node " + node + " commitIndex went from " + lastCommitIndex[node] + " to "
              + state.commitIndex());
    }
    lastCommitIndex[node] = Math.max(lastCommitIndex[node], state.commitIndex());
    if (state.role() == Role.LEADER) {
      Integer leader = leaderOfTerm.putIfAbsent(state.currentTerm(), node);
      if (leader != null && leader != node) {
        violation(
            "ElectionSafety",
            "nodes " + leader + " and " + node + " both led term " + state.currentTerm());
      }
    }
  }

  /**
   * A node's log after a write that changed it from index {@code firstChanged} on, and its commit
   * index (the durable one, which a crash keeps).
   */
  void onLogWritten(int node, LogMirror disk, long firstChanged, long commitIndex) {
    for (long index = firstChanged; index <= disk.lastIndex(); index++) {
      long term = disk.termAt(index);
      long key = (index << 24) ^ term;
      long hash = disk.prefixHash(index) ^ (index * 0x2545F4914F6CDD1DL);
      Long known = prefixByIndexAndTerm.putIfAbsent(key, hash);
      if (known != null && known != hash) {
        violation(
            "LogMatching",
            "node " + node + " holds " + disk.entry(index) + " whose prefix differs from another"
                + " log's entry at index " + index + " term " + term);
        return;
      }
    }
    checkCommittedPrefix(node, disk, commitIndex, "after a log write");
  }

  /** A node's commit index now; extends the cluster's committed log if it is the first that far. */
  void onCommit(int node, LogMirror disk, long commitIndex, long currentTerm) {
    if (commitIndex > disk.lastIndex()) {
      violation(
          "StateMachineSafety",
          "node " + node + " commitIndex " + commitIndex + " beyond its durable log 1.."
              + disk.lastIndex());
      return;
    }
    long known = committedIndex();
    if (commitIndex <= known) {
      checkCommittedPrefix(node, disk, commitIndex, "at commit");
      return;
    }
    if (!checkCommittedPrefix(node, disk, known, "at commit")) {
      return;
    }
    ensureCapacity(commitIndex);
    if (known < disk.base()) {
      violation(
          "SnapshotContent",
          "node " + node + " holds a snapshot up to " + disk.base() + " but only 1.." + known
              + " is committed");
      return;
    }
    for (long index = known + 1; index <= commitIndex; index++) {
      Entry entry = disk.entry(index);
      committed.add(entry);
      committedPrefixHash[(int) index] =
          LogMirror.chain(committedPrefixHash[(int) index - 1], entry);
      commitTerm[(int) index] = currentTerm;
    }
  }

  private boolean checkCommittedPrefix(int node, LogMirror disk, long commitIndex, String when) {
    long upTo = Math.min(commitIndex, committedIndex());
    if (upTo <= 0) {
      return true;
    }
    if (disk.lastIndex() < upTo) {
      violation(
          "StateMachineSafety",
          "node " + node + " lost committed entries " + when + ": its log ends at "
              + disk.lastIndex() + ", commitIndex " + commitIndex);
      return false;
    }
    if (hashAt(disk, upTo) != committedPrefixHash[(int) upTo]) {
      violation(
          "StateMachineSafety",
          "node " + node + " committed prefix 1.." + upTo + " differs from the cluster's " + when
              + firstDifference(disk, upTo));
      return false;
    }
    return true;
  }

  private String firstDifference(LogMirror disk, long upTo) {
    if (disk.base() > 0 && disk.base() <= upTo
        && disk.prefixHash(disk.base()) != committedPrefixHash[(int) disk.base()]) {
      return ": its snapshot up to " + disk.base() + " differs";
    }
    for (long index = disk.base() + 1; index <= upTo; index++) {
      if (!disk.entry(index).equals(committed.get((int) index))) {
        return ": first at index " + index + ", node has " + disk.entry(index) + ", committed "
            + committed.get((int) index);
      }
    }
    return "";
  }

  /** A node just became leader of {@code term} (its log as persisted in the same event). */
  void onLeader(int node, long term, LogMirror disk) {
    if (lastLeaderTerm[node] == term) {
      return;
    }
    lastLeaderTerm[node] = term;
    long upTo = committedIndex();
    while (upTo > 0 && commitTerm[(int) upTo] >= term) {
      upTo--;
    }
    if (upTo == 0) {
      return;
    }
    if (disk.lastIndex() < upTo || hashAt(disk, upTo) != committedPrefixHash[(int) upTo]) {
      violation(
          "LeaderCompleteness",
          "node " + node + " leads term " + term + " without every entry committed before it (1.."
              + upTo + "); its log ends at " + disk.lastIndex()
              + (disk.lastIndex() >= upTo ? firstDifference(disk, upTo) : ""));
    }
  }

  /** A node applied {@code entry}: it must be the cluster's committed entry at that index. */
  void onApply(int node, Entry entry) {
    if (entry.index() > committedIndex()) {
      violation(
          "StateMachineSafety",
          "node " + node + " applied " + entry + " beyond the committed log 1.." + committedIndex());
    } else if (!entry.equals(committed.get((int) entry.index()))) {
      violation(
          "StateMachineSafety",
          "node " + node + " applied " + entry + " where " + committed.get((int) entry.index())
              + " is committed");
    }
  }

  /**
   * The hash of {@code disk}'s entries 1..{@code index}. Below the log's base (entries known only
   * as its snapshot's content) it is the committed log's: that snapshot was checked to be the
   * committed prefix up to the base ({@link #checkSnapshot}), so its shorter prefixes are too.
   */
  /**
   * The last client command of the committed prefix 1..{@code upTo} whose id is {@code key} modulo
   * {@code keys}, 0 if there is none: what a read of that key returns at that applied index.
   */
  long lastCommandOfKey(long upTo, long key, int keys) {
    for (long index = Math.min(upTo, committed.size() - 1); index >= 1; index--) {
      long command = Workload.commandOf(committed.get((int) index));
      if (command > 0 && command % keys == key) {
        return command;
      }
    }
    return 0;
  }

  long hashAt(LogMirror disk, long index) {
    if (index >= disk.base()) {
      return disk.prefixHash(index);
    }
    if (disk.base() > committedIndex()) {
      return ~committedPrefixHash[(int) committedIndex()]; // differs: reported by the caller
    }
    return committedPrefixHash[(int) index];
  }

  /**
   * A snapshot of the entries up to {@code index}, whose term is {@code term}, holding {@code
   * content}: it must be the state after applying exactly the committed entries 1..index.
   *
   * @param what what the node did with it, for the report ("saved", "installed", ...)
   * @return whether it holds
   */
  boolean checkSnapshot(int node, long index, long term, SimStateMachine content, String what) {
    String problem;
    if (content == null) {
      problem = "is not a snapshot of the simulated state machine";
    } else if (content.applied != index) {
      problem = "holds the state after index " + content.applied;
    } else if (index > committedIndex()) {
      problem = "is beyond the committed log 1.." + committedIndex();
    } else if (committed.get((int) index).term() != term) {
      problem = "has term " + term + " but the committed entry there is " + committed.get((int) index);
    } else if (!content.matches(committedPrefixHash[(int) index], i -> committed.get((int) i))) {
      problem = "differs from the committed prefix's state (" + content + ")";
    } else {
      return true;
    }
    violation("SnapshotContent", "node " + node + " " + what + " a snapshot at index " + index
        + " (term " + term + ") that " + problem);
    return false;
  }

  /**
   * A node's state machine after a restore ({@code when}): the state after applying exactly the
   * committed entries 1..applied.
   */
  void checkStateMachine(int node, SimStateMachine machine, String when) {
    long applied = machine.applied;
    boolean ok =
        applied <= committedIndex()
            && machine.matches(committedPrefixHash[(int) applied], i -> committed.get((int) i));
    if (!ok) {
      violation(
          "StateMachineSafety",
          "node " + node + " state machine " + when + " (" + machine + ") is not the committed"
              + " prefix's state up to " + applied + " (committed 1.." + committedIndex() + ")");
    }
  }

  /** The client was told {@code command} is done at {@code index}. */
  void onAcknowledged(long command, long index) {
    if (index > committedIndex()
        || Workload.commandOf(committed.get((int) index)) != command) {
      violation(
          "AcknowledgedCommandLost",
          "command " + command + " acknowledged at index " + index + " is not the committed entry"
              + " there (" + (index > committedIndex() ? "none" : committed.get((int) index)) + ")");
    }
  }

  private void ensureCapacity(long index) {
    if (index >= committedPrefixHash.length) {
      int size = (int) Math.max(committedPrefixHash.length * 2L, index + 1);
      committedPrefixHash = java.util.Arrays.copyOf(committedPrefixHash, size);
      commitTerm = java.util.Arrays.copyOf(commitTerm, size);
    }
  }

  int nodes() {
    return nodes;
  }
}
