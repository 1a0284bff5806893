package io.raftkv.core;

/**
 * A leader's view of one follower (paper Figure 2 "volatile state on leaders", etcd's
 * tracker.Progress).
 *
 * <p>Invariants: matchIndex < nextIndex; the follower's log agrees with the leader's up to
 * matchIndex. In PROBE the leader does not know where the logs agree: it sends one AppendEntries
 * without entries at prevLogIndex = nextIndex - 1 and waits for the answer (a rejection moves
 * nextIndex down, a success switches to REPLICATE). In REPLICATE it pipelines entries
 * optimistically (nextIndex runs ahead of the acknowledgements), bounded by {@link Inflights}.
 */
final class Progress {
    enum State {
        PROBE,
        REPLICATE
    }

    /** Highest index known to be replicated on the follower (spec matchIndex[i][j]). */
    long matchIndex;
    /** Index of the next entry to send (spec nextIndex[i][j]); optimistic while replicating. */
    long nextIndex;
    State state = State.PROBE;
    /** PROBE only: an AppendEntries is out and its prevLogIndex; no other is sent until an answer. */
    boolean probeSent;
    long probePrevLogIndex = -1;
    /** Heard from the follower since the last CheckQuorum round (thesis §6.2). */
    boolean recentActive;
    /** Heartbeats sent since matchIndex last rose or the pipeline started waiting (stuck this long: lost). */
    int heartbeatsWithoutProgress;
    final Inflights inflights;

    Progress(long nextIndex, int maxInflightMessages) {
        this.nextIndex = nextIndex;
        this.inflights = new Inflights(maxInflightMessages);
    }

    boolean isPaused() {
        return state == State.PROBE ? probeSent : inflights.full();
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

    @Override
    public String toString() {
        return "match=" + matchIndex + " next=" + nextIndex + " " + state + (isPaused() ? " paused" : "")
                + " inflight=" + inflights.count();
    }
}
