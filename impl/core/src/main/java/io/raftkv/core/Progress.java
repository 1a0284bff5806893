package io.raftkv.core;

/**
 * A leader's view of one follower (paper Figure 2 "volatile state on leaders", etcd's
 * tracker.Progress). It owns its transitions: the leader tells it what it sent and what it heard,
 * and it decides how matchIndex, nextIndex and the flow control move.
 *
 * <p>Invariants: matchIndex < nextIndex; the follower's log agrees with the leader's up to
 * matchIndex. In PROBE the leader does not know where the logs agree: it sends one AppendEntries
 * without entries at prevLogIndex = nextIndex - 1 and waits for the answer (a rejection moves
 * nextIndex down, a success switches to REPLICATE). In REPLICATE it pipelines entries
 * optimistically (nextIndex runs ahead of the acknowledgements), bounded by {@link Inflights}. In
 * SNAPSHOT the follower's next entry is compacted at the leader: it sends its snapshot one chunk at
 * a time (the next when the follower says it holds the previous; a chunk unanswered for a whole
 * heartbeat interval while others answer is presumed lost and sent again) and no AppendEntries, until
 * the follower reports the snapshot installed; then it probes from after it.
 */
final class Progress {
    enum State {
        PROBE,
        REPLICATE,
        SNAPSHOT
    }

    /** Heartbeat intervals a follower may answer without progress before its appends are presumed lost. */
    private static final int HEARTBEATS_UNTIL_PRESUMED_LOST = 2;

    /** Highest index known to be replicated on the follower (spec matchIndex[i][j]). */
    private long matchIndex;
    /** Index of the next entry to send (spec nextIndex[i][j]); optimistic while replicating. */
    private long nextIndex;
    private State state = State.PROBE;
    /** PROBE only: an AppendEntries is out and its prevLogIndex; no other is sent until an answer. */
    private boolean probeSent;
    private long probePrevLogIndex = -1;
    /** Heard from the follower since the last CheckQuorum round (thesis §6.2). */
    private boolean recentActive;
    /** Heartbeats sent since matchIndex last rose or the pipeline started waiting (stuck this long: lost). */
    private int heartbeatsWithoutProgress;
    private final Inflights inflights;
    /** SNAPSHOT only: the index of the snapshot being sent, the bytes the follower holds, a chunk out. */
    private long pendingSnapshot;
    private long snapshotOffset;
    private boolean chunkSent;

    Progress(long nextIndex, int maxInflightMessages) {
        Assert.check(nextIndex >= 1, "nextIndex %d < 1", nextIndex);
        this.nextIndex = nextIndex;
        this.inflights = new Inflights(maxInflightMessages);
    }

    long matchIndex() {
        return matchIndex;
    }

    long nextIndex() {
        return nextIndex;
    }

    State state() {
        return state;
    }

    boolean recentActive() {
        return recentActive;
    }

    int inflightCount() {
        return inflights.count();
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    /** Probing, or replicating with nothing in flight: the follower has no append of ours to answer. */
    boolean isIdle() {
        return state == State.PROBE || inflights.count() == 0;
    }

    void becomeProbe() {
        state = State.PROBE;
        probeSent = false;
        probePrevLogIndex = -1;
        inflights.reset();
    }

    void becomeReplicate() {
        state = State.REPLICATE;
        probeSent = false;
        probePrevLogIndex = -1;
        inflights.reset();
    }

    /** The follower needs the snapshot at {@code index} (its next entry is compacted): send it from byte 0. */
    void becomeSnapshot(long index) {
        Assert.check(nextIndex <= index, "snapshot at %d for a follower whose next entry %d is not compacted", index,
                nextIndex);
        state = State.SNAPSHOT;
        probeSent = false;
        probePrevLogIndex = -1;
        inflights.reset();
        pendingSnapshot = index;
        snapshotOffset = 0;
        chunkSent = false;
    }

    long pendingSnapshot() {
        return pendingSnapshot;
    }

    long snapshotOffset() {
        return snapshotOffset;
    }

    /** SNAPSHOT: whether a chunk may go now (none is out, or the one out is presumed lost). */
    boolean chunkDue() {
        return state == State.SNAPSHOT && (!chunkSent || presumedLost());
    }

    /** SNAPSHOT: the chunk at snapshotOffset left. */
    void chunkSent() {
        chunkSent = true;
        heartbeatsWithoutProgress = 0;
    }

    /**
     * SNAPSHOT: the follower holds {@code nextOffset} bytes of the snapshot at {@code index}. If that is
     * the one being sent, the next chunk starts there.
     *
     * @return whether it answered the snapshot being sent
     */
    boolean chunkAcknowledged(long index, long nextOffset) {
        if (state != State.SNAPSHOT || index != pendingSnapshot) {
            return false;
        }
        snapshotOffset = nextOffset;
        chunkSent = false;
        heartbeatsWithoutProgress = 0;
        return true;
    }

    /**
     * The follower holds every entry up to {@code index} (a snapshot installed there, or it had
     * committed that far): matchIndex and nextIndex rise as for an AppendEntries success (spec
     * HandleInstallSnapshotResponse); a snapshot transfer this completes ends in PROBE from there.
     *
     * @return whether matchIndex rose
     */
    boolean snapshotDone(long index) {
        boolean advanced = index > matchIndex;
        matchIndex = Math.max(matchIndex, index);
        nextIndex = Math.max(nextIndex, index + 1);
        if (advanced) {
            heartbeatsWithoutProgress = 0;
        }
        if (state == State.SNAPSHOT && index >= pendingSnapshot) {
            becomeProbe();
        }
        return advanced;
    }

    /** The follower answered (CheckQuorum counts it as alive this round). */
    void markRecentActive() {
        recentActive = true;
    }

    /** A new CheckQuorum round starts. */
    void resetRecentActive() {
        recentActive = false;
    }

    /** A heartbeat interval passed while the follower still owes us progress. */
    void heartbeatSent() {
        heartbeatsWithoutProgress++;
    }

    /**
     * An AppendEntries at {@code prevLogIndex} carrying {@code entryCount} entries left: nextIndex
     * moves past them (the spec's SendAppendEntries), and the wait for the answer starts.
     */
    void sentAppend(long prevLogIndex, int entryCount) {
        Assert.check(state != State.SNAPSHOT, "append while sending a snapshot: %s", this);
        Assert.check(prevLogIndex == nextIndex - 1, "append at %d while nextIndex is %d", prevLogIndex, nextIndex);
        nextIndex += entryCount;
        if (state == State.PROBE) {
            // A probe carries no entries, so a repeated probe asks the same question.
            probeSent = true;
            probePrevLogIndex = prevLogIndex;
            heartbeatsWithoutProgress = 0;
        } else if (entryCount > 0) {
            if (inflights.count() == 0) {
                heartbeatsWithoutProgress = 0;
            }
            inflights.add(prevLogIndex + entryCount);
        }
    }

    /**
     * A successful AppendEntriesResponse at {@code acknowledged} (etcd's MaybeUpdate): matchIndex and
     * nextIndex rise to it if it is news (the spec's formula), the pipeline frees what it covers.
     *
     * @return whether matchIndex rose
     */
    boolean maybeUpdate(long acknowledged) {
        boolean advanced = acknowledged > matchIndex;
        matchIndex = Math.max(matchIndex, acknowledged);
        nextIndex = Math.max(nextIndex, acknowledged + 1);
        if (advanced) {
            heartbeatsWithoutProgress = 0;
        }
        if (state == State.PROBE) {
            successWhileProbing(acknowledged);
        } else if (state == State.SNAPSHOT) {
            if (nextIndex > pendingSnapshot) {
                becomeProbe(); // an earlier append reached past the snapshot: no need to send it
            }
        } else if (advanced) {
            inflights.freeUpTo(matchIndex);
        } else if (acknowledged == matchIndex && presumedLost()) {
            // The follower answers but its matchIndex has not moved for a whole heartbeat interval
            // while appends are outstanding: presume them lost. With the pipeline empty, the next
            // append reveals where the follower's log really ends (a rejection moves nextIndex back).
            inflights.reset();
        }
        return advanced;
    }

    /**
     * Only the answer to the probe in flight resumes pipelining. A reordered pipeline keeps answering
     * after the rejection that turned this follower back to PROBE; its late successes still raise
     * matchIndex and nextIndex (spec formula, above), but if each of them started a new window, every
     * window would be cut short by the next reordered rejection and start more windows: a message
     * storm. A probe unanswered for a whole heartbeat interval, while the follower keeps answering,
     * is presumed lost and may be sent again.
     */
    private void successWhileProbing(long acknowledged) {
        if (probeSent && acknowledged == probePrevLogIndex) {
            Assert.check(matchIndex >= nextIndex - 1, "probe answered at %d but %s", acknowledged, this);
            becomeReplicate(); // the logs agree up to nextIndex - 1: pipeline from here on
        } else if (presumedLost()) {
            probeSent = false;
        }
    }

    /** No progress for a whole heartbeat interval while something was owed: presume it lost. */
    boolean silentTooLong() {
        return presumedLost();
    }

    private boolean presumedLost() {
        return heartbeatsWithoutProgress >= HEARTBEATS_UNTIL_PRESUMED_LOST;
    }

    /** A rejection below matchIndex answers a request older than what the follower has confirmed. */
    boolean isStaleRejection(long rejectedIndex) {
        return rejectedIndex < matchIndex;
    }

    /** While probing, only the probe's own rejection counts (reordered pipeline answers do not). */
    boolean answersNoProbe(long rejectedIndex) {
        return (state == State.PROBE && rejectedIndex != probePrevLogIndex) || state == State.SNAPSHOT;
    }

    /**
     * A rejection at {@code rejectedIndex} with the leader's retry point {@code hint} (etcd's
     * MaybeDecrTo): nextIndex moves back to Max(matchIndex + 1, Min(hint, rejectedIndex)), the spec's
     * formula, and the leader probes from there.
     */
    void backtrack(long rejectedIndex, long hint) {
        Assert.check(!isStaleRejection(rejectedIndex), "stale rejection at %d below %s", rejectedIndex, this);
        nextIndex = Math.max(matchIndex + 1, Math.min(hint, rejectedIndex));
        becomeProbe();
    }

    @Override
    public String toString() {
        return "match=" + matchIndex + " next=" + nextIndex + " " + state + (isPaused() ? " paused" : "")
                + " inflight=" + inflights.count()
                + (state == State.SNAPSHOT ? " snapshot=" + pendingSnapshot + "@" + snapshotOffset : "");
    }
}
