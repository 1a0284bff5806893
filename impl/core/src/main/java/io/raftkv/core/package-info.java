/**
 * The Raft consensus core: a pure, deterministic state machine with no threads, clocks, IO or
 * ambient randomness (CorePurityTest enforces it).
 *
 * <h2>Driving a node</h2>
 * {@link io.raftkv.core.RaftNode} takes {@code tick()}, {@code step(message)},
 * {@code propose(command)} and {@code campaign()}; it answers with {@link io.raftkv.core.Ready}
 * batches: hard state and entries to persist, messages that may leave now, messages that may leave
 * only after the batch is durable (vote grants, append acknowledgements), committed entries to
 * apply. {@code advance(ready)} acknowledges a batch. Expected outcomes (not the leader, flow
 * control) are return values; a broken invariant throws {@link io.raftkv.core.Assert.InvariantViolation}
 * and the node must stop.
 *
 * <h2>Parts (split as in etcd's raft)</h2>
 * <ul>
 *   <li>{@link io.raftkv.core.RaftLog}: the log addressed from a snapshot index, stable and
 *       unstable parts;</li>
 *   <li>{@link io.raftkv.core.Progress}, {@link io.raftkv.core.Inflights},
 *       {@link io.raftkv.core.ProgressTracker}: the leader's view of each follower (matchIndex,
 *       nextIndex, probing vs pipelining, the bound on unacknowledged appends, CheckQuorum
 *       activity);</li>
 *   <li>{@link io.raftkv.core.Quorum}, {@link io.raftkv.core.MajorityQuorum}: commit index and
 *       election outcome from per-voter facts; joint consensus will be a second
 *       implementation;</li>
 *   <li>{@link io.raftkv.core.RaftNode}: the spec's state and actions, one dispatcher per role for
 *       responses.</li>
 * </ul>
 *
 * <h2>Relation to spec/Raft.tla</h2>
 * Every state change is one spec action, reported through {@link io.raftkv.core.RaftObserver} as
 * the {@link io.raftkv.core.RaftEvent} of the same name with the post-state; every message the node
 * ignores is a DropMessage with a reason. Where the implementation does more than the spec, it is
 * invisible to it:
 * <ul>
 *   <li>a leader counts its own log for commitment only as far as it is durable (the spec counts
 *       Len(log)); with a driver that persists each Ready before the next input, as the simulator
 *       does, the two agree;</li>
 *   <li>rejected (pre-)votes are remembered so a lost election ends at once with StepDown;</li>
 *   <li>flow control (probing, inflight limits, the CheckQuorum round) only decides when to send
 *       and which responses to drop, never how a handled message changes state;</li>
 *   <li>a probe is a SendAppendEntries with no entries (k = 0), so nextIndex moves only through
 *       the spec's response formula.</li>
 * </ul>
 */
package io.raftkv.core;
