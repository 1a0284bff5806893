package io.raftkv.core;

import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.RaftEvent.AdvanceCommitIndex;
import io.raftkv.core.RaftEvent.ClientRequest;
import io.raftkv.core.Message.InstallSnapshotRequest;
import io.raftkv.core.Message.InstallSnapshotResponse;
import io.raftkv.core.RaftEvent.HandleAppendEntriesResponse;
import io.raftkv.core.RaftEvent.HandleInstallSnapshotResponse;
import io.raftkv.core.RaftEvent.SendInstallSnapshot;
import io.raftkv.core.Message.ReadIndexRequest;
import io.raftkv.core.Message.ReadIndexResponse;
import io.raftkv.core.RaftEvent.HandleReadIndexRequest;
import io.raftkv.core.RaftEvent.ReadIndex;
import io.raftkv.core.RaftEvent.SendReadIndexResponse;
import io.raftkv.core.RaftEvent.SendTimeoutNow;
import io.raftkv.core.RaftEvent.ServeRead;
import io.raftkv.core.RaftEvent.SendAppendEntries;
import io.raftkv.core.RaftEvent.SendHeartbeat;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The leader's side of log replication (paper §5.3, §5.4.2): proposals, AppendEntries and
 * heartbeats out, their answers in, the commit index, and CheckQuorum. How each follower's
 * nextIndex and matchIndex move is {@link Progress}'s business; this class decides what to send.
 */
final class LeaderReplication {
    private final RaftState node;

    LeaderReplication(RaftState node) {
        this.node = node;
    }

    /**
     * Spec ClientRequest. Not-leader and flow-control refusals are return values; the command is
     * committed only later, if at all.
     */
    ProposeResult propose(byte[] command) {
        return proposeAll(List.of(command)).get(0);
    }

    /**
     * Spec ClientRequest for each command in order, then one round of SendAppendEntries for all of
     * them: a follower gets the batch in one message rather than one message per command. Each
     * answer is that command's own; once one is refused, so are the rest (a later one must not
     * overtake it).
     */
    List<ProposeResult> proposeAll(List<byte[]> commands) {
        ProposeResult[] results = new ProposeResult[commands.size()];
        for (int k = 0; k < results.length; k++) {
            results[k] = k > 0 && !(results[k - 1] instanceof ProposeResult.Accepted)
                    ? results[k - 1]
                    : append(commands.get(k));
        }
        if (results[0] instanceof ProposeResult.Accepted) { // the accepted ones are a prefix
            broadcastAppend(false);
        }
        return Arrays.asList(results);
    }

    private ProposeResult append(byte[] command) {
        if (node.role != Role.LEADER) {
            return new ProposeResult.NotLeader(node.leaderId);
        }
        if (node.leadTransferee != 0) {
            return new ProposeResult.Dropped("leadership is being transferred to " + node.leadTransferee);
        }
        Entry entry = Entry.command(node.log.lastIndex() + 1, node.currentTerm, command.clone());
        long limit = node.config.maxUncommittedBytes();
        if (node.uncommittedBytes > 0 && node.uncommittedBytes + entry.sizeBytes() > limit) {
            return new ProposeResult.Dropped("uncommitted bytes " + node.uncommittedBytes + " + " + entry.sizeBytes()
                    + " would exceed maxUncommittedBytes " + limit);
        }
        node.log.append(entry);
        node.uncommittedBytes += entry.sizeBytes();
        node.emit(new ClientRequest(node.id, node.nodeState(), entry));
        return new ProposeResult.Accepted(entry.index(), entry.term());
    }

    // ------------------------------------------------------------------------------------------
    // Configuration changes (thesis §4.3: joint consensus; §4.2.1: learners)

    /** Spec ProposeConfig for a change asked by the driver; refusals are return values. */
    ProposeResult changeMembership(MembershipChange change) {
        if (node.role != Role.LEADER) {
            return new ProposeResult.NotLeader(node.leaderId);
        }
        if (node.leadTransferee != 0) {
            return new ProposeResult.Dropped("leadership is being transferred to " + node.leadTransferee);
        }
        if (node.log.lastConfigIndex() > node.commitIndex) {
            return new ProposeResult.Dropped("the configuration change at index " + node.log.lastConfigIndex()
                    + " is not committed yet");
        }
        if (node.membership.isJoint()) {
            return new ProposeResult.Dropped("the joint configuration (" + node.membership + ") is being left");
        }
        String refusal = refusal(node.membership, change);
        if (refusal != null) {
            return new ProposeResult.Dropped(refusal);
        }
        Entry entry = appendConfig(next(node.membership, change));
        return new ProposeResult.Accepted(entry.index(), entry.term());
    }

    /** Why {@code change} cannot be made from the non-joint {@code now}, or null if it can. */
    private String refusal(Membership now, MembershipChange change) {
        int id = change.id();
        return switch (change) {
            case MembershipChange.AddLearner add -> now.isMember(id) ? "server " + id + " is already a member (" + now
                    + ")" : null;
            case MembershipChange.Promote promote -> {
                if (!now.isLearner(id)) {
                    yield "server " + id + " is no learner (" + now + ")";
                }
                long match = node.tracker.get(id).matchIndex();
                yield node.log.lastIndex() - match > node.config.promoteLagEntries() ? "learner " + id + " is not"
                        + " caught up: it holds the log up to " + match + " of " + node.log.lastIndex() + " (at most "
                        + node.config.promoteLagEntries() + " behind)" : null;
            }
            case MembershipChange.Remove remove -> {
                if (now.isLearner(id)) {
                    yield null;
                }
                if (!now.isVoter(id)) {
                    yield "server " + id + " is no member (" + now + ")";
                }
                yield now.voters().size() == 1 ? "the last voter cannot be removed" : null;
            }
        };
    }

    /** The configuration an allowed {@code change} leads to from the non-joint {@code now}. */
    private static Membership next(Membership now, MembershipChange change) {
        int id = change.id();
        return switch (change) {
            case MembershipChange.AddLearner add -> now.withLearner(id);
            case MembershipChange.Promote promote -> now.enterJoint(plus(now.voters(), id));
            case MembershipChange.Remove remove -> now.isLearner(id) ? now.withoutLearner(id)
                    : now.enterJoint(now.voters().stream().filter(v -> v != id).toList());
        };
    }

    private static List<Integer> plus(List<Integer> ids, int id) {
        List<Integer> more = new java.util.ArrayList<>(ids);
        more.add(id);
        return more;
    }

    /**
     * After every input: once the last configuration change is committed, a joint configuration is
     * left (C_new, proposed by the leader itself) and a leader that is no voter of a non-joint
     * configuration steps down (thesis §4.2.2).
     */
    void reconfigure() {
        if (node.log.lastConfigIndex() > node.commitIndex) {
            return;
        }
        if (node.membership.isJoint()) {
            appendConfig(node.membership.leaveJoint());
        } else if (!node.isVoter()) {
            node.stepDown("removed from the configuration (" + node.membership + ")");
        }
    }

    /** Spec ProposeConfig: the CONFIG entry is appended and in force at once. */
    private Entry appendConfig(Membership next) {
        Entry entry = new Entry(node.log.lastIndex() + 1, node.currentTerm, EntryType.CONFIG, next.encode());
        node.log.append(entry);
        node.uncommittedBytes += entry.sizeBytes();
        node.refreshMembership();
        if (node.leaseRound > 0) {
            node.leaseRound = 0; // the lease's quorum was of the old configuration
        }
        node.emit(new RaftEvent.ProposeConfig(node.id, node.nodeState(), next));
        broadcastAppend(false);
        return entry;
    }

    /**
     * Heartbeats every heartbeatIntervalTicks (paper §5.2) and, once per minimum election timeout,
     * CheckQuorum: a leader that has not heard from a quorum steps down, so a partitioned leader stops
     * accepting proposals and stickiness-protected followers can elect a new one (thesis §6.2).
     */
    void tickLeader() {
        expireLease();
        node.heartbeatElapsed++;
        node.electionElapsed++;
        if (node.leadTransferee != 0 && ++node.transferElapsed >= node.config.electionTimeoutTicksMin()) {
            node.leadTransferee = 0; // the target did not take over in time: serve again
        }
        if (node.electionElapsed >= node.config.electionTimeoutTicksMin()) {
            node.electionElapsed = 0;
            if (node.config.checkQuorum() && !node.quorum.isQuorum(node.tracker.recentlyActive(node.id))) {
                node.stepDown("CheckQuorum: no quorum heard from within " + node.config.electionTimeoutTicksMin()
                        + " ticks");
                return;
            }
            node.tracker.resetRecentActive();
        }
        if (node.heartbeatElapsed >= node.config.heartbeatIntervalTicks()) {
            node.heartbeatElapsed = 0;
            startLeaseRound();
            for (int peer : node.peers) {
                Progress progress = node.tracker.get(peer);
                progress.heartbeatSent();
                if (progress.chunkDue()) {
                    sendSnapshotChunk(peer); // the chunk out is presumed lost
                } else if (!sendHeartbeat(peer) && progress.silentTooLong()) {
                    // No heartbeat can go at a compacted matchIndex, so nothing would make this
                    // follower answer: probe again, which leads to the snapshot if it needs one.
                    progress.becomeProbe();
                    sendAppends(peer, true);
                }
            }
        }
    }

    /** Spec HandleAppendEntriesResponse at the leader's term. */
    void handleAppendEntriesResponse(AppendEntriesResponse response) {
        Progress progress = node.tracker.get(response.from());
        progress.markRecentActive();
        if (response.success()) {
            handleAppendSuccess(response, progress);
        } else {
            handleAppendRejection(response, progress);
        }
    }

    private void handleAppendSuccess(AppendEntriesResponse response, Progress progress) {
        Assert.check(response.matchIndex() <= node.log.lastIndex(), "follower %d acknowledged %d beyond our last %d",
                response.from(), response.matchIndex(), node.log.lastIndex());
        boolean advanced = progress.maybeUpdate(response.matchIndex());
        node.reads.ack(response.from(), response.readId());
        node.emit(new HandleAppendEntriesResponse(node.id, node.nodeState(), response));
        afterAcks();
        if (response.from() == node.leadTransferee && progress.matchIndex() == node.log.lastIndex()) {
            sendTimeoutNow(response.from());
        }
        if (advanced && maybeAdvanceCommitIndex()) {
            broadcastAppend(true);
        } else {
            // A follower that answers without progress, lags, and has nothing in flight (its appends
            // were lost, e.g. while it was down) gets an append even if nextIndex has nothing new: its
            // rejection moves nextIndex back to where the follower's log ends.
            boolean lags = progress.matchIndex() < node.log.lastIndex();
            sendAppends(response.from(), !advanced && progress.isIdle() && lags);
        }
    }

    /**
     * A follower's log disagrees at the request's prevLogIndex. Move nextIndex back to just after the
     * follower's last entry of the conflicting term that we also hold, or to its conflictIndex, but
     * never below matchIndex + 1 (spec formula), then probe from there.
     */
    private void handleAppendRejection(AppendEntriesResponse response, Progress progress) {
        if (progress.isStaleRejection(response.matchIndex())) {
            node.drop(response, "rejection at " + response.matchIndex() + " is older than matchIndex "
                    + progress.matchIndex());
            return;
        }
        if (progress.answersNoProbe(response.matchIndex())) {
            node.drop(response, "rejection at " + response.matchIndex() + " answers no probe in flight");
            return;
        }
        long hint = response.conflictIndex();
        if (response.conflictTerm() != 0) {
            long lastOfTerm = node.log.lastIndexOfTerm(response.conflictTerm());
            if (lastOfTerm != 0) {
                hint = lastOfTerm + 1;
            }
        }
        progress.backtrack(response.matchIndex(), hint);
        node.reads.ack(response.from(), response.readId());
        node.emit(new HandleAppendEntriesResponse(node.id, node.nodeState(), response));
        afterAcks();
        sendAppends(response.from(), true);
    }

    /**
     * Spec AdvanceCommitIndex: the largest index held by a quorum, if it is of the current term
     * (paper §5.4.2, Figure 8). The leader counts its own log only as far as it is durable, so a
     * commit never rests on an entry the leader could lose in a crash; followers' acknowledgements
     * are of durable entries only, so the leader may commit before its own write completes (thesis
     * §10.2.1).
     *
     * @return whether commitIndex rose
     */
    boolean maybeAdvanceCommitIndex() {
        long quorumIndex = node.quorum.committedIndex(
                voter -> voter == node.id ? node.log.durableIndex() : node.tracker.get(voter).matchIndex());
        if (quorumIndex <= node.commitIndex || node.log.termOrUnknown(quorumIndex) != node.currentTerm) {
            return false;
        }
        long from = Math.max(node.commitIndex + 1, node.termStartIndex);
        if (from <= quorumIndex) {
            for (Entry entry : node.log.slice(from, quorumIndex, Long.MAX_VALUE)) {
                node.uncommittedBytes -= entry.type() == EntryType.NOOP ? 0 : entry.sizeBytes();
            }
        }
        node.setCommitIndex(quorumIndex);
        node.emit(new AdvanceCommitIndex(node.id, node.nodeState()));
        startReadRound(); // reads taken before the first commit of the term wait for it
        return true;
    }

    // ------------------------------------------------------------------------------------------
    // Leadership transfer (thesis §3.10)

    TransferResult transferLeadership(int target) {
        if (node.role != Role.LEADER) {
            return new TransferResult.NotLeader(node.leaderId);
        }
        if (target == node.id || !node.membership.isVoter(target)) {
            return new TransferResult.Refused("node " + target + " is not another voter of " + node.membership);
        }
        if (node.leadTransferee != 0 && node.leadTransferee != target) {
            return new TransferResult.Refused("leadership is already being transferred to " + node.leadTransferee);
        }
        node.leadTransferee = target;
        node.transferElapsed = 0;
        if (node.tracker.get(target).matchIndex() == node.log.lastIndex()) {
            sendTimeoutNow(target);
        } else {
            sendAppends(target, true);
        }
        return new TransferResult.Started(target);
    }

    /** Spec SendTimeoutNow: only to a target whose log is known to hold all of ours. */
    private void sendTimeoutNow(int target) {
        Assert.check(node.tracker.get(target).matchIndex() == node.log.lastIndex(),
                "node %d: TimeoutNow to %d, which is not caught up", node.id, target);
        Message.TimeoutNow request = new Message.TimeoutNow(node.id, target, node.currentTerm);
        node.outbox.add(request);
        if (node.config.leaseReads()) {
            node.leaseRound = -1; // the target's vote requests pass every promise: no lease this term
        }
        node.emit(new SendTimeoutNow(node.id, node.nodeState(), request));
    }

    // ------------------------------------------------------------------------------------------
    // ReadIndex (thesis §6.4)

    /**
     * Takes a linearizable read. The leader records its commit index, confirms with a heartbeat round
     * that it still leads (a quorum answers a heartbeat sent after the round began), and serves the
     * read once its state machine has applied up to that index. Until it has committed an entry of
     * its own term its commit index may lag what earlier leaders committed, so reads wait for that.
     */
    ReadResult readIndex(long ctx) {
        Assert.check(node.role == Role.LEADER, "node %d: readIndex on a %s (RaftNode forwards a non-leader's read)",
                node.id, node.role);
        node.reads.waiting.add(ctx);
        startReadRound();
        return new ReadResult.Pending();
    }

    /** Spec ReadIndex: one round for every waiting read, then heartbeats that carry its id. */
    private void startReadRound() {
        if (node.reads.waiting.isEmpty() || !ownTermCommitted()) {
            return;
        }
        beginRound();
        confirmRound();
    }

    /** Heartbeats that carry the newest round's id to every peer, then whatever is confirmed already. */
    private void confirmRound() {
        for (int peer : node.peers) {
            sendHeartbeat(peer);
        }
        afterAcks();
    }

    private void beginRound() {
        LeaderReads.Round round = node.reads.start(node.commitIndex, node.id, node.ticks);
        node.emit(new ReadIndex(node.id, node.nodeState(), round.id(), round.index()));
    }

    /**
     * With lease reads, every heartbeat broadcast is a round (with the reads waiting, if any), so that
     * the answers to it renew the lease; the heartbeats that follow carry its id.
     */
    private void startLeaseRound() {
        if (!node.config.leaseReads() || node.leaseRound < 0 || !ownTermCommitted()) {
            return;
        }
        beginRound();
        afterAcks(); // a lone voter confirms its round at once
    }

    /**
     * Takes a read through the lease (Config.leaseReads): while the leader holds one, the read is a
     * round the lease confirms, answered as soon as the state machine reaches the commit index;
     * without one it is a ReadIndex read (a lease read is never refused, only slower).
     */
    ReadResult leaseRead(long ctx) {
        Assert.check(node.role == Role.LEADER, "node %d: leaseRead on a %s (RaftNode forwards a non-leader's read)",
                node.id, node.role);
        if (node.leaseRound <= 0 || !ownTermCommitted()) {
            return readIndex(ctx);
        }
        LeaderReads.Round round = node.reads.startLeased(node.commitIndex, node.membership.allVoters(), ctx,
                node.ticks, node.id);
        node.emit(new RaftEvent.LeaseRead(node.id, node.nodeState(), round.id(), round.index()));
        maybeServeReads();
        return new ReadResult.Pending();
    }

    /**
     * Spec HandleReadIndexRequest: a follower's read (thesis §6.4) gets a round of its own, begun
     * now at the commit index (a round in progress began before the read did, so its index may miss
     * a write the reader saw acknowledged); the answer goes out once a quorum confirms it. Without
     * an entry of its term committed, or not leading, the leader drops the request: the follower
     * gives the read up by its deadline.
     */
    void handleReadIndexRequest(ReadIndexRequest request) {
        if (node.role != Role.LEADER) {
            node.drop(request, node.role + " takes no reads for others");
            return;
        }
        if (!ownTermCommitted()) {
            node.drop(request, "no entry of term " + node.currentTerm + " committed yet");
            return;
        }
        LeaderReads.Round round = node.reads.startForwarded(node.commitIndex, node.id, node.ticks, request.from(),
                request.ctx());
        node.emit(new HandleReadIndexRequest(node.id, node.nodeState(), request, round.id(), round.index()));
        confirmRound();
    }

    /** Answers that may have confirmed rounds: the lease first, then the reads. */
    private void afterAcks() {
        maybeRenewLease();
        maybeServeReads();
    }

    /**
     * Spec RenewLease: the newest round (not a lease read) a quorum confirmed within the lease's
     * length of its start carries the lease, so it ends Config.leaseTicks() after that start.
     */
    private void maybeRenewLease() {
        if (!node.config.leaseReads() || node.leaseRound < 0) {
            return;
        }
        LeaderReads.Round newest = null;
        for (LeaderReads.Round round : node.reads.rounds) {
            if (!round.leased() && round.id() > node.leaseRound && node.quorum.isQuorum(round.acks())
                    && node.ticks - round.startTick() < node.config.leaseTicks()) {
                newest = round;
            }
        }
        if (newest != null) {
            node.leaseRound = newest.id();
            node.leaseStartTick = newest.startTick();
            node.emit(new RaftEvent.RenewLease(node.id, node.nodeState(), newest.id()));
        }
    }

    /** Spec ExpireLease: at the leader's tick Config.leaseTicks() after its round began. */
    private void expireLease() {
        if (node.leaseRound > 0 && node.ticks - node.leaseStartTick >= node.config.leaseTicks()) {
            node.leaseRound = 0;
            node.emit(new RaftEvent.ExpireLease(node.id, node.nodeState()));
        }
    }

    /** Whether the entry at the commit index is of the current term (spec ReadIndexAllowed). */
    private boolean ownTermCommitted() {
        return node.log.termOrUnknown(node.commitIndex) == node.currentTerm;
    }

    /**
     * Spec ServeRead, for each round in order that a quorum has confirmed and whose index the state
     * machine has reached: its reads go to the next Ready, answered at the applied index. A confirmed
     * round a follower's read began is answered at once (spec SendReadIndexResponse): the follower
     * waits for its own state machine.
     */
    void maybeServeReads() {
        Iterator<LeaderReads.Round> rounds = node.reads.rounds.iterator();
        while (rounds.hasNext()) {
            LeaderReads.Round round = rounds.next();
            if (!node.quorum.isQuorum(round.acks())) {
                continue; // a later round may be a lease read, ready before this one
            }
            if (round.origin() != node.id) {
                rounds.remove();
                ReadIndexResponse answer = new ReadIndexResponse(node.id, round.origin(), node.currentTerm,
                        round.contexts().get(0), round.index());
                node.outbox.add(answer);
                node.emit(new SendReadIndexResponse(node.id, node.nodeState(), answer, round.id()));
                continue;
            }
            if (node.appliedIndex < round.index()) {
                continue;
            }
            rounds.remove();
            node.emit(new ServeRead(node.id, node.nodeState(), round.id(), node.appliedIndex));
            for (long ctx : round.contexts()) {
                node.reads.served.add(new Ready.ReadState(ctx, node.appliedIndex));
            }
        }
    }

    /** After a commit, {@code sendIfEmpty} also tells caught-up followers the new commit index. */
    void broadcastAppend(boolean sendIfEmpty) {
        for (int peer : node.peers) {
            sendAppends(peer, sendIfEmpty);
        }
    }

    /** Sends to {@code peer} as long as there are entries and the flow control allows. */
    private void sendAppends(int peer, boolean sendIfEmpty) {
        boolean sent = sendAppend(peer, sendIfEmpty);
        while (sent && node.tracker.get(peer).state() == Progress.State.REPLICATE) {
            sent = sendAppend(peer, false);
        }
    }

    /**
     * Spec SendAppendEntries: entries from nextIndex (at most maxMessageBytes, at least one entry if
     * any), commitIndex capped at what the follower will provably hold, nextIndex advanced past them.
     * A probe carries no entries, so it leaves nextIndex where it is and backtracking only ever
     * moves nextIndex down.
     *
     * @return whether a message was sent
     */
    private boolean sendAppend(int peer, boolean sendIfEmpty) {
        Progress progress = node.tracker.get(peer);
        if (progress.state() == Progress.State.SNAPSHOT || progress.nextIndex() <= node.log.snapshotIndex()) {
            if (progress.state() != Progress.State.SNAPSHOT) {
                progress.becomeSnapshot(node.log.snapshotIndex()); // the follower's next entry is compacted
            }
            if (progress.chunkDue()) {
                sendSnapshotChunk(peer);
            }
            return false;
        }
        long prevLogIndex = progress.nextIndex() - 1;
        long prevLogTerm = node.log.termOrUnknown(prevLogIndex);
        if (progress.isPaused()) {
            return false;
        }
        long lastIndex = node.log.lastIndex();
        List<Entry> entries = progress.state() == Progress.State.REPLICATE && progress.nextIndex() <= lastIndex
                ? node.log.slice(progress.nextIndex(), lastIndex, node.config.maxMessageBytes())
                : List.of();
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        AppendEntriesRequest request = new AppendEntriesRequest(node.id, peer, node.currentTerm, prevLogIndex,
                prevLogTerm, entries, Math.min(node.commitIndex, prevLogIndex + entries.size()), node.reads.readSeq);
        progress.sentAppend(prevLogIndex, entries.size());
        node.outbox.add(request);
        node.emit(new SendAppendEntries(node.id, node.nodeState(), request));
        return true;
    }

    /**
     * Spec SendInstallSnapshot: the chunk of the latest snapshot at the follower's offset, at most
     * maxMessageBytes. If the leader compacted further since the transfer began, it starts over with
     * the new snapshot (the follower discards a partial one when a chunk at offset 0 arrives).
     */
    private void sendSnapshotChunk(int peer) {
        Progress progress = node.tracker.get(peer);
        Snapshot snapshot = node.log.snapshot();
        if (snapshot.index() != progress.pendingSnapshot()) {
            progress.becomeSnapshot(snapshot.index());
        }
        byte[] data = snapshot.data();
        int from = Math.toIntExact(Math.min(progress.snapshotOffset(), data.length));
        int to = Math.toIntExact(Math.min(data.length, from + node.config.maxMessageBytes()));
        InstallSnapshotRequest chunk = new InstallSnapshotRequest(node.id, peer, node.currentTerm, snapshot.index(),
                snapshot.term(), from, Arrays.copyOfRange(data, from, to), to == data.length, snapshot.membership());
        progress.chunkSent();
        node.outbox.add(chunk);
        node.emit(new SendInstallSnapshot(node.id, node.nodeState(), chunk));
    }

    /**
     * Spec HandleInstallSnapshotResponse at the leader's term: done, the follower holds everything up
     * to the snapshot (matchIndex rises, appends resume after it); otherwise the next chunk goes from
     * the offset the follower reports.
     */
    void handleInstallSnapshotResponse(InstallSnapshotResponse response) {
        Progress progress = node.tracker.get(response.from());
        progress.markRecentActive();
        if (response.done()) {
            Assert.check(response.snapshotIndex() <= node.log.lastIndex(),
                    "follower %d holds a snapshot at %d beyond our last %d", response.from(),
                    response.snapshotIndex(), node.log.lastIndex());
            boolean advanced = progress.snapshotDone(response.snapshotIndex());
            node.emit(new HandleInstallSnapshotResponse(node.id, node.nodeState(), response));
            if (advanced && maybeAdvanceCommitIndex()) {
                broadcastAppend(true);
            } else {
                sendAppends(response.from(), true);
            }
            return;
        }
        boolean current = progress.chunkAcknowledged(response.snapshotIndex(), response.nextOffset());
        node.emit(new HandleInstallSnapshotResponse(node.id, node.nodeState(), response));
        if (current) {
            sendSnapshotChunk(response.from());
        }
    }

    /**
     * Spec SendHeartbeat: an AppendEntries at matchIndex with no entries. It asserts leadership, tells
     * the follower the commit index it provably holds, and its answer proves the follower alive
     * (CheckQuorum) without disturbing nextIndex. None goes when matchIndex is compacted (its term is
     * no longer known).
     *
     * @return whether it was sent
     */
    private boolean sendHeartbeat(int peer) {
        long matchIndex = node.tracker.get(peer).matchIndex();
        long prevLogTerm = node.log.termOrUnknown(matchIndex);
        if (prevLogTerm == RaftLog.UNKNOWN_TERM) {
            return false; // matchIndex inside our snapshot: the snapshot's chunks keep the follower following
        }
        AppendEntriesRequest heartbeat = new AppendEntriesRequest(node.id, peer, node.currentTerm, matchIndex,
                prevLogTerm, List.of(), Math.min(node.commitIndex, matchIndex), node.reads.readSeq);
        node.outbox.add(heartbeat);
        node.emit(new SendHeartbeat(node.id, node.nodeState(), heartbeat));
        return true;
    }
}
