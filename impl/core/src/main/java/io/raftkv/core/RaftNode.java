package io.raftkv.core;

import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.InstallSnapshotRequest;
import io.raftkv.core.Message.InstallSnapshotResponse;
import io.raftkv.core.Message.ReadIndexRequest;
import io.raftkv.core.Message.ReadIndexResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import io.raftkv.core.Message.TimeoutNow;
import io.raftkv.core.RaftEvent.HandleAppendEntriesResponse;
import io.raftkv.core.RaftEvent.HandleInstallSnapshotResponse;
import io.raftkv.core.RaftEvent.HandleRequestVoteResponse;
import java.util.List;

/**
 * A Raft node as a pure state machine (etcd's RawNode): driven by {@link #tick()},
 * {@link #step(Message)} and {@link #propose(byte[])}, it answers with {@link Ready} batches, and
 * learns of completed writes through {@link #persisted}. No threads, clocks or IO; the only
 * randomness is a seeded {@link java.util.SplittableRandom}.
 *
 * <p>Every state change is one action of spec/Raft.tla, reported to the {@link RaftObserver} right
 * after it happens with the post-state (spec/README.md is the table of actions). Messages the node
 * ignores are reported as DropMessage with a reason.
 *
 * <p>Structure: this class validates inputs and routes them; requests are handled the same in every
 * role (the spec's handlers do not depend on the role), responses go to one dispatcher per role.
 * The work is split by concern over package-private parts sharing one {@link RaftState}:
 * {@link Elections}, {@link LeaderReplication}, {@link FollowerReplication}, {@link ReadyTracker}.
 */
public final class RaftNode {
    private final RaftState node;
    private final Elections elections;
    private final LeaderReplication leader;
    private final FollowerReplication follower;
    private final ReadyTracker readies;

    private RaftNode(Config config, int id, long seed, HardState hard, RaftLog log, RaftObserver observer) {
        if (config == null || hard == null || observer == null) {
            throw new IllegalArgumentException("config, hard state and observer are required");
        }
        if (id < 1) {
            throw new IllegalArgumentException("node ids are >= 1, got " + id);
        }
        if (hard.votedFor() < 0) {
            throw new IllegalArgumentException("votedFor " + hard.votedFor() + " is no node id");
        }
        if (log.lastTerm() > hard.currentTerm()) {
            throw new IllegalArgumentException("the log holds term " + log.lastTerm() + " beyond currentTerm "
                    + hard.currentTerm());
        }
        this.node = new RaftState(config, id, seed, hard, log, observer);
        this.leader = new LeaderReplication(node);
        this.follower = new FollowerReplication(node);
        this.elections = new Elections(node, leader);
        this.readies = new ReadyTracker(node, leader, follower);
    }

    /** A node that has never run: term 0, empty log, its durable entries kept by the core itself. */
    public static RaftNode create(Config config, int id, long seed, RaftObserver observer) {
        RaftNode created = new RaftNode(config, id, seed, HardState.EMPTY, RaftLog.withOwnStorage(), observer);
        created.checkInvariants();
        return created;
    }

    /**
     * A node that has never run, over the driver's (empty) {@code storage}: as {@link #create(Config,
     * int, long, RaftObserver)}, but the core reads its stable log from the storage from the start
     * instead of keeping a copy, so a long first life costs no heap.
     */
    public static RaftNode create(Config config, int id, long seed, LogStorage storage, RaftObserver observer) {
        if (storage == null || storage.lastIndex() != 0 || storage.snapshotIndex() != 0) {
            throw new IllegalArgumentException("a new node starts from an empty storage");
        }
        RaftNode created = new RaftNode(config, id, seed, HardState.EMPTY, new RaftLog(storage), observer);
        created.checkInvariants();
        return created;
    }

    /**
     * A node coming back from its disk (spec Restart): Follower, no leader known, no votes, nothing
     * held; currentTerm and votedFor as stored; the whole stored log durable; commitIndex the stored
     * one, clipped to the stored log (the commit index is written asynchronously, so it may name
     * entries whose write was lost). Emits the Restart event. The committed entries after the
     * snapshot are handed out again (in Ready.committedEntries) so the state machine can be rebuilt.
     * The core reads the stable log through {@code storage} from now on; the driver keeps writing
     * Ready entries there.
     */
    public static RaftNode restart(Config config, int id, long seed, HardState hardState, LogStorage storage,
            RaftObserver observer) {
        if (storage == null) {
            throw new IllegalArgumentException("storage is required");
        }
        return restarted(new RaftNode(config, id, seed, hardState, new RaftLog(storage), observer));
    }

    /**
     * {@link #restart(Config, int, long, HardState, LogStorage, RaftObserver)} from a durable state
     * held in memory (tests, tools): the core keeps the log in its own storage, as after create.
     */
    public static RaftNode restart(Config config, int id, long seed, DurableState durable, RaftObserver observer) {
        if (durable == null) {
            throw new IllegalArgumentException("durable state is required");
        }
        RaftLog log = RaftLog.withOwnStorage(MemoryLogStorage.of(durable));
        return restarted(new RaftNode(config, id, seed, durable.hardState(), log, observer));
    }

    private static RaftNode restarted(RaftNode restarted) {
        restarted.node.emit(new RaftEvent.Restart(restarted.node.id, restarted.node.nodeState()));
        restarted.checkInvariants();
        return restarted;
    }

    // ------------------------------------------------------------------------------------------
    // Inputs

    /** One logical clock tick: election timeout for non-leaders, heartbeats and CheckQuorum for a leader. */
    public void tick() {
        requireNoSyncOutstanding();
        node.ticks++;
        if (node.promiseRemaining > 0 && --node.promiseRemaining == 0) {
            node.emit(new RaftEvent.ExpirePromise(node.id, node.nodeState()));
        }
        follower.expireForwardedReads();
        if (node.role == Role.LEADER) {
            leader.tickLeader();
        } else {
            elections.tickElection();
        }
        settle();
    }

    /**
     * Start an election now, as if the election timeout had elapsed (ignored by a leader, a non-voter,
     * and, with lease reads, a node whose promise still holds).
     */
    public void campaign() {
        requireNoSyncOutstanding();
        if (node.role != Role.LEADER && node.isVoter() && !node.holdsPromise()) {
            elections.startElection();
        }
        settle();
    }

    /**
     * The connection on which {@code peer} sends to this node was closed by the peer's side: its
     * process exited, crashed or closed it (a partition or a stopped process shows no such sign, and
     * leaves the election timeout to notice). A follower of that peer, with PreVote on, stops
     * following it: it forgets the leader, so leader stickiness no longer ignores the others' vote
     * requests on its behalf, and its election timer fires within a few ticks instead of the full
     * randomized timeout: the survivors in turn, lowest id first, {@link
     * Config#leaderLostStaggerTicks()} apart, so that they do not split the vote; a voter only of the
     * configuration being left (C_old while joint) keeps its full timeout, since elected it would
     * finish the change, leave, and cost a second election. A process that dies
     * takes its connections with it, so a crashed leader is replaced in a tick and a few round trips
     * (ZooKeeper's followers likewise give up a leader whose connection closed).
     *
     * <p>It is a hint, never a proof that the peer is gone: with lease reads the node's promise
     * still holds to its end (the timer fires no earlier), and a false alarm costs at most a
     * pre-vote round that followers still hearing the leader ignore; the leader's next message
     * restores the full timeout. Without PreVote the hint is ignored: an early election would raise
     * the term and depose a live leader. Nothing the spec models changes, so no event is emitted: the
     * spec's Timeout is enabled at any time and a vote request a node ignores is a DropMessage.
     *
     * @return whether the node gave up its leader (it followed {@code peer} and PreVote is on)
     */
    public boolean peerDisconnected(int peer) {
        requireNoSyncOutstanding();
        boolean leaderLost = elections.leaderDisconnected(peer);
        settle();
        return leaderLost;
    }

    /** Hands a message from a peer to the node. Messages addressed elsewhere are a caller bug. */
    public void step(Message message) {
        if (message == null || message.to() != node.id) {
            throw new IllegalArgumentException("node " + node.id + " was handed a message for another node: "
                    + message);
        }
        requireNoSyncOutstanding();
        if (message.from() == node.id || message.from() < 1) {
            node.drop(message, "sender " + message.from() + " is no other node");
        } else {
            switch (message) {
                case AppendEntriesRequest request -> follower.handleAppendEntriesRequest(request);
                case RequestVoteRequest request -> elections.handleRequestVoteRequest(request);
                case TimeoutNow request -> elections.handleTimeoutNow(request);
                case InstallSnapshotRequest request -> follower.handleInstallSnapshotRequest(request);
                case ReadIndexRequest request -> leader.handleReadIndexRequest(request);
                case ReadIndexResponse response -> follower.handleReadIndexResponse(response);
                case AppendEntriesResponse response -> routeResponse(response);
                case InstallSnapshotResponse response -> routeResponse(response);
                case RequestVoteResponse response -> routeResponse(response);
            }
        }
        settle();
    }

    /**
     * Appends a client command if this node is the leader (spec ClientRequest). Not-leader and
     * flow-control refusals are return values; the command is committed only later, if at all.
     */
    public ProposeResult propose(byte[] command) {
        if (command == null) {
            throw new IllegalArgumentException("command must not be null");
        }
        requireNoSyncOutstanding();
        ProposeResult result = leader.propose(command);
        settle();
        return result;
    }

    /**
     * Appends the commands in order if this node is the leader, as {@link #propose(byte[])} does for
     * each, and sends them to each follower together (one AppendEntries, flow control allowing):
     * a driver that finds several proposals waiting hands them over at once. The answers are in the
     * commands' order; after a refusal every later command is refused too.
     */
    public List<ProposeResult> proposeAll(List<byte[]> commands) {
        if (commands == null || commands.isEmpty() || commands.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("commands must be a non-empty list without nulls");
        }
        requireNoSyncOutstanding();
        List<ProposeResult> results = leader.proposeAll(commands);
        settle();
        return results;
    }

    /**
     * Changes the cluster's configuration if this node is the leader (thesis §4.3, spec
     * ProposeConfig): a learner is added or removed at once; a promotion or a voter's removal enters
     * the joint configuration C_old,new, which the leader leaves by itself once it is committed. One
     * change at a time: refused while the last one is not committed or the configuration is joint.
     * A learner is promoted only once its log is within {@link Config#promoteLagEntries()} of the
     * leader's.
     */
    public ProposeResult changeMembership(MembershipChange change) {
        if (change == null) {
            throw new IllegalArgumentException("change must not be null");
        }
        requireNoSyncOutstanding();
        ProposeResult result = leader.changeMembership(change);
        settle();
        return result;
    }

    /** The node's configuration (spec ConfigOf): in force from the append of its entry. */
    public Membership membership() {
        return node.membership;
    }

    /** The configuration at {@code index} (>= firstIndex - 1), null for the initial one: a snapshot's. */
    public Membership membershipAt(long index) {
        if (index < node.log.snapshotIndex() || index > node.log.lastIndex()) {
            throw new IllegalArgumentException("node " + node.id + " cannot tell the configuration at " + index
                    + " (log holds [" + node.log.firstIndex() + ", " + node.log.lastIndex() + "])");
        }
        return node.log.membershipAt(index);
    }

    /**
     * Takes a linearizable read (ReadIndex, thesis §6.4) identified by the driver's {@code ctx}. On a
     * leader it is pending: a later Ready carries it in {@link Ready#readStates()} once a quorum has
     * confirmed the leadership and the state machine has applied up to the commit index the read
     * began at, or in {@link Ready#readsAborted()} if the node stops leading first. One call starts
     * one heartbeat round, so a driver batches the reads that arrive together under one ctx. On a
     * follower that knows its leader it is forwarded there (thesis §6.4): the leader confirms a round
     * of its own and answers with its index, and the read comes back in {@link Ready#readStates()}
     * once this node has applied that far, or in {@link Ready#readsAborted()} if the term rises
     * before the answer comes or Config.electionTimeoutTicksMax() ticks pass. A node that knows no
     * leader refuses it ({@link ReadResult.NotLeader}).
     */
    public ReadResult readIndex(long ctx) {
        requireNoSyncOutstanding();
        ReadResult result = node.role == Role.LEADER ? leader.readIndex(ctx) : follower.forwardRead(ctx);
        settle();
        return result;
    }

    /**
     * Takes a lease read (Config.leaseReads, thesis §6.4.1) identified by {@code ctx}: on a leader that
     * holds a lease it is answered without a heartbeat round, in a later Ready's
     * {@link Ready#readStates()} once the state machine has applied up to the commit index; on a
     * leader without one (lease reads off, lease run out or given up by a transfer, no entry of its
     * term committed yet) it is exactly {@link #readIndex}. Sound while no server's clock loses more
     * than Config.leaseDriftTicks against another's over electionTimeoutTicksMin ticks. A follower
     * forwards it as {@link #readIndex} does (the leader confirms a round for it).
     */
    public ReadResult leaseRead(long ctx) {
        requireNoSyncOutstanding();
        ReadResult result = node.role == Role.LEADER ? leader.leaseRead(ctx) : follower.forwardRead(ctx);
        settle();
        return result;
    }

    /**
     * Hands leadership to {@code target} (thesis §3.10): the leader stops taking proposals, brings
     * the target's log up to its own, then sends it TimeoutNow, on which the target campaigns at
     * once. The leader gives up after one minimum election timeout and serves again.
     */
    public TransferResult transferLeadership(int target) {
        requireNoSyncOutstanding();
        TransferResult result = leader.transferLeadership(target);
        settle();
        return result;
    }

    /**
     * Spec TakeSnapshot: the state machine's {@code snapshot} at an applied index is saved (the driver
     * wrote it durably and its {@link LogStorage#snapshot()} returns it from now on; a node whose log
     * the core keeps itself keeps it), so the log up to there is compacted: those entries are no longer
     * read, and a follower that needs one of them gets the snapshot instead. The driver may then drop
     * them from its storage. A snapshot not after the current one changes nothing (a leader's snapshot
     * may have been installed meanwhile).
     *
     * @return whether the log was compacted
     */
    public boolean compact(Snapshot snapshot) {
        if (snapshot == null) {
            throw new IllegalArgumentException("snapshot is required");
        }
        requireNoSyncOutstanding();
        if (snapshot.index() <= node.log.snapshotIndex()) {
            return false;
        }
        if (snapshot.index() > node.appliedIndex || node.log.termOrUnknown(snapshot.index()) != snapshot.term()) {
            throw new IllegalArgumentException("node " + node.id + ": snapshot " + snapshot + " is not of an applied"
                    + " entry (applied up to " + node.appliedIndex + ", term there "
                    + node.log.termOrUnknown(snapshot.index()) + ")");
        }
        node.log.compact(snapshot);
        node.emit(new RaftEvent.TakeSnapshot(node.id, node.nodeState()));
        settle();
        return true;
    }

    /**
     * The end of every input: a leader whose last configuration change is committed leaves a joint
     * configuration (thesis §4.3), or steps down if that configuration has no place for it; then
     * every invariant is checked.
     */
    private void settle() {
        if (node.role == Role.LEADER && !readies.syncOutstanding()) {
            leader.reconfigure();
        }
        checkInvariants();
    }

    /** A sync Ready promises that nothing else happens until it is durable (see {@link Ready}). */
    private void requireNoSyncOutstanding() {
        if (readies.syncOutstanding()) {
            throw new IllegalStateException("node " + node.id
                    + ": a sync Ready is outstanding; make it durable and advance(...) it before the next input");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Ready / advance / persisted

    /** Whether {@link #ready()} has something, and no earlier Ready is waiting for {@link #advance}. */
    public boolean hasReady() {
        return readies.hasReady();
    }

    /** The next batch of work; the caller handles it as {@link Ready} describes, then calls advance. */
    public Ready ready() {
        return readies.ready();
    }

    /**
     * Marks {@code ready} handed over: its write submitted (a sync one: durable), its messages sent
     * or queued, its committed entries applied. Advancing a sync Ready with entries makes them, and
     * every entry handed out before, durable (PersistLog).
     */
    public void advance(Ready ready) {
        readies.advance(ready);
        settle();
    }

    /**
     * Reports that the log is durable up to {@code index}, whose entry has {@code term}: the driver
     * calls it when a write completes, in any order, any number of times. When the durable index
     * rises the node emits PersistLog, then releases the acknowledgements held for entries now
     * durable (they are in the next Ready's messages), then, as leader, advances its commit index
     * if its own durable entries complete a quorum. A report about entries that the log has since
     * replaced, or that arrives while a sync Ready with entries is outstanding, changes nothing.
     */
    public void persisted(long index, long term) {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("index and term must be >= 0, got " + index + ", " + term);
        }
        readies.persisted(index, term);
        settle();
    }

    // ------------------------------------------------------------------------------------------
    // Responses: term rules, then one dispatcher per role

    /**
     * Term rules every response obeys: a rejection from a higher term makes us a Follower of that term
     * (paper §5.1); a response from an older term answers nothing we still wait for.
     */
    private void routeResponse(Message response) {
        boolean rejection = !(response instanceof RequestVoteResponse vote) || !vote.voteGranted();
        if (response.term() > node.currentTerm && rejection) {
            node.becomeFollower(response.term(), 0);
            node.emit(switch (response) {
                case RequestVoteResponse vote -> new HandleRequestVoteResponse(node.id, node.nodeState(), vote);
                case InstallSnapshotResponse snap -> new HandleInstallSnapshotResponse(node.id, node.nodeState(), snap);
                default -> new HandleAppendEntriesResponse(node.id, node.nodeState(), (AppendEntriesResponse) response);
            });
            return;
        }
        if (response.term() < node.currentTerm) {
            node.drop(response, "stale term " + response.term() + " < " + node.currentTerm);
            return;
        }
        switch (node.role) {
            case LEADER -> stepLeader(response);
            case PRE_CANDIDATE, CANDIDATE -> stepCandidate(response);
            case FOLLOWER -> stepFollower(response);
        }
    }

    private void stepLeader(Message response) {
        if (!node.tracker.tracks(response.from())) {
            node.drop(response, "answer from " + response.from() + ", no member of " + node.membership);
            return;
        }
        switch (response) {
            case AppendEntriesResponse append -> leader.handleAppendEntriesResponse(append);
            case InstallSnapshotResponse snapshot -> leader.handleInstallSnapshotResponse(snapshot);
            default -> node.drop(response, "leader has no campaign in term " + node.currentTerm);
        }
    }

    private void stepCandidate(Message response) {
        switch (response) {
            case RequestVoteResponse vote -> elections.stepCandidate(vote);
            default -> node.drop(response, node.role + " has no AppendEntries in flight");
        }
    }

    private void stepFollower(Message response) {
        node.drop(response, "follower has no request in flight");
    }

    // ------------------------------------------------------------------------------------------
    // Read-only accessors

    public int id() {
        return node.id;
    }

    public Config config() {
        return node.config;
    }

    public Role role() {
        return node.role;
    }

    public long currentTerm() {
        return node.currentTerm;
    }

    public int votedFor() {
        return node.votedFor;
    }

    public long commitIndex() {
        return node.commitIndex;
    }

    /** The leader this node last heard from in currentTerm, 0 if none (itself when leader). */
    public int leaderId() {
        return node.leaderId;
    }

    public long firstIndex() {
        return node.log.firstIndex();
    }

    public long lastIndex() {
        return node.log.lastIndex();
    }

    public long lastTerm() {
        return node.log.lastTerm();
    }

    /** The log is known durable up to here (spec durableLength). */
    public long durableIndex() {
        return node.log.durableIndex();
    }

    /** Index up to which committed entries were handed out in a Ready and advanced. */
    public long appliedIndex() {
        return readies.appliedIndex();
    }

    /** The entry at {@code index}, which must be in [firstIndex, lastIndex]. */
    public Entry entry(long index) {
        if (index < node.log.firstIndex() || index > node.log.lastIndex()) {
            throw new IllegalArgumentException("node " + node.id + " has no entry " + index + " (log holds ["
                    + node.log.firstIndex() + ", " + node.log.lastIndex() + "])");
        }
        return node.log.entry(index);
    }

    /** The entries {@code from..to} inclusive, within [firstIndex, lastIndex]. */
    public List<Entry> entries(long from, long to) {
        if (from > to) {
            return List.of();
        }
        entry(from);
        entry(to);
        return node.log.slice(from, to, Long.MAX_VALUE);
    }

    /** Term of the entry at {@code index}: 0 for index 0, the snapshot term at firstIndex - 1. */
    public long termAt(long index) {
        long term = node.log.termOrUnknown(index);
        if (term == RaftLog.UNKNOWN_TERM) {
            throw new IllegalArgumentException("node " + node.id + " cannot tell the term at " + index
                    + " (log holds [" + node.log.firstIndex() + ", " + node.log.lastIndex() + "])");
        }
        return term;
    }

    /** Leader only: the spec's matchIndex[id][peer]. */
    public long matchIndex(int peer) {
        requireLeader();
        return node.tracker.get(peer).matchIndex();
    }

    /** Leader only: the spec's nextIndex[id][peer]. */
    public long nextIndex(int peer) {
        requireLeader();
        return node.tracker.get(peer).nextIndex();
    }

    /** The member leadership is being handed to, 0 if none (leader only). */
    public int leadTransferee() {
        return node.leadTransferee;
    }

    /** Leader only: a readable summary of the flow control towards {@code peer}. */
    public String progress(int peer) {
        requireLeader();
        return node.tracker.get(peer).toString();
    }

    /** The spec's votesGranted (empty unless campaigning). */
    public List<Integer> votesGranted() {
        return List.copyOf(node.votesGranted);
    }

    private void requireLeader() {
        if (node.role != Role.LEADER) {
            throw new IllegalStateException("node " + node.id + " is " + node.role + ", not leader");
        }
    }

    /** The spec-visible state (what events carry). */
    public NodeState state() {
        return node.nodeState();
    }

    /**
     * Checks every local invariant; throws {@link Assert.InvariantViolation} on a broken one. Runs at
     * the end of every input (tick, step, propose, campaign, advance, persisted).
     */
    public void checkInvariants() {
        node.checkInvariants();
        readies.checkInvariants();
    }
}
