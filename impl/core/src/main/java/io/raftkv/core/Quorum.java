package io.raftkv.core;

import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Quorum math, separated from the node so that joint consensus (thesis §4.3: a decision needs a
 * majority of the old AND of the new configuration) can be added as another implementation.
 */
interface Quorum {

    /** Outcome of an election so far. */
    enum VoteResult {
        WON,
        LOST,
        PENDING
    }

    /**
     * The largest index that a quorum of voters has reached, given each voter's match index: the
     * index the leader may commit if it holds its current term (paper §5.3, §5.4.2).
     */
    long committedIndex(ToLongFunction<Integer> matchIndexOf);

    /** WON once the granted voters form a quorum, LOST once the rejections make that impossible. */
    VoteResult voteResult(Set<Integer> granted, Set<Integer> rejected);

    default boolean isQuorum(Set<Integer> ids) {
        return voteResult(ids, java.util.Collections.emptySet()) == VoteResult.WON;
    }
}
