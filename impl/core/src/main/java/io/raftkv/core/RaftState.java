package io.raftkv.core;

import io.raftkv.core.RaftEvent.DropMessage;
import io.raftkv.core.RaftEvent.StepDown;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The state of one node, shared by the parts that act on it ({@link Elections},
 * {@link LeaderReplication}, {@link FollowerReplication}, {@link ReadyTracker}), and the transitions
 * all of them need: following a leader, adopting a term, emitting events. Fields carry the spec's
 * names; everything else is volatile bookkeeping the spec cannot see.
 */
final class RaftState {
    final Config config;
    final int id;
    final RaftObserver observer;
    final SplittableRandom random;
    /** The configuration before any CONFIG entry: the initial voters ({@link Config#members()}). */
    private final Membership initialMembership;
    /** Spec ConfigOf(i): the configuration of the last CONFIG entry, else the snapshot's, else the initial one. */
    Membership membership;
    /** The quorum rule of {@link #membership}. */
    Quorum quorum;
    /** The other members (voters and learners), ascending: a leader replicates to them. */
    List<Integer> peers;
    /** The other voters of both halves, ascending: a candidate asks them for votes. */
    List<Integer> voterPeers;

    // Spec state. currentTerm and votedFor are durable (paper Figure 2); commitIndex is durable too.
    long currentTerm;
    int votedFor;
    Role role = Role.FOLLOWER;
    long commitIndex;
    final RaftLog log;
    /** Spec votesGranted: pre-votes while PreCandidate, votes while Candidate; a set, so duplicates count once. */
    final TreeSet<Integer> votesGranted = new TreeSet<>();
    /** Spec pendingAcks: acknowledgements held until the entries they vouch for are durable. */
    final PendingAcks pendingAcks = new PendingAcks();
    /** Leader only: spec nextIndex and matchIndex, with flow control. */
    final ProgressTracker tracker = new ProgressTracker();
    /** Spec appliedIndex: committed entries handed out in a Ready and advanced. */
    long appliedIndex;
    /** Leader only: spec readSeq and pendingReads (ReadIndex). */
    final LeaderReads reads = new LeaderReads();
    /** A non-leader's reads forwarded to its leader (invisible to the spec but for their messages). */
    final ForwardedReads forwarded = new ForwardedReads();
    /**
     * Spec lease[i] (Config.leaseReads): the read round the leader's lease rests on, 0 for none, -1
     * when a transfer gave it up for the rest of the term.
     */
    long leaseRound;

    // Volatile bookkeeping invisible to the spec.
    /** Rejections seen, so a lost election ends before its timeout (etcd does the same). */
    final TreeSet<Integer> votesRejected = new TreeSet<>();
    int leaderId;
    int electionElapsed;
    int heartbeatElapsed;
    int randomizedElectionTimeout;
    /** Leader only: bytes of its own term's entries not yet committed (Config.maxUncommittedBytes). */
    long uncommittedBytes;
    /** Leader only: index of the no-op that opened its term. */
    long termStartIndex;
    /** Leader only: the member leadership is being handed to, 0 if none (thesis §3.10). */
    int leadTransferee;
    /** Leader only: ticks since the transfer began; it is given up after electionTimeoutTicksMin. */
    int transferElapsed;
    /** Follower: the chunks of a leader's snapshot received so far. */
    final SnapshotReceiver receiver = new SnapshotReceiver();
    /** A snapshot installed from a leader, for the next Ready (which is then sync), or null. */
    Snapshot snapshotToInstall;
    /** With snapshotToInstall: whether the log's entries after it stay. */
    boolean snapshotKeepsLog;
    /** Messages for the next Ready. */
    final List<Message> outbox = new ArrayList<>();
    /** Ticks since the node started: the clock of leases. */
    long ticks;
    /** Leader: the tick its lease round began; the lease ends Config.leaseTicks() later. */
    long leaseStartTick;
    /**
     * Ticks left of this node's promise (Config.leaseReads): while positive it votes for no other
     * candidate (except on a transfer) and does not campaign, so a lease that counts it stays sound.
     * Set to electionTimeoutTicksMin on hearing the leader and on starting: a restarted node has
     * forgotten whom it heard, so it keeps the promise it may have made before the crash.
     */
    int promiseRemaining;
    /**
     * The term of the leader the promise was made to (spec promise[i].term); 0 after a start, when
     * the node cannot know whom it promised before a crash, so that its promise then covers every term.
     */
    long promiseTerm;

    RaftState(Config config, int id, long seed, HardState hard, RaftLog log, RaftObserver observer) {
        this.config = config;
        this.id = id;
        this.observer = observer;
        this.random = new SplittableRandom(seed);
        this.currentTerm = hard.currentTerm();
        this.votedFor = hard.votedFor();
        this.log = log;
        // A snapshot holds committed entries only; the hard state may lag it (it is written
        // asynchronously) or be ahead of a log that lost its unsynced tail in a crash.
        this.commitIndex = Math.max(log.snapshotIndex(), Math.min(hard.commitIndex(), log.lastIndex()));
        // Entries in the snapshot are applied; the rest of the committed prefix is handed out again.
        this.appliedIndex = log.snapshotIndex();
        this.initialMembership = Membership.initial(config.members());
        refreshMembership();
        resetElectionTimer();
        holdPromise(0);
    }

    /**
     * Heard from the leader of {@code term} (the current term), or started ({@code term} 0): a fresh
     * promise (Config.leaseReads).
     */
    void holdPromise(long term) {
        promiseRemaining = config.leaseReads() ? config.electionTimeoutTicksMin() : 0;
        promiseTerm = term;
    }

    /** Whether this node's promise forbids it to vote for another candidate or to campaign. */
    boolean holdsPromise() {
        return promiseRemaining > 0;
    }

    /**
     * Takes the configuration of the log (thesis §4.1: in force from append, so a cut or an installed
     * snapshot can change it too). A leader starts probing each new member from the CONFIG entry that
     * added it, and forgets the progress of members that left.
     */
    void refreshMembership() {
        Membership now = logMembership();
        if (now.equals(membership)) {
            return;
        }
        membership = now;
        quorum = now.quorum();
        peers = now.members().stream().filter(member -> member != id).toList();
        voterPeers = now.allVoters().stream().filter(member -> member != id).toList();
        if (role == Role.LEADER) {
            tracker.retainOnly(peers, Math.max(1, log.lastConfigIndex()), config.maxInflightMessages());
            if (leadTransferee != 0 && !now.isVoter(leadTransferee)) {
                leadTransferee = 0; // the target left the voters: serve again
            }
        }
    }

    /** The configuration the log puts in force (its last CONFIG entry's, else its snapshot's, else the initial one). */
    private Membership logMembership() {
        Membership inLog = log.membership();
        return inLog != null ? inLog : initialMembership;
    }

    /** Whether this node is a voter of its configuration, so it may campaign. */
    boolean isVoter() {
        return membership.isVoter(id);
    }

    /** The spec-visible state (what events carry). */
    NodeState nodeState() {
        return new NodeState(currentTerm, votedFor, role, commitIndex, log.lastIndex(), log.lastTerm(),
                log.durableIndex(), appliedIndex, log.snapshotIndex(), membership, leaseRound);
    }

    HardState hardState() {
        return new HardState(currentTerm, votedFor, commitIndex);
    }

    void emit(RaftEvent event) {
        observer.on(event);
    }

    void drop(Message message, String reason) {
        emit(new DropMessage(id, nodeState(), message, reason));
    }

    /**
     * Moves to {@code term} > currentTerm with no vote. Every term change goes through here, so held
     * acknowledgements never outlive their term (spec AcksAfterTerm).
     */
    void adoptTerm(long term) {
        Assert.check(term > currentTerm, "term would not rise from %d to %d", currentTerm, term);
        currentTerm = term;
        votedFor = 0;
        pendingAcks.discard();
        forwarded.abortUnanswered(reads.aborted);
    }

    /** Back to Follower in {@code term} (adopting it if higher, which clears the vote). */
    void becomeFollower(long term, int leader) {
        Assert.check(term >= currentTerm, "term would go back from %d to %d", currentTerm, term);
        boolean changed = term > currentTerm || role != Role.FOLLOWER;
        if (term > currentTerm) {
            adoptTerm(term);
        }
        role = Role.FOLLOWER;
        leaderId = leader;
        resetVotes();
        tracker.clear();
        reads.abortAll(id);
        leaseRound = 0;
        leadTransferee = 0;
        electionElapsed = 0;
        // A timer below the minimum was armed because the leader's connection closed: hearing a
        // leader again restores a full timeout.
        if (changed || randomizedElectionTimeout < config.electionTimeoutTicksMin()) {
            resetElectionTimer();
        }
    }

    /** Spec StepDown: Follower at the same term. */
    void stepDown(String reason) {
        becomeFollower(currentTerm, 0);
        emit(new StepDown(id, nodeState(), reason));
    }

    void resetVotes() {
        votesGranted.clear();
        votesRejected.clear();
        if (role == Role.PRE_CANDIDATE || role == Role.CANDIDATE) {
            votesGranted.add(id);
        }
    }

    /** A fresh timeout in [min, max) from the node's own seeded generator (paper §5.2). */
    void resetElectionTimer() {
        electionElapsed = 0;
        randomizedElectionTimeout = random.nextInt(config.electionTimeoutTicksMin(), config.electionTimeoutTicksMax());
    }

    void setCommitIndex(long newCommitIndex) {
        Assert.check(newCommitIndex >= commitIndex, "commitIndex would decrease from %d to %d", commitIndex,
                newCommitIndex);
        Assert.check(newCommitIndex <= log.lastIndex(), "commitIndex %d beyond last index %d", newCommitIndex,
                log.lastIndex());
        commitIndex = newCommitIndex;
    }

    /** Every local invariant of the spec state; runs at the end of every input. */
    void checkInvariants() {
        log.checkInvariants();
        Assert.check(log.snapshotIndex() <= commitIndex && commitIndex <= log.lastIndex(),
                "node %d: commitIndex %d outside [%d, %d]", id, commitIndex, log.snapshotIndex(), log.lastIndex());
        Assert.check(log.lastTerm() <= currentTerm, "node %d: log term %d beyond currentTerm %d", id, log.lastTerm(),
                currentTerm);
        Assert.check(votedFor >= 0, "node %d: votedFor %d", id, votedFor);
        Assert.check(membership.equals(logMembership()), "node %d: configuration %s is not the log's", id,
                membership);
        pendingAcks.checkInvariants(id, currentTerm, log.durableIndex(), log.lastIndex());
        Assert.check(role == Role.LEADER || reads.isIdle(), "node %d: %s keeps ReadIndex rounds", id, role);
        Assert.check(role == Role.LEADER || leadTransferee == 0, "node %d: %s transfers leadership", id, role);
        Assert.check(role == Role.LEADER || leaseRound == 0, "node %d: %s holds a lease", id, role);
        Assert.check(leaseRound <= 0 || (config.leaseReads() && ticks - leaseStartTick < config.leaseTicks()),
                "node %d: lease of round %d outlived its %d ticks", id, leaseRound, config.leaseTicks());
        switch (role) {
            case FOLLOWER -> Assert.check(tracker.isEmpty() && votesGranted.isEmpty(),
                    "node %d: follower keeps leader or campaign state", id);
            case PRE_CANDIDATE -> Assert.check(votesGranted.contains(id) && leaderId == 0,
                    "node %d: pre-candidate without its own pre-vote", id);
            case CANDIDATE -> Assert.check(votesGranted.contains(id) && votedFor == id && leaderId == 0,
                    "node %d: candidate without its own vote", id);
            case LEADER -> checkLeaderInvariants();
        }
    }

    private void checkLeaderInvariants() {
        Assert.check(votedFor == id && leaderId == id, "node %d: leader that did not vote for itself", id);
        // The no-op may be compacted into a snapshot by now; it is still the log's.
        Assert.check(log.lastTerm() == currentTerm && termStartIndex <= log.lastIndex()
                && (termStartIndex <= log.snapshotIndex() || log.termOrUnknown(termStartIndex) == currentTerm),
                "node %d: leader without its term's no-op", id);
        Assert.check(uncommittedBytes >= 0, "node %d: negative uncommitted bytes", id);
        Assert.check(pendingAcks.isEmpty(), "node %d: a leader holds acknowledgements", id);
        for (int peer : peers) {
            Progress progress = tracker.get(peer);
            Assert.check(progress.matchIndex() < progress.nextIndex() && progress.nextIndex() <= log.lastIndex() + 1,
                    "node %d: progress of %d broken: %s (last %d)", id, peer, progress, log.lastIndex());
            Assert.check(progress.inflightCount() <= config.maxInflightMessages(), "node %d: inflights overflow", id);
        }
    }
}
