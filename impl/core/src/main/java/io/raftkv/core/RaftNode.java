package io.raftkv.core;

import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import io.raftkv.core.Quorum.VoteResult;
import io.raftkv.core.RaftEvent.AdvanceCommitIndex;
import io.raftkv.core.RaftEvent.BecomeCandidate;
import io.raftkv.core.RaftEvent.BecomeLeader;
import io.raftkv.core.RaftEvent.ClientRequest;
import io.raftkv.core.RaftEvent.DropMessage;
import io.raftkv.core.RaftEvent.HandleAppendEntriesRequest;
import io.raftkv.core.RaftEvent.HandleAppendEntriesResponse;
import io.raftkv.core.RaftEvent.HandleRequestVoteRequest;
import io.raftkv.core.RaftEvent.HandleRequestVoteResponse;
import io.raftkv.core.RaftEvent.SendAppendEntries;
import io.raftkv.core.RaftEvent.SendHeartbeat;
import io.raftkv.core.RaftEvent.StepDown;
import io.raftkv.core.RaftEvent.Timeout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A Raft node as a pure state machine (etcd's RawNode): driven by {@link #tick()},
 * {@link #step(Message)} and {@link #propose(byte[])}, it answers with {@link Ready} batches.
 * No threads, clocks or IO; the only randomness is a {@link SplittableRandom} seeded by the caller.
 *
 * <p>Every state change is one action of spec/Raft.tla, reported to the {@link RaftObserver} right
 * after it happens with the post-state (spec/README.md is the table of actions). Messages the node
 * ignores are reported as DropMessage with a reason.
 *
 * <p>Structure: {@link #step} validates and routes by message type; requests are handled the same in
 * every role (the spec's handlers do not depend on the role), responses go to one dispatcher per role
 * ({@link #stepLeader}, {@link #stepCandidate}, {@link #stepFollower}).
 */
public final class RaftNode {
    private final Config config;
    private final int id;
    private final RaftObserver observer;
    private final SplittableRandom random;
    private final Quorum quorum;
    private final List<Integer> peers;

    // Spec state. currentTerm and votedFor are durable (paper Figure 2); commitIndex is durable too.
    private long currentTerm;
    private int votedFor;
    private Role role = Role.FOLLOWER;
    private long commitIndex;
    private final RaftLog log;
    /** Spec votesGranted: pre-votes while PreCandidate, votes while Candidate; a set, so duplicates count once. */
    private final TreeSet<Integer> votesGranted = new TreeSet<>();
    /** Not in the spec: rejections seen, so a lost election ends before its timeout (etcd does the same). */
    private final TreeSet<Integer> votesRejected = new TreeSet<>();
    private final ProgressTracker tracker = new ProgressTracker();

    // Volatile bookkeeping invisible to the spec.
    private int leaderId;
    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;
    /** Leader only: bytes of its own term's entries not yet committed (Config.maxUncommittedBytes). */
    private long uncommittedBytes;
    /** Leader only: index of the no-op that opened its term. */
    private long termStartIndex;

    // Ready bookkeeping.
    private HardState persistedHardState;
    private long appliedIndex;
    private final List<Message> outbox = new ArrayList<>();
    private final List<Message> outboxAfterPersist = new ArrayList<>();
    private Ready outstanding;

    private RaftNode(Config config, int id, long seed, DurableState durable, RaftObserver observer) {
        if (config == null || durable == null || observer == null) {
            throw new IllegalArgumentException("config, durable state and observer are required");
        }
        if (!config.isMember(id)) {
            throw new IllegalArgumentException("node " + id + " is not one of the members " + config.members());
        }
        HardState hard = durable.hardState();
        if (hard.votedFor() != 0 && !config.isMember(hard.votedFor())) {
            throw new IllegalArgumentException("votedFor " + hard.votedFor() + " is not a member");
        }
        this.config = config;
        this.id = id;
        this.observer = observer;
        this.random = new SplittableRandom(seed);
        this.quorum = new MajorityQuorum(config.members());
        this.peers = config.members().stream().filter(member -> member != id).toList();
        this.currentTerm = hard.currentTerm();
        this.votedFor = hard.votedFor();
        this.commitIndex = hard.commitIndex();
        this.log = new RaftLog(durable.snapshotIndex(), durable.snapshotTerm(), durable.entries());
        this.persistedHardState = hard;
        // Entries in the snapshot are applied; the rest of the committed prefix is handed out again.
        this.appliedIndex = durable.snapshotIndex();
        resetElectionTimer();
    }

    /** A node that has never run: term 0, empty log. */
    public static RaftNode create(Config config, int id, long seed, RaftObserver observer) {
        RaftNode node = new RaftNode(config, id, seed, DurableState.EMPTY, observer);
        node.checkInvariants();
        return node;
    }

    /**
     * A node coming back from its durable state (spec Restart): Follower, no leader known, no votes;
     * currentTerm, votedFor, the log and commitIndex as persisted. Emits the Restart event. The
     * committed entries after the snapshot are handed out again (in Ready.committedEntries) so the
     * state machine can be rebuilt from the snapshot.
     */
    public static RaftNode restart(Config config, int id, long seed, DurableState durable, RaftObserver observer) {
        RaftNode node = new RaftNode(config, id, seed, durable, observer);
        node.emit(new RaftEvent.Restart(id, node.state()));
        node.checkInvariants();
        return node;
    }

    // ------------------------------------------------------------------------------------------
    // Inputs

    /** One logical clock tick: election timeout for non-leaders, heartbeats and CheckQuorum for a leader. */
    public void tick() {
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            tickElection();
        }
        checkInvariants();
    }

    /** Start an election now, as if the election timeout had elapsed (ignored by a leader). */
    public void campaign() {
        if (role != Role.LEADER) {
            startElection();
        }
        checkInvariants();
    }

    /** Hands a message from a peer to the node. Messages addressed elsewhere are a caller bug. */
    public void step(Message message) {
        if (message == null || message.to() != id) {
            throw new IllegalArgumentException("node " + id + " was handed a message for another node: " + message);
        }
        if (!peers.contains(message.from())) {
            drop(message, "sender " + message.from() + " is not a peer");
        } else {
            switch (message) {
                case AppendEntriesRequest request -> handleAppendEntriesRequest(request);
                case RequestVoteRequest request -> handleRequestVoteRequest(request);
                case AppendEntriesResponse response -> routeResponse(response);
                case RequestVoteResponse response -> routeResponse(response);
            }
        }
        checkInvariants();
    }

    /**
     * Appends a client command if this node is the leader (spec ClientRequest). Not-leader and
     * flow-control refusals are return values; the command is committed only later, if at all.
     */
    public ProposeResult propose(byte[] command) {
        if (command == null) {
            throw new IllegalArgumentException("command must not be null");
        }
        if (role != Role.LEADER) {
            return new ProposeResult.NotLeader(leaderId);
        }
        Entry entry = Entry.command(log.lastIndex() + 1, currentTerm, command.clone());
        if (uncommittedBytes > 0 && uncommittedBytes + entry.sizeBytes() > config.maxUncommittedBytes()) {
            return new ProposeResult.Dropped("uncommitted bytes " + uncommittedBytes + " + " + entry.sizeBytes()
                    + " would exceed maxUncommittedBytes " + config.maxUncommittedBytes());
        }
        log.append(entry);
        uncommittedBytes += entry.sizeBytes();
        emit(new ClientRequest(id, state(), entry));
        broadcastAppend(false);
        checkInvariants();
        return new ProposeResult.Accepted(entry.index(), entry.term());
    }

    // ------------------------------------------------------------------------------------------
    // Ready / advance

    /** Whether {@link #ready()} has something, and no earlier Ready is waiting for {@link #advance}. */
    public boolean hasReady() {
        return outstanding == null
                && (!hardState().equals(persistedHardState)
                        || log.persistedIndex() < log.lastIndex()
                        || !outbox.isEmpty()
                        || !outboxAfterPersist.isEmpty()
                        || appliableIndex() > appliedIndex);
    }

    /** The next batch of work; the caller handles it as {@link Ready} describes, then calls advance. */
    public Ready ready() {
        if (outstanding != null) {
            throw new IllegalStateException(
                    "node " + id + ": advance(...) the previous Ready before asking for another");
        }
        HardState hard = hardState();
        List<Entry> committed = appliableIndex() > appliedIndex
                ? log.slice(appliedIndex + 1, appliableIndex(), config.maxCommittedBytesPerReady())
                : List.of();
        Ready ready = new Ready(hard.equals(persistedHardState) ? null : hard, log.unstableEntries(),
                List.copyOf(outbox), List.copyOf(outboxAfterPersist), committed);
        outbox.clear();
        outboxAfterPersist.clear();
        outstanding = ready;
        return ready;
    }

    /** Marks {@code ready} handled: its state is durable, its messages sent, its entries applied. */
    public void advance(Ready ready) {
        if (ready == null || ready != outstanding) {
            throw new IllegalArgumentException("node " + id + ": advance() takes the Ready last returned by ready()");
        }
        outstanding = null;
        if (ready.hardState() != null) {
            persistedHardState = ready.hardState();
        }
        List<Entry> persisted = ready.entriesToPersist();
        for (int k = persisted.size() - 1; k >= 0; k--) {
            // If the log was cut since ready(), only the part of the batch still in the log counts.
            Entry entry = persisted.get(k);
            if (log.termOrUnknown(entry.index()) == entry.term()) {
                log.persistedTo(entry.index(), entry.term());
                break;
            }
        }
        if (!ready.committedEntries().isEmpty()) {
            appliedIndex = ready.committedEntries().get(ready.committedEntries().size() - 1).index();
        }
        // The leader counts only its own durable entries, so its commit point may move now.
        if (role == Role.LEADER && maybeAdvanceCommitIndex()) {
            broadcastAppend(true);
        }
        checkInvariants();
    }

    // ------------------------------------------------------------------------------------------
    // Ticks

    private void tickElection() {
        electionElapsed++;
        if (electionElapsed >= randomizedElectionTimeout) {
            startElection();
        }
    }

    /**
     * Heartbeats every heartbeatIntervalTicks (paper §5.2) and, once per minimum election timeout,
     * CheckQuorum: a leader that has not heard from a quorum steps down, so a partitioned leader stops
     * accepting proposals and stickiness-protected followers can elect a new one (thesis §6.2).
     */
    private void tickLeader() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= config.electionTimeoutTicksMin()) {
            electionElapsed = 0;
            if (config.checkQuorum() && !quorum.isQuorum(tracker.recentlyActive(id))) {
                stepDown("CheckQuorum: no quorum heard from within " + config.electionTimeoutTicksMin() + " ticks");
                return;
            }
            tracker.resetRecentActive();
        }
        if (heartbeatElapsed >= config.heartbeatIntervalTicks()) {
            heartbeatElapsed = 0;
            for (int peer : peers) {
                tracker.get(peer).heartbeatsWithoutProgress++;
                sendHeartbeat(peer);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Elections (paper §5.2, thesis §9.6 PreVote)

    private void startElection() {
        if (config.preVote()) {
            becomePreCandidate();
        } else {
            becomeCandidate();
        }
    }

    /** Spec Timeout: ask for pre-votes at currentTerm + 1 without adopting that term. */
    private void becomePreCandidate() {
        role = Role.PRE_CANDIDATE;
        leaderId = 0;
        resetVotes();
        tracker.clear();
        resetElectionTimer();
        for (int peer : peers) {
            outbox.add(new RequestVoteRequest(id, peer, currentTerm + 1, true, log.lastIndex(), log.lastTerm()));
        }
        emit(new Timeout(id, state()));
        if (quorum.voteResult(votesGranted, votesRejected) == VoteResult.WON) {
            becomeCandidate();
        }
    }

    /** Spec BecomeCandidate: new term, vote for self, ask every peer. */
    private void becomeCandidate() {
        currentTerm++;
        votedFor = id;
        role = Role.CANDIDATE;
        leaderId = 0;
        resetVotes();
        tracker.clear();
        resetElectionTimer();
        for (int peer : peers) {
            outbox.add(new RequestVoteRequest(id, peer, currentTerm, false, log.lastIndex(), log.lastTerm()));
        }
        emit(new BecomeCandidate(id, state()));
        if (quorum.voteResult(votesGranted, votesRejected) == VoteResult.WON) {
            becomeLeader();
        }
    }

    /**
     * Spec BecomeLeader: nextIndex = Len(log) + 1 and matchIndex = 0 for every peer, then the no-op of
     * the new term, which lets the leader commit (and so learn) the earlier entries it holds (thesis
     * §6.4; paper §5.4.2: only entries of the current term are committed by counting replicas).
     */
    private void becomeLeader() {
        Assert.check(role == Role.CANDIDATE, "only a candidate becomes leader, was %s", role);
        role = Role.LEADER;
        leaderId = id;
        // Optimistically replicating: most followers already agree up to our last entry (etcd probes
        // first; here a rejection falls back to probing, at the cost of nothing).
        tracker.reset(peers, log.lastIndex() + 1, config.maxInflightMessages());
        termStartIndex = log.lastIndex() + 1;
        log.append(Entry.noop(termStartIndex, currentTerm));
        uncommittedBytes = 0;
        heartbeatElapsed = 0;
        electionElapsed = 0;
        emit(new BecomeLeader(id, state()));
        broadcastAppend(false);
    }

    /** Back to Follower in {@code term} (adopting it if higher, which clears the vote). */
    private void becomeFollower(long term, int leader) {
        Assert.check(term >= currentTerm, "term would go back from %d to %d", currentTerm, term);
        boolean changed = term > currentTerm || role != Role.FOLLOWER;
        if (term > currentTerm) {
            currentTerm = term;
            votedFor = 0;
        }
        role = Role.FOLLOWER;
        leaderId = leader;
        resetVotes();
        tracker.clear();
        electionElapsed = 0;
        if (changed) {
            resetElectionTimer();
        }
    }

    /** Spec StepDown: Follower at the same term. */
    private void stepDown(String reason) {
        becomeFollower(currentTerm, 0);
        emit(new StepDown(id, state(), reason));
    }

    private void resetVotes() {
        votesGranted.clear();
        votesRejected.clear();
        if (role == Role.PRE_CANDIDATE || role == Role.CANDIDATE) {
            votesGranted.add(id);
        }
    }

    /** A fresh timeout in [min, max) from the node's own seeded generator (paper §5.2). */
    private void resetElectionTimer() {
        electionElapsed = 0;
        randomizedElectionTimeout = random.nextInt(config.electionTimeoutTicksMin(), config.electionTimeoutTicksMax());
    }

    /** Paper §5.4.1: grant only to a candidate whose log is at least as up to date as ours. */
    private boolean isUpToDate(long lastLogIndex, long lastLogTerm) {
        return lastLogTerm > log.lastTerm() || (lastLogTerm == log.lastTerm() && lastLogIndex >= log.lastIndex());
    }

    /**
     * Leader stickiness (thesis §4.2.3, used with CheckQuorum as in §9.6): a node that heard from a
     * live leader within the minimum election timeout ignores requests to replace it, so a node that
     * rejoins after a partition cannot depose a healthy leader.
     */
    private boolean inLeaderLease(RequestVoteRequest request) {
        return config.checkQuorum() && request.term() > currentTerm && leaderId != 0
                && electionElapsed < config.electionTimeoutTicksMin();
    }

    /** Spec HandleRequestVoteRequest. A pre-vote changes nothing; a vote may adopt the term and vote. */
    private void handleRequestVoteRequest(RequestVoteRequest request) {
        if (inLeaderLease(request)) {
            drop(request, "leader stickiness: heard from leader " + leaderId + " " + electionElapsed + " ticks ago");
            return;
        }
        boolean upToDate = isUpToDate(request.lastLogIndex(), request.lastLogTerm());
        RequestVoteResponse reply;
        if (request.prevote()) {
            boolean granted = request.term() > currentTerm && upToDate;
            reply = new RequestVoteResponse(id, request.from(), granted ? request.term() : currentTerm, true, granted);
            outbox.add(reply);
        } else if (request.term() < currentTerm) {
            reply = new RequestVoteResponse(id, request.from(), currentTerm, false, false);
            outbox.add(reply);
        } else {
            if (request.term() > currentTerm) {
                becomeFollower(request.term(), 0);
            }
            boolean granted = upToDate && (votedFor == 0 || votedFor == request.from());
            if (granted) {
                votedFor = request.from();
                electionElapsed = 0; // granting a vote defers our own candidacy (paper §5.2)
            }
            reply = new RequestVoteResponse(id, request.from(), currentTerm, false, granted);
            // A grant promises the vote is durable: it leaves only after the hard state is persisted.
            (granted ? outboxAfterPersist : outbox).add(reply);
        }
        emit(new HandleRequestVoteRequest(id, state(), request, reply));
    }

    /**
     * Spec HandleRequestVoteResponse for a granted (pre-)vote of the current campaign: the voter joins
     * the set votesGranted; a quorum moves the node on to the next phase.
     */
    private void countVote(RequestVoteResponse response) {
        if (votesGranted.contains(response.from())) {
            drop(response, "duplicate vote from " + response.from());
            return;
        }
        votesGranted.add(response.from());
        emit(new HandleRequestVoteResponse(id, state(), response));
        if (quorum.voteResult(votesGranted, votesRejected) == VoteResult.WON) {
            if (role == Role.PRE_CANDIDATE) {
                becomeCandidate();
            } else {
                becomeLeader();
            }
        }
    }

    /** A rejection of the current campaign: not a spec state change, but a lost election ends early. */
    private void countRejection(RequestVoteResponse response) {
        votesRejected.add(response.from());
        drop(response, (response.prevote() ? "pre-vote" : "vote") + " rejected by " + response.from());
        if (quorum.voteResult(votesGranted, votesRejected) == VoteResult.LOST) {
            stepDown((role == Role.PRE_CANDIDATE ? "pre-vote" : "election") + " lost: rejected by a quorum");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Responses: term rules, then one dispatcher per role

    /**
     * Term rules every response obeys: a rejection from a higher term makes us a Follower of that term
     * (paper §5.1); a response from an older term answers nothing we still wait for.
     */
    private void routeResponse(Message response) {
        boolean rejection = response instanceof RequestVoteResponse vote
                ? !vote.voteGranted()
                : !((AppendEntriesResponse) response).success();
        if (response.term() > currentTerm && (rejection || response instanceof AppendEntriesResponse)) {
            becomeFollower(response.term(), 0);
            emit(response instanceof RequestVoteResponse vote
                    ? new HandleRequestVoteResponse(id, state(), vote)
                    : new HandleAppendEntriesResponse(id, state(), (AppendEntriesResponse) response));
            return;
        }
        if (response.term() < currentTerm) {
            drop(response, "stale term " + response.term() + " < " + currentTerm);
            return;
        }
        switch (role) {
            case LEADER -> stepLeader(response);
            case PRE_CANDIDATE, CANDIDATE -> stepCandidate(response);
            case FOLLOWER -> stepFollower(response);
        }
    }

    private void stepLeader(Message response) {
        switch (response) {
            case AppendEntriesResponse append -> handleAppendEntriesResponse(append);
            default -> drop(response, "leader has no campaign in term " + currentTerm);
        }
    }

    /** Pre-vote grants carry currentTerm + 1 (the term asked for), vote grants currentTerm. */
    private void stepCandidate(Message response) {
        if (!(response instanceof RequestVoteResponse vote)) {
            drop(response, role + " has no AppendEntries in flight");
            return;
        }
        boolean preCampaign = role == Role.PRE_CANDIDATE;
        long expectedTerm = preCampaign ? currentTerm + 1 : currentTerm;
        if (vote.prevote() != preCampaign) {
            drop(vote, "answer to a " + (vote.prevote() ? "pre-vote" : "vote") + " no longer in flight");
        } else if (vote.voteGranted() && vote.term() == expectedTerm) {
            countVote(vote);
        } else if (!vote.voteGranted() && vote.term() == currentTerm) {
            countRejection(vote);
        } else {
            drop(vote, "answer to a campaign no longer in flight (term " + vote.term() + ")");
        }
    }

    private void stepFollower(Message response) {
        drop(response, "follower has no request in flight");
    }

    // ------------------------------------------------------------------------------------------
    // Log replication (paper §5.3)

    /**
     * Spec HandleAppendEntriesRequest: reject an older term; otherwise follow the sender, check that
     * the logs agree at prevLogIndex, merge the entries, and learn the commit index.
     */
    private void handleAppendEntriesRequest(AppendEntriesRequest request) {
        if (request.term() < currentTerm) {
            // Answering (instead of ignoring) tells a deposed leader about the newer term.
            AppendEntriesResponse reply =
                    new AppendEntriesResponse(id, request.from(), currentTerm, false, request.prevLogIndex(), 0, 0);
            outbox.add(reply);
            emit(new HandleAppendEntriesRequest(id, state(), request, reply));
            return;
        }
        Assert.check(!(role == Role.LEADER && request.term() == currentTerm),
                "two leaders in term %d: %d and %d", currentTerm, id, request.from());
        becomeFollower(request.term(), request.from());
        AppendEntriesResponse reply;
        if (request.prevLogIndex() == 0 || log.matches(request.prevLogIndex(), request.prevLogTerm())) {
            reply = acceptEntries(request);
            outboxAfterPersist.add(reply); // an acknowledgement promises the entries are durable
        } else {
            reply = rejectEntries(request);
            outbox.add(reply);
        }
        emit(new HandleAppendEntriesRequest(id, state(), request, reply));
    }

    private AppendEntriesResponse acceptEntries(AppendEntriesRequest request) {
        long lastNew = request.prevLogIndex() + request.entries().size();
        long truncatedAt = log.mergeFromLeader(request.entries());
        Assert.check(truncatedAt == 0 || truncatedAt > commitIndex,
                "node %d would remove committed entry %d (commitIndex %d)", id, truncatedAt, commitIndex);
        // Only what this request proves we hold may be committed here (the spec's formula).
        setCommitIndex(Math.max(commitIndex, Math.min(request.commitIndex(), lastNew)));
        return new AppendEntriesResponse(id, request.from(), currentTerm, true, lastNew, 0, 0);
    }

    /** The conflict hint lets the leader skip a whole term per round trip (paper §5.3, end). */
    private AppendEntriesResponse rejectEntries(AppendEntriesRequest request) {
        long prev = request.prevLogIndex();
        long conflictTerm;
        long conflictIndex;
        if (prev > log.lastIndex()) {
            conflictTerm = 0;
            conflictIndex = log.lastIndex() + 1;
        } else {
            Assert.check(prev > log.snapshotIndex(), "node %d: mismatch at %d inside the snapshot", id, prev);
            conflictTerm = log.termOrUnknown(prev);
            conflictIndex = log.firstIndexOfTermAt(prev);
        }
        return new AppendEntriesResponse(id, request.from(), currentTerm, false, prev, conflictTerm, conflictIndex);
    }

    /** Spec HandleAppendEntriesResponse at the leader's term. */
    private void handleAppendEntriesResponse(AppendEntriesResponse response) {
        Progress progress = tracker.get(response.from());
        progress.recentActive = true;
        if (response.success()) {
            handleAppendSuccess(response, progress);
        } else {
            handleAppendRejection(response, progress);
        }
    }

    private void handleAppendSuccess(AppendEntriesResponse response, Progress progress) {
        Assert.check(response.matchIndex() <= log.lastIndex(), "follower %d acknowledged %d beyond our last %d",
                response.from(), response.matchIndex(), log.lastIndex());
        boolean advanced = response.matchIndex() > progress.matchIndex;
        progress.matchIndex = Math.max(progress.matchIndex, response.matchIndex());
        progress.nextIndex = Math.max(progress.nextIndex, response.matchIndex() + 1);
        if (advanced) {
            progress.heartbeatsWithoutProgress = 0;
        }
        if (progress.state == Progress.State.PROBE) {
            handleSuccessWhileProbing(response, progress);
        } else if (advanced) {
            progress.inflights.freeUpTo(progress.matchIndex);
        } else if (response.matchIndex() == progress.matchIndex && progress.heartbeatsWithoutProgress >= 2) {
            // The follower answers but its matchIndex has not moved for a whole heartbeat interval
            // while appends are outstanding: presume them lost. With the pipeline empty, the next
            // append reveals where the follower's log really ends (a rejection moves nextIndex back).
            progress.inflights.reset();
        }
        emit(new HandleAppendEntriesResponse(id, state(), response));
        if (advanced && maybeAdvanceCommitIndex()) {
            broadcastAppend(true);
        } else {
            // A follower that answers without progress, lags, and has nothing in flight (its appends
            // were lost, e.g. while it was down) gets an append even if nextIndex has nothing new: its
            // rejection moves nextIndex back to where the follower's log ends.
            boolean idle = progress.state == Progress.State.PROBE || progress.inflights.count() == 0;
            sendAppends(response.from(), !advanced && idle && progress.matchIndex < log.lastIndex());
        }
    }

    /**
     * Only the answer to the probe in flight resumes pipelining. A reordered pipeline keeps answering
     * after the rejection that turned this follower back to PROBE; its late successes still raise
     * matchIndex and nextIndex (spec formula, above), but if each of them started a new window, every
     * window would be cut short by the next reordered rejection and start more windows: a message
     * storm. A probe unanswered for a whole heartbeat interval, while the follower keeps answering,
     * is presumed lost and may be sent again.
     */
    private void handleSuccessWhileProbing(AppendEntriesResponse response, Progress progress) {
        if (progress.probeSent && response.matchIndex() == progress.probePrevLogIndex) {
            Assert.check(progress.matchIndex >= progress.nextIndex - 1,
                    "probe to %d answered at %d but %s", response.from(), response.matchIndex(), progress);
            progress.becomeReplicate(); // the logs agree up to nextIndex - 1: pipeline from here on
        } else if (progress.heartbeatsWithoutProgress >= 2) {
            progress.probeSent = false;
        }
    }

    /**
     * A follower's log disagrees at the request's prevLogIndex. Move nextIndex back to just after the
     * follower's last entry of the conflicting term that we also hold, or to its conflictIndex, but
     * never below matchIndex + 1 (spec formula), then probe from there.
     */
    private void handleAppendRejection(AppendEntriesResponse response, Progress progress) {
        if (response.matchIndex() < progress.matchIndex) {
            drop(response, "rejection at " + response.matchIndex() + " is older than matchIndex "
                    + progress.matchIndex);
            return;
        }
        if (progress.state == Progress.State.PROBE && response.matchIndex() != progress.probePrevLogIndex) {
            drop(response, "rejection at " + response.matchIndex() + " answers no probe in flight");
            return;
        }
        long hint = response.conflictIndex();
        if (response.conflictTerm() != 0) {
            long lastOfTerm = log.lastIndexOfTerm(response.conflictTerm());
            if (lastOfTerm != 0) {
                hint = lastOfTerm + 1;
            }
        }
        progress.nextIndex = Math.max(progress.matchIndex + 1, Math.min(hint, response.matchIndex()));
        progress.becomeProbe();
        emit(new HandleAppendEntriesResponse(id, state(), response));
        sendAppends(response.from(), true);
    }

    /**
     * Spec AdvanceCommitIndex: the largest index held by a quorum, if it is of the current term
     * (paper §5.4.2, Figure 8). The leader counts its own log only as far as it is durable, so a
     * commit never rests on an entry the leader could lose in a crash (thesis §10.2.1).
     */
    private boolean maybeAdvanceCommitIndex() {
        long quorumIndex =
                quorum.committedIndex(voter -> voter == id ? log.persistedIndex() : tracker.get(voter).matchIndex);
        if (quorumIndex <= commitIndex || log.termOrUnknown(quorumIndex) != currentTerm) {
            return false;
        }
        for (long index = Math.max(commitIndex + 1, termStartIndex); index <= quorumIndex; index++) {
            uncommittedBytes -= log.entry(index).type() == EntryType.NOOP ? 0 : log.entry(index).sizeBytes();
        }
        setCommitIndex(quorumIndex);
        emit(new AdvanceCommitIndex(id, state()));
        return true;
    }

    /** After a commit, {@code sendIfEmpty} also tells caught-up followers the new commit index. */
    private void broadcastAppend(boolean sendIfEmpty) {
        for (int peer : peers) {
            sendAppends(peer, sendIfEmpty);
        }
    }

    /** Sends to {@code peer} as long as there are entries and the flow control allows. */
    private void sendAppends(int peer, boolean sendIfEmpty) {
        boolean sent = sendAppend(peer, sendIfEmpty);
        while (sent && tracker.get(peer).state == Progress.State.REPLICATE) {
            sent = sendAppend(peer, false);
        }
    }

    /**
     * Spec SendAppendEntries: entries from nextIndex (at most maxMessageBytes, at least one entry if
     * any), commitIndex capped at what the follower will provably hold, nextIndex advanced past them.
     *
     * @return whether a message was sent
     */
    private boolean sendAppend(int peer, boolean sendIfEmpty) {
        Progress progress = tracker.get(peer);
        long prevLogIndex = progress.nextIndex - 1;
        long prevLogTerm = log.termOrUnknown(prevLogIndex);
        if (progress.isPaused() || prevLogTerm == RaftLog.UNKNOWN_TERM) {
            return false; // paused by flow control, or the follower needs a snapshot (not yet supported)
        }
        // A probe carries no entries, so it leaves nextIndex where it is and a repeated probe (after a
        // presumed loss) asks the same question: backtracking then only ever moves nextIndex down.
        List<Entry> entries = progress.state == Progress.State.REPLICATE && progress.nextIndex <= log.lastIndex()
                ? log.slice(progress.nextIndex, log.lastIndex(), config.maxMessageBytes())
                : List.of();
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        AppendEntriesRequest request = new AppendEntriesRequest(id, peer, currentTerm, prevLogIndex, prevLogTerm,
                entries, Math.min(commitIndex, prevLogIndex + entries.size()));
        progress.nextIndex += entries.size();
        if (progress.state == Progress.State.PROBE) {
            progress.probeSent = true;
            progress.probePrevLogIndex = prevLogIndex;
            progress.heartbeatsWithoutProgress = 0; // the wait for the probe's answer starts now
        } else if (!entries.isEmpty()) {
            if (progress.inflights.count() == 0) {
                progress.heartbeatsWithoutProgress = 0; // the wait for an answer starts now
            }
            progress.inflights.add(prevLogIndex + entries.size());
        }
        outbox.add(request);
        emit(new SendAppendEntries(id, state(), request));
        return true;
    }

    /**
     * Spec SendHeartbeat: an AppendEntries at matchIndex with no entries. It asserts leadership, tells
     * the follower the commit index it provably holds, and its answer proves the follower alive
     * (CheckQuorum) without disturbing nextIndex.
     */
    private void sendHeartbeat(int peer) {
        Progress progress = tracker.get(peer);
        long prevLogTerm = log.termOrUnknown(progress.matchIndex);
        if (prevLogTerm == RaftLog.UNKNOWN_TERM) {
            return; // matchIndex inside our snapshot: the follower needs a snapshot (not yet supported)
        }
        AppendEntriesRequest heartbeat = new AppendEntriesRequest(id, peer, currentTerm, progress.matchIndex,
                prevLogTerm, List.of(), Math.min(commitIndex, progress.matchIndex));
        outbox.add(heartbeat);
        emit(new SendHeartbeat(id, state(), heartbeat));
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    private void setCommitIndex(long newCommitIndex) {
        Assert.check(newCommitIndex >= commitIndex, "commitIndex would decrease from %d to %d", commitIndex,
                newCommitIndex);
        Assert.check(newCommitIndex <= log.lastIndex(), "commitIndex %d beyond last index %d", newCommitIndex,
                log.lastIndex());
        commitIndex = newCommitIndex;
    }

    private void drop(Message message, String reason) {
        emit(new DropMessage(id, state(), message, reason));
    }

    private void emit(RaftEvent event) {
        observer.on(event);
    }

    private HardState hardState() {
        return new HardState(currentTerm, votedFor, commitIndex);
    }

    /** Committed entries may be handed out once they are in the log (this Ready persists them first). */
    private long appliableIndex() {
        return Math.min(commitIndex, log.lastIndex());
    }

    // ------------------------------------------------------------------------------------------
    // Read-only accessors

    public int id() {
        return id;
    }

    public Config config() {
        return config;
    }

    public Role role() {
        return role;
    }

    public long currentTerm() {
        return currentTerm;
    }

    public int votedFor() {
        return votedFor;
    }

    public long commitIndex() {
        return commitIndex;
    }

    /** The leader this node last heard from in currentTerm, 0 if none (itself when leader). */
    public int leaderId() {
        return leaderId;
    }

    public long firstIndex() {
        return log.firstIndex();
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    public long lastTerm() {
        return log.lastTerm();
    }

    /** Index up to which committed entries were handed out in a Ready and advanced. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /** The entry at {@code index}, which must be in [firstIndex, lastIndex]. */
    public Entry entry(long index) {
        if (index < log.firstIndex() || index > log.lastIndex()) {
            throw new IllegalArgumentException("node " + id + " has no entry " + index + " (log holds ["
                    + log.firstIndex() + ", " + log.lastIndex() + "])");
        }
        return log.entry(index);
    }

    /** The entries {@code from..to} inclusive, within [firstIndex, lastIndex]. */
    public List<Entry> entries(long from, long to) {
        if (from > to) {
            return List.of();
        }
        entry(from);
        entry(to);
        return log.slice(from, to, Long.MAX_VALUE);
    }

    /** Term of the entry at {@code index}: 0 for index 0, the snapshot term at firstIndex - 1. */
    public long termAt(long index) {
        long term = log.termOrUnknown(index);
        if (term == RaftLog.UNKNOWN_TERM) {
            throw new IllegalArgumentException("node " + id + " cannot tell the term at " + index + " (log holds ["
                    + log.firstIndex() + ", " + log.lastIndex() + "])");
        }
        return term;
    }

    /** Leader only: the spec's matchIndex[id][peer]. */
    public long matchIndex(int peer) {
        requireLeader();
        return tracker.get(peer).matchIndex;
    }

    /** Leader only: the spec's nextIndex[id][peer]. */
    public long nextIndex(int peer) {
        requireLeader();
        return tracker.get(peer).nextIndex;
    }

    /** Leader only: a readable summary of the flow control towards {@code peer}. */
    public String progress(int peer) {
        requireLeader();
        return tracker.get(peer).toString();
    }

    /** The spec's votesGranted (empty unless campaigning). */
    public List<Integer> votesGranted() {
        return List.copyOf(votesGranted);
    }

    private void requireLeader() {
        if (role != Role.LEADER) {
            throw new IllegalStateException("node " + id + " is " + role + ", not leader");
        }
    }

    /** The spec-visible state (what events carry). */
    public NodeState state() {
        return new NodeState(currentTerm, votedFor, role, commitIndex, log.lastIndex(), log.lastTerm());
    }

    /** The durable state as of the last advanced Ready (what a crash now would leave behind). */
    public DurableState durableState() {
        return new DurableState(persistedHardState, log.snapshotIndex(), log.snapshotTerm(), log.persistedEntries());
    }

    /**
     * Checks every local invariant; throws {@link Assert.InvariantViolation} on a broken one. Runs at
     * the end of every input (tick, step, propose, campaign, advance).
     */
    public void checkInvariants() {
        Assert.check(log.snapshotIndex() <= commitIndex && commitIndex <= log.lastIndex(),
                "node %d: commitIndex %d outside [%d, %d]", id, commitIndex, log.snapshotIndex(), log.lastIndex());
        Assert.check(log.snapshotIndex() <= appliedIndex && appliedIndex <= commitIndex,
                "node %d: appliedIndex %d outside [%d, commitIndex %d]", id, appliedIndex, log.snapshotIndex(),
                commitIndex);
        Assert.check(log.persistedIndex() <= log.lastIndex(), "node %d: persisted beyond the log", id);
        Assert.check(log.lastTerm() <= currentTerm, "node %d: log term %d beyond currentTerm %d", id, log.lastTerm(),
                currentTerm);
        Assert.check(votedFor == 0 || config.isMember(votedFor), "node %d: votedFor %d is no member", id, votedFor);
        Assert.check(persistedHardState.currentTerm() <= currentTerm, "node %d: term went backwards", id);
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
        Assert.check(log.lastTerm() == currentTerm && termStartIndex <= log.lastIndex()
                && log.termOrUnknown(termStartIndex) == currentTerm, "node %d: leader without its term's no-op", id);
        Assert.check(uncommittedBytes >= 0, "node %d: negative uncommitted bytes", id);
        for (int peer : peers) {
            Progress progress = tracker.get(peer);
            Assert.check(progress.matchIndex < progress.nextIndex && progress.nextIndex <= log.lastIndex() + 1,
                    "node %d: progress of %d broken: %s (last %d)", id, peer, progress, log.lastIndex());
            Assert.check(progress.inflights.count() <= config.maxInflightMessages(), "node %d: inflights overflow", id);
        }
    }
}
