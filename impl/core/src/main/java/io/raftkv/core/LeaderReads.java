package io.raftkv.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A leader's ReadIndex rounds (thesis §6.4): spec readSeq and pendingReads, plus the reads waiting
 * for the leader's first commit of its term and what the next Ready hands the driver. The rules
 * (when a round starts, what confirms it, when it is served) are {@link LeaderReplication}'s; this
 * class only keeps the books.
 */
final class LeaderReads {
    /**
     * One round: the commit index it must reach, who has confirmed the term since it began, its
     * reads, the leader's tick when it began, whether the lease confirmed it (a lease read), and
     * whose reads they are (spec origin): the leader's own, or one forwarded by another server.
     */
    record Round(long id, long index, TreeSet<Integer> acks, List<Long> contexts, long startTick, boolean leased,
            int origin) {}

    /** Spec readSeq: the id of the latest round, 0 before the first of this leadership. */
    long readSeq;
    /** Spec pendingReads, by ascending id. */
    final ArrayDeque<Round> rounds = new ArrayDeque<>();
    /** Reads taken before the leader committed an entry of its term: they start the first round. */
    final List<Long> waiting = new ArrayList<>();
    /** For the next Ready (a non-leader's forwarded reads too, see {@link ForwardedReads}). */
    final List<Ready.ReadState> served = new ArrayList<>();
    final List<Long> aborted = new ArrayList<>();

    Round start(long index, int self, long tick) {
        Round round = begin(index, List.of(self), List.copyOf(waiting), tick, false, self);
        waiting.clear();
        return round;
    }

    /** A round of its own for the read {@code ctx} that server {@code origin} forwarded. */
    Round startForwarded(long index, int self, long tick, int origin, long ctx) {
        return begin(index, List.of(self), List.of(ctx), tick, false, origin);
    }

    /** A lease read: a round confirmed by the lease, acknowledged as if by every voter. */
    Round startLeased(long index, List<Integer> voters, long ctx, long tick, int self) {
        return begin(index, voters, List.of(ctx), tick, true, self);
    }

    /** The next round (spec readSeq + 1), acknowledged so far by {@code acks}. */
    private Round begin(long index, List<Integer> acks, List<Long> contexts, long tick, boolean leased, int origin) {
        readSeq++;
        Round round = new Round(readSeq, index, new TreeSet<>(acks), contexts, tick, leased, origin);
        rounds.addLast(round);
        return round;
    }

    /** A response of the leader's term echoing {@code readId} confirms every round up to it. */
    void ack(int peer, long readId) {
        for (Round round : rounds) {
            if (round.id() > readId) {
                break;
            }
            round.acks().add(peer);
        }
    }

    /**
     * Leadership ended: every read taken and not served is given up (spec FollowerVolatile); a
     * forwarded round just ends, its server gives its read up by itself.
     */
    void abortAll(int self) {
        for (Round round : rounds) {
            if (round.origin() == self) {
                aborted.addAll(round.contexts());
            }
        }
        aborted.addAll(waiting);
        rounds.clear();
        waiting.clear();
        readSeq = 0;
    }

    boolean hasOutput() {
        return !served.isEmpty() || !aborted.isEmpty();
    }

    /** Nothing in progress: what every non-leader must satisfy. */
    boolean isIdle() {
        return readSeq == 0 && rounds.isEmpty() && waiting.isEmpty();
    }
}
