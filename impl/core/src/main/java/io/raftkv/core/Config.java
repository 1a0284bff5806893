package io.raftkv.core;

import java.util.List;

/**
 * Every limit and switch of a Raft node, validated once here so the core can rely on it.
 *
 * @param members                    the initial voters' ids, ascending, each >= 1 (spec InitVoters): the
 *                                   configuration until a CONFIG entry or a snapshot says otherwise
 * @param electionTimeoutTicksMin    lower bound (inclusive) of the randomized election timeout; also
 *                                   the CheckQuorum period and the leader-stickiness window
 * @param electionTimeoutTicksMax    upper bound (exclusive) of the randomized election timeout; the
 *                                   spread is what makes split votes rare (Raft paper §5.2)
 * @param heartbeatIntervalTicks     ticks between a leader's heartbeats; must be below the minimum
 *                                   election timeout or followers would time out on a healthy leader
 * @param preVote                    run the PreVote phase before an election (thesis §9.6)
 * @param checkQuorum                leader steps down without quorum contact, and followers that
 *                                   heard from a live leader ignore vote requests (thesis §6.2, §4.2.3)
 * @param maxInflightMessages        AppendEntries with entries a leader may have unacknowledged per
 *                                   follower (pipelining bound, thesis §10.2.2)
 * @param maxMessageBytes            soft bound on the entry bytes in one AppendEntries (a single
 *                                   entry larger than this still goes alone)
 * @param maxUncommittedBytes        proposals are refused while the leader's uncommitted entries of
 *                                   its term would exceed this many bytes
 * @param maxCommittedBytesPerReady  soft bound on the committed entries one Ready hands out for
 *                                   applying (at least one entry), so a node that restarts or catches
 *                                   up applies its backlog in bounded batches
 * @param promoteLagEntries          a learner is promoted to voter only while its log is at most this
 *                                   many entries behind the leader's (so a new voter does not stall
 *                                   commits while it catches up, thesis §4.2.1)
 * @param leaseReads                 lease reads (thesis §6.4.1), opt-in: a leader serves reads without a
 *                                   heartbeat round while it holds a lease, and every server keeps
 *                                   the promise a lease rests on (no vote for another candidate within
 *                                   electionTimeoutTicksMin of hearing the leader or of starting).
 *                                   Every server of a cluster must agree on it
 * @param leaseDriftTicks            the clock-drift bound of lease reads: how many ticks a leader's
 *                                   clock may lose against a follower's over electionTimeoutTicksMin
 *                                   ticks; the lease is {@link #leaseTicks} long
 */
public record Config(
        List<Integer> members,
        int electionTimeoutTicksMin,
        int electionTimeoutTicksMax,
        int heartbeatIntervalTicks,
        boolean preVote,
        boolean checkQuorum,
        int maxInflightMessages,
        long maxMessageBytes,
        long maxUncommittedBytes,
        long maxCommittedBytesPerReady,
        long promoteLagEntries,
        boolean leaseReads,
        int leaseDriftTicks) {

    public Config {
        if (members == null || members.isEmpty()) {
            throw new IllegalArgumentException("members must name at least one node");
        }
        members = List.copyOf(members);
        for (int k = 0; k < members.size(); k++) {
            if (members.get(k) < 1) {
                throw new IllegalArgumentException("member ids must be >= 1, got " + members.get(k));
            }
            if (k > 0 && members.get(k - 1) >= members.get(k)) {
                throw new IllegalArgumentException("members must be strictly ascending, got " + members);
            }
        }
        if (electionTimeoutTicksMin < 1) {
            throw new IllegalArgumentException("electionTimeoutTicksMin must be >= 1, got " + electionTimeoutTicksMin);
        }
        if (electionTimeoutTicksMax <= electionTimeoutTicksMin) {
            throw new IllegalArgumentException("electionTimeoutTicksMax (" + electionTimeoutTicksMax
                    + ") must exceed electionTimeoutTicksMin (" + electionTimeoutTicksMin
                    + "): the timeout is drawn from [min, max)");
        }
        if (heartbeatIntervalTicks < 1 || heartbeatIntervalTicks >= electionTimeoutTicksMin) {
            throw new IllegalArgumentException("heartbeatIntervalTicks must be in [1, electionTimeoutTicksMin="
                    + electionTimeoutTicksMin + "), got " + heartbeatIntervalTicks);
        }
        if (maxInflightMessages < 1) {
            throw new IllegalArgumentException("maxInflightMessages must be >= 1, got " + maxInflightMessages);
        }
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 1, got " + maxMessageBytes);
        }
        if (maxUncommittedBytes < 1) {
            throw new IllegalArgumentException("maxUncommittedBytes must be >= 1, got " + maxUncommittedBytes);
        }
        if (promoteLagEntries < 0) {
            throw new IllegalArgumentException("promoteLagEntries must be >= 0, got " + promoteLagEntries);
        }
        if (leaseDriftTicks < 0 || (leaseReads && leaseDriftTicks > electionTimeoutTicksMin - 3)) {
            throw new IllegalArgumentException("leaseDriftTicks must be in [0, electionTimeoutTicksMin - 3 = "
                    + (electionTimeoutTicksMin - 3) + "] so that a lease lasts at least one tick, got "
                    + leaseDriftTicks);
        }
        if (maxCommittedBytesPerReady < 1) {
            throw new IllegalArgumentException("maxCommittedBytesPerReady must be >= 1, got "
                    + maxCommittedBytesPerReady);
        }
    }

    /**
     * Defaults: timeout [10, 20) ticks, heartbeat every 2 ticks, PreVote and CheckQuorum on, lease
     * reads off (drift bound 2 ticks when turned on).
     */
    public static Config defaults(List<Integer> members) {
        return new Config(members, 10, 20, 2, true, true, 256, 1L << 20, 64L << 20, 4L << 20, 1000, false, 2);
    }

    /** Members 1..n with {@link #defaults}. */
    public static Config ofSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, got " + n);
        }
        Integer[] ids = new Integer[n];
        for (int k = 0; k < n; k++) {
            ids[k] = k + 1;
        }
        return defaults(List.of(ids));
    }

    public Config withElectionTimeoutTicks(int min, int max) {
        return new Config(members, min, max, heartbeatIntervalTicks, preVote, checkQuorum,
                maxInflightMessages, maxMessageBytes, maxUncommittedBytes, maxCommittedBytesPerReady, promoteLagEntries,
                leaseReads, leaseDriftTicks);
    }

    public Config withHeartbeatIntervalTicks(int ticks) {
        return new Config(members, electionTimeoutTicksMin, electionTimeoutTicksMax, ticks, preVote, checkQuorum,
                maxInflightMessages, maxMessageBytes, maxUncommittedBytes, maxCommittedBytesPerReady, promoteLagEntries,
                leaseReads, leaseDriftTicks);
    }

    public Config withPreVote(boolean enabled) {
        return new Config(members, electionTimeoutTicksMin, electionTimeoutTicksMax, heartbeatIntervalTicks, enabled,
                checkQuorum, maxInflightMessages, maxMessageBytes, maxUncommittedBytes, maxCommittedBytesPerReady, promoteLagEntries,
                leaseReads, leaseDriftTicks);
    }

    public Config withCheckQuorum(boolean enabled) {
        return new Config(members, electionTimeoutTicksMin, electionTimeoutTicksMax, heartbeatIntervalTicks, preVote,
                enabled, maxInflightMessages, maxMessageBytes, maxUncommittedBytes, maxCommittedBytesPerReady, promoteLagEntries,
                leaseReads, leaseDriftTicks);
    }

    public Config withMaxInflightMessages(int count) {
        return new Config(members, electionTimeoutTicksMin, electionTimeoutTicksMax, heartbeatIntervalTicks, preVote,
                checkQuorum, count, maxMessageBytes, maxUncommittedBytes, maxCommittedBytesPerReady, promoteLagEntries,
                leaseReads, leaseDriftTicks);
    }

    public Config withMaxMessageBytes(long bytes) {
        return new Config(members, electionTimeoutTicksMin, electionTimeoutTicksMax, heartbeatIntervalTicks, preVote,
                checkQuorum, maxInflightMessages, bytes, maxUncommittedBytes, maxCommittedBytesPerReady, promoteLagEntries,
                leaseReads, leaseDriftTicks);
    }

    public Config withMaxUncommittedBytes(long bytes) {
        return new Config(members, electionTimeoutTicksMin, electionTimeoutTicksMax, heartbeatIntervalTicks, preVote,
                checkQuorum, maxInflightMessages, maxMessageBytes, bytes, maxCommittedBytesPerReady, promoteLagEntries,
                leaseReads, leaseDriftTicks);
    }

    public Config withMaxCommittedBytesPerReady(long bytes) {
        return new Config(members, electionTimeoutTicksMin, electionTimeoutTicksMax, heartbeatIntervalTicks, preVote,
                checkQuorum, maxInflightMessages, maxMessageBytes, maxUncommittedBytes, bytes, promoteLagEntries, leaseReads,
                leaseDriftTicks);
    }

    public Config withPromoteLagEntries(long entries) {
        return new Config(members, electionTimeoutTicksMin, electionTimeoutTicksMax, heartbeatIntervalTicks, preVote,
                checkQuorum, maxInflightMessages, maxMessageBytes, maxUncommittedBytes, maxCommittedBytesPerReady,
                entries, leaseReads, leaseDriftTicks);
    }

    /**
     * Lease reads on (with {@code driftTicks} as the clock-drift bound) or off; see {@link #leaseTicks}.
     */
    public Config withLeaseReads(boolean enabled, int driftTicks) {
        return new Config(members, electionTimeoutTicksMin, electionTimeoutTicksMax, heartbeatIntervalTicks, preVote,
                checkQuorum, maxInflightMessages, maxMessageBytes, maxUncommittedBytes, maxCommittedBytesPerReady,
                promoteLagEntries, enabled, driftTicks);
    }

    /**
     * How long a lease lasts, in ticks of the leader's clock from the start of the heartbeat round a
     * quorum confirmed: electionTimeoutTicksMin - 2 - leaseDriftTicks. Every server that answered
     * that round heard it after it began and, from then, ignores vote requests for
     * electionTimeoutTicksMin ticks of its own clock. One tick covers a follower's first tick coming
     * at once after it heard, one more the round beginning late in the leader's tick (so the two
     * ends never fall on the same instant), the drift bound a leader's clock running slow against a
     * follower's.
     */
    public int leaseTicks() {
        return electionTimeoutTicksMin - 2 - leaseDriftTicks;
    }

    /**
     * How far apart, in ticks, the followers of a leader whose connection closed campaign
     * (RaftNode.peerDisconnected): the lowest-numbered survivor one tick after the hint, the next
     * this much later, and so on. A quarter of the randomized timeout's range, at least one: that
     * range is the one the operator chose to keep ordinary elections apart, so it is already wide
     * against a round trip.
     */
    public int leaderLostStaggerTicks() {
        return Math.max(1, (electionTimeoutTicksMax - electionTimeoutTicksMin) / 4);
    }

    /** Whether {@code id} is one of the initial voters. */
    public boolean isMember(int id) {
        return members.contains(id);
    }
}
