/**
 * The Raft consensus core: a pure, deterministic state machine with no threads, clocks, IO or
 * ambient randomness (impl/cli's PurityTest enforces it).
 *
 * <h2>Driving a node</h2>
 * {@link io.raftkv.core.RaftNode} takes {@code tick()}, {@code step(message)},
 * {@code propose(command)} and {@code campaign()}; it answers with {@link io.raftkv.core.Ready}
 * batches: hard state and entries to write, whether the write is sync, messages, committed entries
 * to apply. {@code advance(ready)} hands a batch back; {@code persisted(index, term)} reports a
 * completed write. Persistence is asynchronous: an async batch's messages leave at once and its
 * write completes later; a sync batch (a term or vote change, or entries rewriting indexes written
 * before) is durable before its messages leave and before the next input. The core holds append
 * acknowledgements until the entries they vouch for are durable, and a leader counts itself toward
 * a quorum only up to its durable index (thesis §10.2.1), so a driver never holds messages back.
 * Expected outcomes (not the leader, flow control) are return values; a broken invariant throws
 * {@link io.raftkv.core.Assert.InvariantViolation} and the node must stop.
 *
 * <h2>Parts (split as in etcd's raft)</h2>
 * <ul>
 *   <li>{@link io.raftkv.core.RaftLog}: the log addressed from a snapshot index; its stable part is
 *       read through {@link io.raftkv.core.LogStorage} ({@link io.raftkv.core.MemoryLogStorage} in
 *       memory), its unstable part is held in memory; the durable, submitted and written marks;</li>
 *   <li>{@link io.raftkv.core.Progress}, {@link io.raftkv.core.Inflights},
 *       {@link io.raftkv.core.ProgressTracker}: the leader's view of each follower (matchIndex,
 *       nextIndex, probing vs pipelining, the bound on unacknowledged appends, CheckQuorum
 *       activity); Progress owns its transitions;</li>
 *   <li>{@link io.raftkv.core.Quorum}, {@link io.raftkv.core.MajorityQuorum}: commit index and
 *       election outcome from per-voter facts; joint consensus will be a second
 *       implementation;</li>
 *   <li>{@link io.raftkv.core.RaftState}: the spec state one node's parts share;
 *       {@link io.raftkv.core.Elections}: timers, campaigns, RequestVote;
 *       {@link io.raftkv.core.LeaderReplication}: proposals, appends, heartbeats, commit,
 *       CheckQuorum; {@link io.raftkv.core.FollowerReplication}: AppendEntries on the receiving side
 *       and {@link io.raftkv.core.PendingAcks}; {@link io.raftkv.core.ReadyTracker}: Ready,
 *       advance and persisted;</li>
 *   <li>{@link io.raftkv.core.RaftNode}: the public face; validates and routes inputs, one
 *       dispatcher per role for responses.</li>
 * </ul>
 *
 * <h2>Relation to spec/Raft.tla</h2>
 * Every state change is one spec action, reported through {@link io.raftkv.core.RaftObserver} as
 * the {@link io.raftkv.core.RaftEvent} of the same name with the post-state; every message the node
 * ignores is a DropMessage with a reason. The spec's durableLength is the durable index (PersistLog
 * raises it) and its pendingAcks the held acknowledgements. Where the implementation does more than
 * the spec, it is invisible to it:
 * <ul>
 *   <li>rejected (pre-)votes are remembered so a lost election ends at once with StepDown;</li>
 *   <li>flow control (probing, inflight limits, the CheckQuorum round) only decides when to send
 *       and which responses to drop, never how a handled message changes state;</li>
 *   <li>a probe is a SendAppendEntries with no entries (k = 0), so nextIndex moves only through
 *       the spec's response formula;</li>
 *   <li>sync versus async batches, and applying only durable committed entries, concern the driver
 *       and the state machine, not the spec's state.</li>
 * </ul>
 */
package io.raftkv.core;
