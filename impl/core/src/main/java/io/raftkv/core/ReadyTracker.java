package io.raftkv.core;

import io.raftkv.core.RaftEvent.Apply;
import io.raftkv.core.RaftEvent.PersistLog;
import java.util.List;

/**
 * The Ready contract's bookkeeping (etcd's RawNode): what has been handed out (hard state, entries,
 * committed entries), the one batch awaiting {@link #advance}, and the driver's reports of completed
 * writes, which raise the durable index (spec PersistLog).
 */
final class ReadyTracker {
    private final RaftState node;
    private final LeaderReplication leader;
    private final FollowerReplication follower;
    /** The hard state of the last Ready (the one on disk once its write completes). */
    private HardState handedOutHardState;
    private Ready outstanding;

    ReadyTracker(RaftState node, LeaderReplication leader, FollowerReplication follower) {
        this.node = node;
        this.leader = leader;
        this.follower = follower;
        // The hard state came from disk; a commit index clipped to the recovered log need not be rewritten.
        this.handedOutHardState = node.hardState();
    }

    long appliedIndex() {
        return node.appliedIndex;
    }

    /**
     * Committed entries are applied only once durable here, so a state machine that remembers what
     * it applied is never ahead of the log a crash leaves behind.
     */
    private long appliableIndex() {
        return Math.min(node.commitIndex, node.log.durableIndex());
    }

    /** Whether a sync Ready is handed out and not yet advanced: the driver owes it its write. */
    boolean syncOutstanding() {
        return outstanding != null && outstanding.mustSync();
    }

    boolean hasReady() {
        return outstanding == null
                && (hardStateChanged()
                        || node.log.hasUnsubmitted()
                        || !node.outbox.isEmpty()
                        || appliableIndex() > node.appliedIndex
                        || node.reads.hasOutput()
                        || node.snapshotToInstall != null);
    }

    /** Field by field: hasReady runs after every input, and a record's equals costs more. */
    private boolean hardStateChanged() {
        return node.currentTerm != handedOutHardState.currentTerm() || node.votedFor != handedOutHardState.votedFor()
                || node.commitIndex != handedOutHardState.commitIndex();
    }

    /**
     * The next batch. It is sync when it changes currentTerm or votedFor (a vote must be durable
     * before its grant leaves, and a term before anything sent in it) or when its entries overwrite
     * entries handed out before (so the disk never holds a tail the log has given up).
     */
    Ready ready() {
        if (outstanding != null) {
            throw new IllegalStateException(
                    "node " + node.id + ": advance(...) the previous Ready before asking for another");
        }
        HardState hard = node.hardState();
        boolean termOrVoteChanged = hard.currentTerm() != handedOutHardState.currentTerm()
                || hard.votedFor() != handedOutHardState.votedFor();
        boolean mustSync = termOrVoteChanged || node.log.unsubmittedOverwrite() || node.snapshotToInstall != null;
        long appliable = appliableIndex();
        List<Entry> committed = appliable > node.appliedIndex
                ? node.log.slice(node.appliedIndex + 1, appliable, node.config.maxCommittedBytesPerReady())
                : List.of();
        Ready ready = new Ready(hard.equals(handedOutHardState) ? null : hard, node.log.unsubmittedEntries(),
                mustSync, node.outbox, committed, node.reads.served, node.reads.aborted, node.snapshotToInstall,
                node.snapshotKeepsLog);
        node.snapshotToInstall = null;
        node.snapshotKeepsLog = false;
        node.log.markSubmitted();
        handedOutHardState = hard;
        node.outbox.clear();
        node.reads.served.clear();
        node.reads.aborted.clear();
        outstanding = ready;
        return ready;
    }

    /**
     * The driver handled {@code ready}. A sync batch with entries is durable by now, and so is every
     * write before it (writes complete in order): the durable index rises to all that was handed out.
     */
    void advance(Ready ready) {
        if (ready == null || ready != outstanding) {
            throw new IllegalArgumentException(
                    "node " + node.id + ": advance() takes the Ready last returned by ready()");
        }
        outstanding = null;
        if (ready.snapshot() != null) {
            node.log.installWritten();
        }
        if (!ready.committedEntries().isEmpty()) {
            node.appliedIndex = ready.committedEntries().get(ready.committedEntries().size() - 1).index();
            node.emit(new Apply(node.id, node.nodeState()));
            if (node.role == Role.LEADER) {
                leader.maybeServeReads();
            }
            follower.serveForwardedReads();
        }
        if (ready.mustSync() && !ready.entriesToPersist().isEmpty() && node.log.submittedDurable()) {
            durableIndexRose();
        }
    }

    /**
     * The driver's report that the log is durable up to {@code index}, whose entry has {@code term}.
     * Ignored while a sync Ready with entries is outstanding: its advance records everything, and a
     * late report of an older write could otherwise vouch for entries that write is replacing.
     */
    void persisted(long index, long term) {
        if (outstanding != null && outstanding.mustSync()
                && (!outstanding.entriesToPersist().isEmpty() || outstanding.snapshot() != null)) {
            return;
        }
        if (node.log.persistedTo(index, term)) {
            durableIndexRose();
        }
    }

    /**
     * Spec PersistLog, then what it enables: acknowledgements held for entries now durable leave, and
     * a leader, which counts itself only up to its durable index, may commit more.
     */
    private void durableIndexRose() {
        node.emit(new PersistLog(node.id, node.nodeState()));
        follower.releaseAcks();
        if (node.role == Role.LEADER && leader.maybeAdvanceCommitIndex()) {
            leader.broadcastAppend(true);
        }
    }

    void checkInvariants() {
        Assert.check(node.log.snapshotIndex() <= node.appliedIndex && node.appliedIndex <= appliableIndex(),
                "node %d: appliedIndex %d outside [%d, min(commitIndex %d, durable %d)]", node.id, node.appliedIndex,
                node.log.snapshotIndex(), node.commitIndex, node.log.durableIndex());
        Assert.check(handedOutHardState.currentTerm() <= node.currentTerm, "node %d: term went backwards", node.id);
    }
}
