package io.raftkv.core;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/** A simple majority of one voter set (paper §5.2, §5.3). */
final class MajorityQuorum implements Quorum {
    private final List<Integer> voters;

    MajorityQuorum(List<Integer> voters) {
        Assert.check(!voters.isEmpty(), "a quorum needs voters");
        this.voters = List.copyOf(voters);
    }

    /** Voters needed for a decision: floor(n/2) + 1. */
    int majority() {
        return voters.size() / 2 + 1;
    }

    @Override
    public long committedIndex(ToLongFunction<Integer> matchIndexOf) {
        long[] matches = new long[voters.size()];
        for (int k = 0; k < matches.length; k++) {
            matches[k] = matchIndexOf.applyAsLong(voters.get(k));
        }
        Arrays.sort(matches);
        // Ascending: the value at position n - majority is reached by exactly `majority` voters or more.
        return matches[matches.length - majority()];
    }

    @Override
    public VoteResult voteResult(Set<Integer> granted, Set<Integer> rejected) {
        int yes = 0;
        int no = 0;
        for (int voter : voters) {
            yes += granted.contains(voter) ? 1 : 0;
            no += rejected.contains(voter) && !granted.contains(voter) ? 1 : 0;
        }
        if (yes >= majority()) {
            return VoteResult.WON;
        }
        return voters.size() - no < majority() ? VoteResult.LOST : VoteResult.PENDING;
    }
}
