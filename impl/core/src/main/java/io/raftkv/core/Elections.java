package io.raftkv.core;

import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import io.raftkv.core.Message.TimeoutNow;
import io.raftkv.core.Quorum.VoteResult;
import io.raftkv.core.RaftEvent.BecomeCandidate;
import io.raftkv.core.RaftEvent.BecomeLeader;
import io.raftkv.core.RaftEvent.HandleTimeoutNow;
import io.raftkv.core.RaftEvent.HandleRequestVoteRequest;
import io.raftkv.core.RaftEvent.HandleRequestVoteResponse;
import io.raftkv.core.RaftEvent.Timeout;
import java.util.List;

/**
 * Leader election (paper §5.2, thesis §9.6 PreVote, §4.2.3 leader stickiness): the election timer,
 * campaigning, and both sides of RequestVote. Winning hands over to {@link LeaderReplication}.
 */
final class Elections {
    private final RaftState node;
    private final LeaderReplication replication;

    Elections(RaftState node, LeaderReplication replication) {
        this.node = node;
        this.replication = replication;
    }

    /** A tick of a non-leader: campaign once the randomized timeout elapsed. */
    void tickElection() {
        node.electionElapsed++;
        if (node.electionElapsed >= node.randomizedElectionTimeout) {
            // The timeout is >= electionTimeoutTicksMin since the node last heard a leader or started.
            Assert.check(!node.holdsPromise(), "node %d: timeout while its promise holds", node.id);
            if (node.isVoter()) {
                startElection();
            } else {
                node.resetElectionTimer(); // a learner or a removed server never campaigns
            }
        }
    }

    /** See RaftNode.peerDisconnected: a follower of {@code peer} arms its timer to fire soon. */
    boolean leaderDisconnected(int peer) {
        if (!node.config.preVote() || node.role != Role.FOLLOWER || peer == 0 || peer != node.leaderId
                || !node.isVoter()) {
            return false;
        }
        node.leaderId = 0;
        List<Integer> staying = node.membership.voters(); // C_new while joint
        if (!staying.contains(node.id)) {
            // A voter only of the configuration being left keeps its timer: elected, it would finish
            // the change, leave, and cost a second election.
            return true;
        }
        // The survivors campaign in turn, lowest id first, a stagger apart, so that they do not split
        // the vote (a random delay from one stagger let two collide in about one failover in eight,
        // and a split vote costs a full timeout). Never before the promise ends (a tick at which it
        // still holds cannot time out), and never later than the timer already armed.
        long ahead = staying.stream().filter(voter -> voter != peer && voter < node.id).count();
        long delay = 1 + ahead * node.config.leaderLostStaggerTicks();
        node.randomizedElectionTimeout = (int) Math.min(node.randomizedElectionTimeout,
                node.electionElapsed + node.promiseRemaining + delay);
        return true;
    }

    void startElection() {
        if (node.config.preVote()) {
            becomePreCandidate();
        } else {
            becomeCandidate();
        }
    }

    /** Spec Timeout: ask for pre-votes at currentTerm + 1 without adopting that term. */
    private void becomePreCandidate() {
        node.role = Role.PRE_CANDIDATE;
        node.leaderId = 0;
        node.resetVotes();
        node.tracker.clear();
        node.resetElectionTimer();
        for (int peer : node.voterPeers) {
            node.outbox.add(new RequestVoteRequest(node.id, peer, node.currentTerm + 1, true, node.log.lastIndex(),
                    node.log.lastTerm()));
        }
        node.emit(new Timeout(node.id, node.nodeState()));
        if (node.quorum.voteResult(node.votesGranted, node.votesRejected) == VoteResult.WON) {
            becomeCandidate();
        }
    }

    /**
     * Spec HandleTimeoutNow: the leader of our term asks us to take over (leadership transfer,
     * thesis §3.10). A follower campaigns at once, without a pre-vote (the leader vouches that our
     * log is complete) and with vote requests that leader stickiness does not ignore. Anything else
     * (another term, not a follower) is stale.
     */
    void handleTimeoutNow(TimeoutNow request) {
        if (!node.isVoter()) {
            node.drop(request, "TimeoutNow to a server that is no voter of " + node.membership);
            return;
        }
        if (request.term() != node.currentTerm || node.role != Role.FOLLOWER) {
            node.drop(request, "TimeoutNow of term " + request.term() + " at a " + node.role + " of term "
                    + node.currentTerm);
            return;
        }
        becomeCandidate(request);
    }

    /** Spec BecomeCandidate: new term, vote for self, ask every peer. */
    private void becomeCandidate() {
        becomeCandidate(null);
    }

    /** BecomeCandidate, or HandleTimeoutNow when {@code transfer} is the TimeoutNow that asked for it. */
    private void becomeCandidate(TimeoutNow transfer) {
        node.adoptTerm(node.currentTerm + 1);
        node.votedFor = node.id;
        node.role = Role.CANDIDATE;
        node.leaderId = 0;
        node.resetVotes();
        node.tracker.clear();
        node.resetElectionTimer();
        for (int peer : node.voterPeers) {
            node.outbox.add(new RequestVoteRequest(node.id, peer, node.currentTerm, false, node.log.lastIndex(),
                    node.log.lastTerm(), transfer != null));
        }
        node.emit(transfer == null ? new BecomeCandidate(node.id, node.nodeState())
                : new HandleTimeoutNow(node.id, node.nodeState(), transfer));
        if (node.quorum.voteResult(node.votesGranted, node.votesRejected) == VoteResult.WON) {
            becomeLeader();
        }
    }

    /**
     * Spec BecomeLeader: nextIndex = Len(log) + 1 and matchIndex = 0 for every peer, then the no-op of
     * the new term, which lets the leader commit (and so learn) the earlier entries it holds (thesis
     * §6.4; paper §5.4.2: only entries of the current term are committed by counting replicas).
     */
    private void becomeLeader() {
        Assert.check(node.role == Role.CANDIDATE, "only a candidate becomes leader, was %s", node.role);
        node.role = Role.LEADER;
        node.leaderId = node.id;
        // Optimistically replicating: most followers already agree up to our last entry (etcd probes
        // first; here a rejection falls back to probing, at the cost of nothing).
        node.tracker.reset(node.peers, node.log.lastIndex() + 1, node.config.maxInflightMessages());
        node.termStartIndex = node.log.lastIndex() + 1;
        node.log.append(Entry.noop(node.termStartIndex, node.currentTerm));
        node.uncommittedBytes = 0;
        node.heartbeatElapsed = 0;
        node.electionElapsed = 0;
        node.emit(new BecomeLeader(node.id, node.nodeState()));
        replication.broadcastAppend(false);
    }

    /** Paper §5.4.1: grant only to a candidate whose log is at least as up to date as ours. */
    private boolean isUpToDate(long lastLogIndex, long lastLogTerm) {
        long lastTerm = node.log.lastTerm();
        return lastLogTerm > lastTerm || (lastLogTerm == lastTerm && lastLogIndex >= node.log.lastIndex());
    }

    /**
     * Leader stickiness (thesis §4.2.3, used with CheckQuorum as in §9.6): a node that heard from a
     * live leader within the minimum election timeout ignores requests to replace it, so a node that
     * rejoins after a partition cannot depose a healthy leader. A vote request of a transfer is
     * exempt: the leader itself asked for that election. With lease reads a node's promise makes
     * this mandatory (a lease counts on it), also for a node that restarted within the window, and
     * then for every term above the promised leader's, its own included: the node may have adopted
     * that term from a vote response without hearing a leader of it, and a grant there would still
     * help replace the leader it promised (spec PromiseBlocksVote). A restarted node does not know
     * whom it promised, so its promise covers every term.
     */
    private boolean inLeaderLease(RequestVoteRequest request) {
        if (node.holdsPromise()) {
            return request.term() >= node.currentTerm && request.term() > node.promiseTerm;
        }
        return request.term() > node.currentTerm && node.config.checkQuorum() && node.leaderId != 0
                && node.electionElapsed < node.config.electionTimeoutTicksMin();
    }

    /**
     * Spec HandleRequestVoteRequest. A pre-vote changes nothing; a vote may adopt the term and vote.
     * A grant changes votedFor, so the Ready that carries it is sync: it leaves only once the vote is
     * durable (paper Figure 2).
     */
    void handleRequestVoteRequest(RequestVoteRequest request) {
        if (!request.transfer() && inLeaderLease(request)) {
            node.drop(request, node.holdsPromise()
                    ? "lease promise: " + node.promiseRemaining + " ticks left"
                    : "leader stickiness: heard from leader " + node.leaderId + " " + node.electionElapsed
                            + " ticks ago");
            return;
        }
        boolean upToDate = isUpToDate(request.lastLogIndex(), request.lastLogTerm());
        RequestVoteResponse reply;
        if (request.prevote()) {
            boolean granted = request.term() > node.currentTerm && upToDate;
            reply = new RequestVoteResponse(node.id, request.from(), granted ? request.term() : node.currentTerm, true,
                    granted);
        } else if (request.term() < node.currentTerm) {
            reply = new RequestVoteResponse(node.id, request.from(), node.currentTerm, false, false);
        } else {
            if (request.term() > node.currentTerm) {
                node.becomeFollower(request.term(), 0);
            }
            boolean granted = upToDate && (node.votedFor == 0 || node.votedFor == request.from());
            if (granted) {
                node.votedFor = request.from();
                node.electionElapsed = 0; // granting a vote defers our own candidacy (paper §5.2)
            }
            reply = new RequestVoteResponse(node.id, request.from(), node.currentTerm, false, granted);
        }
        node.outbox.add(reply);
        node.emit(new HandleRequestVoteRequest(node.id, node.nodeState(), request, reply));
    }

    /** A (pre-)vote answer at our term while campaigning: pre-vote grants carry currentTerm + 1. */
    void stepCandidate(RequestVoteResponse vote) {
        boolean preCampaign = node.role == Role.PRE_CANDIDATE;
        long expectedTerm = preCampaign ? node.currentTerm + 1 : node.currentTerm;
        if (vote.prevote() != preCampaign) {
            node.drop(vote, "answer to a " + (vote.prevote() ? "pre-vote" : "vote") + " no longer in flight");
        } else if (vote.voteGranted() && vote.term() == expectedTerm) {
            countVote(vote);
        } else if (!vote.voteGranted() && vote.term() == node.currentTerm) {
            countRejection(vote);
        } else {
            node.drop(vote, "answer to a campaign no longer in flight (term " + vote.term() + ")");
        }
    }

    /**
     * Spec HandleRequestVoteResponse for a granted (pre-)vote of the current campaign: the voter joins
     * the set votesGranted; a quorum moves the node on to the next phase.
     */
    private void countVote(RequestVoteResponse response) {
        if (node.votesGranted.contains(response.from())) {
            node.drop(response, "duplicate vote from " + response.from());
            return;
        }
        node.votesGranted.add(response.from());
        node.emit(new HandleRequestVoteResponse(node.id, node.nodeState(), response));
        if (node.quorum.voteResult(node.votesGranted, node.votesRejected) == VoteResult.WON) {
            if (node.role == Role.PRE_CANDIDATE) {
                becomeCandidate();
            } else {
                becomeLeader();
            }
        }
    }

    /** A rejection of the current campaign: not a spec state change, but a lost election ends early. */
    private void countRejection(RequestVoteResponse response) {
        node.votesRejected.add(response.from());
        node.drop(response, (response.prevote() ? "pre-vote" : "vote") + " rejected by " + response.from());
        if (node.quorum.voteResult(node.votesGranted, node.votesRejected) == VoteResult.LOST) {
            node.stepDown((node.role == Role.PRE_CANDIDATE ? "pre-vote" : "election") + " lost: rejected by a quorum");
        }
    }
}
