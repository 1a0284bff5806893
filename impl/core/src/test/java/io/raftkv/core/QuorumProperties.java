package io.raftkv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftkv.core.Quorum.VoteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Differential tests of the quorum math (as etcd does for its quorum package): for random voter
 * sets, match indexes and votes, {@link MajorityQuorum} must agree with a naive definition written
 * straight from the paper — "the largest N such that a majority has matchIndex >= N" and "a
 * majority granted / a majority can no longer grant".
 */
class QuorumProperties {

    private static List<Integer> voters(int size) {
        List<Integer> ids = new ArrayList<>();
        for (int k = 1; k <= size; k++) {
            ids.add(k * 2 + 1); // non-contiguous ids, so nothing relies on ids being 1..n
        }
        return ids;
    }

    @Property(tries = 2000)
    void committedIndexIsTheLargestIndexAMajorityHolds(
            @ForAll @Size(min = 1, max = 9) List<@IntRange(min = 0, max = 20) Integer> matches) {
        List<Integer> ids = voters(matches.size());
        TreeMap<Integer, Long> matchOf = new TreeMap<>();
        for (int k = 0; k < ids.size(); k++) {
            matchOf.put(ids.get(k), (long) matches.get(k));
        }
        long naive = 0;
        for (long n = 0; n <= 20; n++) {
            long holders = n;
            long count = matchOf.values().stream().filter(m -> m >= holders).count();
            if (count > ids.size() / 2) {
                naive = n;
            }
        }
        assertEquals(naive, new MajorityQuorum(ids).committedIndex(matchOf::get));
    }

    @Property(tries = 2000)
    void voteResultMatchesCounting(
            @ForAll @Size(min = 1, max = 9) List<@IntRange(min = 0, max = 2) Integer> votes) {
        List<Integer> ids = voters(votes.size());
        TreeSet<Integer> granted = new TreeSet<>();
        TreeSet<Integer> rejected = new TreeSet<>();
        for (int k = 0; k < ids.size(); k++) {
            switch (votes.get(k)) {
                case 1 -> granted.add(ids.get(k));
                case 2 -> rejected.add(ids.get(k));
                default -> { } // not answered yet
            }
        }
        granted.add(1000); // a vote from a non-voter must not count
        rejected.add(1001);
        int yes = (int) ids.stream().filter(granted::contains).count();
        int no = (int) ids.stream().filter(rejected::contains).count();
        int majority = ids.size() / 2 + 1;
        VoteResult naive = yes >= majority ? VoteResult.WON
                : ids.size() - no < majority ? VoteResult.LOST : VoteResult.PENDING;
        assertEquals(naive, new MajorityQuorum(ids).voteResult(granted, rejected));
    }
}
