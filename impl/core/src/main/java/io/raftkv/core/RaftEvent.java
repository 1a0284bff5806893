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

/**
 * One event per spec action (spec/README.md "Actions = events"): the record's simple name is the
 * spec action's name and its components are the table's logged fields. {@code node} is the node the
 * action belongs to (for DropMessage and DuplicateMessage, the message's destination) and
 * {@code state} that node's state right after the action.
 */
public sealed interface RaftEvent {
    int node();

    NodeState state();

    /** The spec action name, e.g. "HandleAppendEntriesRequest". */
    default String name() {
        return getClass().getSimpleName();
    }

    /** Election timeout: with PreVote the node became PreCandidate and sent pre-vote requests. */
    record Timeout(int node, NodeState state) implements RaftEvent {}

    /** Term + 1, vote for self, vote requests sent. */
    record BecomeCandidate(int node, NodeState state) implements RaftEvent {}

    /** Won the election; the no-op of the new term is appended. */
    record BecomeLeader(int node, NodeState state) implements RaftEvent {}

    /** The leader appended a client command; the spec's {@code value} is {@code entry}'s payload. */
    record ClientRequest(int node, NodeState state, Entry entry) implements RaftEvent {}

    /**
     * The leader appended a CONFIG entry carrying {@code config}, in force from now on (thesis §4.1):
     * a learner added or removed, C_old,new entered (a promotion or a removal of a voter), or the
     * joint configuration left once its entry was committed.
     */
    record ProposeConfig(int node, NodeState state, Membership config) implements RaftEvent {}

    /** AppendEntries from nextIndex (possibly with no entries); nextIndex advanced past them. */
    record SendAppendEntries(int node, NodeState state, AppendEntriesRequest msg) implements RaftEvent {}

    /** AppendEntries at matchIndex with no entries; nextIndex unchanged. */
    record SendHeartbeat(int node, NodeState state, AppendEntriesRequest msg) implements RaftEvent {}

    record HandleAppendEntriesRequest(int node, NodeState state, AppendEntriesRequest msg,
            AppendEntriesResponse reply) implements RaftEvent {}

    record HandleAppendEntriesResponse(int node, NodeState state, AppendEntriesResponse msg) implements RaftEvent {}

    /** The leader's commitIndex rose by counting current-term replicas. */
    record AdvanceCommitIndex(int node, NodeState state) implements RaftEvent {}

    record HandleRequestVoteRequest(int node, NodeState state, RequestVoteRequest msg, RequestVoteResponse reply)
            implements RaftEvent {}

    record HandleRequestVoteResponse(int node, NodeState state, RequestVoteResponse msg) implements RaftEvent {}

    /** Back to Follower at the same term (CheckQuorum, lost election). */
    record StepDown(int node, NodeState state, String reason) implements RaftEvent {}

    /**
     * A write of the node's log completed: {@code state.durableLength()} rose to the new durable
     * index. Append acknowledgements held for entries now durable leave next, and a leader may then
     * count itself for entries it had not yet counted.
     */
    record PersistLog(int node, NodeState state) implements RaftEvent {}

    /**
     * Committed entries were handed to the state machine: {@code state.appliedIndex()} rose to the
     * last of them (the driver applied them before advancing the Ready that carried them).
     */
    record Apply(int node, NodeState state) implements RaftEvent {}

    /**
     * The leader, having committed an entry of its term, began ReadIndex round {@code readId} at its
     * commit index {@code index}; heartbeats carrying the round's id follow.
     */
    record ReadIndex(int node, NodeState state, long readId, long index) implements RaftEvent {}

    /**
     * Round {@code readId} is confirmed by a quorum and the state machine has reached its index:
     * its reads are answered from the state at applied index {@code index}.
     */
    record ServeRead(int node, NodeState state, long readId, long index) implements RaftEvent {}

    /**
     * The leader's lease (Config.leaseReads) now rests on round {@code readId}: a quorum confirmed
     * it within {@link Config#leaseTicks} of its start, so no other leader can be elected before the
     * lease ends. {@code state.lease()} is {@code readId}.
     */
    record RenewLease(int node, NodeState state, long readId) implements RaftEvent {}

    /** The leader's lease ran out ({@link Config#leaseTicks} after its round began): lease 0. */
    record ExpireLease(int node, NodeState state) implements RaftEvent {}

    /**
     * This node's promise ran out: electionTimeoutTicksMin ticks since it last heard the leader (or
     * started), so it may vote for another candidate again and campaign.
     */
    record ExpirePromise(int node, NodeState state) implements RaftEvent {}

    /**
     * The leader, holding a lease, took a read without a heartbeat round: round {@code readId} at its
     * commit index {@code index}, confirmed by the lease; ServeRead answers it once applied.
     */
    record LeaseRead(int node, NodeState state, long readId, long index) implements RaftEvent {}

    /**
     * A follower took a read and forwarded it to the leader it knows: {@code msg} is the request.
     */
    record ForwardRead(int node, NodeState state, ReadIndexRequest msg) implements RaftEvent {}

    /**
     * The leader, having committed an entry of its term, began round {@code readId} at its commit
     * index {@code index} for the follower's read in {@code msg}: a new round, never one in progress.
     */
    record HandleReadIndexRequest(int node, NodeState state, ReadIndexRequest msg, long readId, long index)
            implements RaftEvent {}

    /**
     * A quorum confirmed round {@code readId}, which a follower's read began: the leader answers
     * that follower with the round's index ({@code msg}) without waiting to apply it.
     */
    record SendReadIndexResponse(int node, NodeState state, ReadIndexResponse msg, long readId)
            implements RaftEvent {}

    /**
     * The follower serves the read the leader answered in {@code msg}, its state machine having
     * reached the answer's index: the read returns the state at applied index {@code index}. The core
     * holds an answer until then, so this event may come later than the message's arrival.
     */
    record HandleReadIndexResponse(int node, NodeState state, ReadIndexResponse msg, long index)
            implements RaftEvent {}

    /** The leader asked a caught-up follower to campaign now (leadership transfer). */
    record SendTimeoutNow(int node, NodeState state, TimeoutNow msg) implements RaftEvent {}

    /**
     * A follower told by its leader to campaign became a Candidate of the next term at once (no
     * pre-vote) and sent vote requests marked {@code transfer}.
     */
    record HandleTimeoutNow(int node, NodeState state, TimeoutNow msg) implements RaftEvent {}

    /**
     * The log up to {@code state.snapshotIndex()} was compacted: the state machine's snapshot at that
     * (applied) index is durable, and the entries it covers are no longer read.
     */
    record TakeSnapshot(int node, NodeState state) implements RaftEvent {}

    /** A leader sent a chunk of its latest snapshot to a follower whose next entry it has compacted. */
    record SendInstallSnapshot(int node, NodeState state, InstallSnapshotRequest msg) implements RaftEvent {}

    /**
     * A snapshot chunk arrived: a stale term is answered with the node's term; otherwise the node
     * follows the sender, keeps the chunk if it continues what it holds, and on the last chunk installs
     * the snapshot, unless it has already committed that far (a stale or reordered snapshot, seed 004).
     */
    record HandleInstallSnapshotRequest(int node, NodeState state, InstallSnapshotRequest msg,
            InstallSnapshotResponse reply) implements RaftEvent {}

    /** The leader learned how far a follower got with a snapshot (matchIndex rises when it is done). */
    record HandleInstallSnapshotResponse(int node, NodeState state, InstallSnapshotResponse msg)
            implements RaftEvent {}

    /** The node came back from its durable state. */
    record Restart(int node, NodeState state) implements RaftEvent {}

    /**
     * One copy of {@code msg} removed without effect: lost by the network, or ignored by its
     * destination. {@code state} is the destination's state (for a crashed destination, the state it
     * will restart with, see {@link NodeState#of}).
     */
    record DropMessage(int node, NodeState state, Message msg, String reason) implements RaftEvent {
        public DropMessage(Message msg, NodeState state, String reason) {
            this(msg.to(), state, msg, reason);
        }
    }

    /** The network duplicated {@code msg}; {@code state} is the destination's state. */
    record DuplicateMessage(int node, NodeState state, Message msg) implements RaftEvent {
        public DuplicateMessage(Message msg, NodeState state) {
            this(msg.to(), state, msg);
        }
    }
}
