package io.raftkv.core;

import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * C_old,new (thesis §4.3): a decision needs a majority of the incoming voters and a majority of the
 * outgoing ones, so neither configuration can decide alone while the change is in progress.
 */
final class JointQuorum implements Quorum {
    private final MajorityQuorum incoming;
    private final MajorityQuorum outgoing;

    JointQuorum(MajorityQuorum incoming, MajorityQuorum outgoing) {
        this.incoming = incoming;
        this.outgoing = outgoing;
    }

    /** The largest index both majorities have reached. */
    @Override
    public long committedIndex(ToLongFunction<Integer> matchIndexOf) {
        return Math.min(incoming.committedIndex(matchIndexOf), outgoing.committedIndex(matchIndexOf));
    }

    /** WON when both halves won, LOST when either lost. */
    @Override
    public VoteResult voteResult(Set<Integer> granted, Set<Integer> rejected) {
        VoteResult in = incoming.voteResult(granted, rejected);
        VoteResult out = outgoing.voteResult(granted, rejected);
        if (in == VoteResult.LOST || out == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return in == VoteResult.WON && out == VoteResult.WON ? VoteResult.WON : VoteResult.PENDING;
    }
}
