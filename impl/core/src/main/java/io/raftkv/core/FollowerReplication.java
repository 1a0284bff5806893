package io.raftkv.core;

import io.raftkv.core.Message.InstallSnapshotRequest;
import io.raftkv.core.Message.InstallSnapshotResponse;
import io.raftkv.core.RaftEvent.HandleInstallSnapshotRequest;
import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.ReadIndexRequest;
import io.raftkv.core.Message.ReadIndexResponse;
import io.raftkv.core.RaftEvent.ForwardRead;
import io.raftkv.core.RaftEvent.HandleAppendEntriesRequest;
import io.raftkv.core.RaftEvent.HandleReadIndexResponse;

/**
 * The receiving side of AppendEntries (paper §5.3, Figure 2 receiver rules): the consistency check,
 * merging the leader's entries, learning the commit index, and answering, where a success waits in
 * {@link PendingAcks} until the entries it vouches for are durable here.
 */
final class FollowerReplication {
    private final RaftState node;

    FollowerReplication(RaftState node) {
        this.node = node;
    }

    /**
     * Spec HandleAppendEntriesRequest: reject an older term; otherwise follow the sender, check that
     * the logs agree at prevLogIndex, merge the entries, and learn the commit index.
     */
    void handleAppendEntriesRequest(AppendEntriesRequest request) {
        if (request.term() < node.currentTerm) {
            // Answering (instead of ignoring) tells a deposed leader about the newer term.
            AppendEntriesResponse reply = new AppendEntriesResponse(node.id, request.from(), node.currentTerm, false,
                    request.prevLogIndex(), 0, 0, request.readId());
            node.outbox.add(reply);
            node.emit(new HandleAppendEntriesRequest(node.id, node.nodeState(), request, reply));
            return;
        }
        follow(request);
        AppendEntriesResponse reply;
        if (request.prevLogIndex() == 0 || node.log.matches(request.prevLogIndex(), request.prevLogTerm())) {
            reply = acceptEntries(request);
            acknowledge(reply);
        } else {
            reply = rejectEntries(request);
            node.outbox.add(reply);
        }
        node.emit(new HandleAppendEntriesRequest(node.id, node.nodeState(), request, reply));
    }

    private AppendEntriesResponse acceptEntries(AppendEntriesRequest request) {
        long lastNew = request.prevLogIndex() + request.entries().size();
        long truncatedAt = node.log.mergeFromLeader(request.entries());
        node.refreshMembership();
        Assert.check(truncatedAt == 0 || truncatedAt > node.commitIndex,
                "node %d would remove committed entry %d (commitIndex %d)", node.id, truncatedAt, node.commitIndex);
        // Only what this request proves we hold may be committed here (the spec's formula).
        node.setCommitIndex(Math.max(node.commitIndex, Math.min(request.commitIndex(), lastNew)));
        return new AppendEntriesResponse(node.id, request.from(), node.currentTerm, true, lastNew, 0, 0,
                request.readId());
    }

    /**
     * A success promises the leader that the entries up to its matchIndex are durable here (spec
     * AckSendable): it leaves now if they are, else it is held until {@link RaftNode#persisted}
     * reports them.
     */
    private void acknowledge(AppendEntriesResponse reply) {
        if (reply.matchIndex() <= node.log.durableIndex()) {
            node.outbox.add(reply);
        } else {
            node.pendingAcks.hold(reply);
        }
    }

    /** The conflict hint lets the leader skip a whole term per round trip (paper §5.3, end). */
    private AppendEntriesResponse rejectEntries(AppendEntriesRequest request) {
        long prev = request.prevLogIndex();
        long conflictTerm;
        long conflictIndex;
        if (prev > node.log.lastIndex()) {
            conflictTerm = 0;
            conflictIndex = node.log.lastIndex() + 1;
        } else {
            Assert.check(prev > node.log.snapshotIndex(), "node %d: mismatch at %d inside the snapshot", node.id, prev);
            conflictTerm = node.log.termOrUnknown(prev);
            conflictIndex = node.log.firstIndexOfTermAt(prev);
        }
        return new AppendEntriesResponse(node.id, request.from(), node.currentTerm, false, prev, conflictTerm,
                conflictIndex, request.readId());
    }

    /**
     * Spec HandleInstallSnapshotRequest: reject an older term; otherwise follow the sender and keep
     * the chunk. The last chunk installs the snapshot unless this node has committed that far
     * already (a stale or reordered snapshot must not replace a longer committed log, seed 004): the
     * log starts after it (keeping the entries after it if this log holds its last entry, durable),
     * the state machine is restored from it, and the answer leaves once it is written (the Ready
     * carrying it is sync).
     */
    void handleInstallSnapshotRequest(InstallSnapshotRequest request) {
        if (request.term() < node.currentTerm) {
            InstallSnapshotResponse reply = new InstallSnapshotResponse(node.id, request.from(), node.currentTerm,
                    request.snapshotIndex(), 0, false);
            node.outbox.add(reply);
            node.emit(new HandleInstallSnapshotRequest(node.id, node.nodeState(), request, reply));
            return;
        }
        follow(request);
        boolean complete = node.receiver.accept(request);
        boolean done = false;
        if (request.done() && request.snapshotIndex() <= node.commitIndex) {
            node.receiver.clear(); // stale: everything it holds is committed here already
            done = true;
        } else if (complete) {
            install(node.receiver.take());
            done = true;
        }
        long held = done ? 0 : node.receiver.nextOffset(request.snapshotIndex(), request.snapshotTerm());
        InstallSnapshotResponse reply = new InstallSnapshotResponse(node.id, request.from(), node.currentTerm,
                request.snapshotIndex(), held, done);
        node.outbox.add(reply);
        node.emit(new HandleInstallSnapshotRequest(node.id, node.nodeState(), request, reply));
    }

    private void install(Snapshot snapshot) {
        boolean keep = node.log.keepsAfterSnapshot(snapshot.index(), snapshot.term());
        node.log.installSnapshot(snapshot, keep);
        node.refreshMembership();
        if (!keep) {
            node.pendingAcks.discard(); // they vouched for entries this log no longer holds
        }
        node.setCommitIndex(snapshot.index());
        node.appliedIndex = snapshot.index();
        node.snapshotToInstall = snapshot;
        node.snapshotKeepsLog = keep;
    }

    /** A request from the leader of a term at least ours: follow it (there is one leader per term). */
    private void follow(Message request) {
        Assert.check(!(node.role == Role.LEADER && request.term() == node.currentTerm),
                "two leaders in term %d: %d and %d", node.currentTerm, node.id, request.from());
        node.becomeFollower(request.term(), request.from());
        node.holdPromise(request.term());
    }

    /**
     * Spec ForwardRead: a follower that knows its leader sends it the read {@code ctx} (thesis §6.4);
     * the answer, an index, is served once this node has applied that far. A node that knows no
     * leader, or is campaigning, refuses the read.
     */
    ReadResult forwardRead(long ctx) {
        if (node.role != Role.FOLLOWER || node.leaderId == 0) {
            return new ReadResult.NotLeader(node.leaderId);
        }
        ReadIndexRequest request = new ReadIndexRequest(node.id, node.leaderId, node.currentTerm, ctx);
        node.forwarded.unanswered.put(ctx, node.ticks);
        node.outbox.add(request);
        node.emit(new ForwardRead(node.id, node.nodeState(), request));
        return new ReadResult.Pending();
    }

    /**
     * The leader's answer to a forwarded read, whatever this node's role or term is now (the index
     * covers everything committed before the read began): held until the state machine reaches it.
     * An answer to no read waiting here (given up, or a duplicate) is dropped.
     */
    void handleReadIndexResponse(ReadIndexResponse response) {
        Long sentTick = node.forwarded.unanswered.remove(response.ctx());
        if (sentTick == null) {
            node.drop(response, "no forwarded read " + response.ctx() + " waits for an answer");
            return;
        }
        node.forwarded.answered.add(new ForwardedReads.Answered(response, sentTick));
        serveForwardedReads();
    }

    /** Spec HandleReadIndexResponse, for every held answer whose index the state machine has reached. */
    void serveForwardedReads() {
        var answers = node.forwarded.answered.iterator();
        while (answers.hasNext()) {
            ReadIndexResponse response = answers.next().response();
            if (response.index() <= node.appliedIndex) {
                answers.remove();
                node.emit(new HandleReadIndexResponse(node.id, node.nodeState(), response, node.appliedIndex));
                node.reads.served.add(new Ready.ReadState(response.ctx(), node.appliedIndex));
            }
        }
    }

    /** Gives up forwarded reads that waited Config.electionTimeoutTicksMax() ticks: lost on the way. */
    void expireForwardedReads() {
        node.forwarded.abortOlderThan(node.ticks, node.config.electionTimeoutTicksMax(), node.reads.aborted);
    }

    /** The durable index rose: acknowledgements for entries now on disk leave (spec PersistLog). */
    void releaseAcks() {
        node.pendingAcks.release(node.log.durableIndex(), node.outbox);
    }
}
