package io.raftkv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Differential test of {@link RaftLog} against a naive log (a list of terms after a snapshot
 * index): random appends, merges of leader entries at random positions (matching, conflicting,
 * stale and duplicated), persistence acknowledgements (also stale ones, after a truncation), with a
 * snapshot index that is often above 0 so firstIndex > 1. After every operation every query
 * (lastIndex, lastTerm, term at each index, matches, slices, first/last index of a term, persisted
 * index, unstable entries) must agree with the naive log.
 */
class RaftLogProperties {

    /** The naive model: terms of entries snapshotIndex+1.., and the persisted watermark. */
    private static final class NaiveLog {
        final long snapshotIndex;
        final long snapshotTerm;
        final List<Long> terms = new ArrayList<>();
        long persisted;

        NaiveLog(long snapshotIndex, long snapshotTerm) {
            this.snapshotIndex = snapshotIndex;
            this.snapshotTerm = snapshotTerm;
            this.persisted = snapshotIndex;
        }

        long last() {
            return snapshotIndex + terms.size();
        }

        long termAt(long index) {
            if (index == snapshotIndex) {
                return snapshotTerm;
            }
            if (index == 0) {
                return 0;
            }
            if (index < snapshotIndex || index > last()) {
                return RaftLog.UNKNOWN_TERM;
            }
            return terms.get((int) (index - snapshotIndex - 1));
        }

        /** Figure 2 receiver rule 3 and 4, literally: find the first conflict, cut, append the rest. */
        void merge(List<Entry> incoming) {
            for (Entry entry : incoming) {
                long index = entry.index();
                if (index <= snapshotIndex) {
                    continue;
                }
                if (index <= last() && termAt(index) != entry.term()) {
                    while (last() >= index) {
                        terms.remove(terms.size() - 1);
                    }
                    persisted = Math.min(persisted, index - 1);
                }
                if (index == last() + 1) {
                    terms.add(entry.term());
                }
            }
        }
    }

    @Property(tries = 400)
    void raftLogAgreesWithANaiveLog(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long snapshotIndex = random.nextBoolean() ? 0 : random.nextLong(1, 20);
        long snapshotTerm = snapshotIndex == 0 ? 0 : random.nextLong(1, 3);
        RaftLog log = new RaftLog(snapshotIndex, snapshotTerm, List.of());
        NaiveLog naive = new NaiveLog(snapshotIndex, snapshotTerm);
        for (int step = 0; step < 120; step++) {
            switch (random.nextInt(4)) {
                case 0 -> {
                    long term = Math.max(1, naive.termAt(naive.last())) + (random.nextInt(4) == 0 ? 1 : 0);
                    Entry entry = entry(naive.last() + 1, term);
                    log.append(entry);
                    naive.terms.add(term);
                }
                case 1 -> {
                    List<Entry> incoming = leaderEntries(random, naive);
                    log.mergeFromLeader(incoming);
                    naive.merge(incoming);
                }
                case 2 -> {
                    long index = random.nextLong(snapshotIndex, naive.last() + 2);
                    long term = random.nextInt(3) == 0 ? 99 : naive.termAt(index); // sometimes stale
                    log.persistedTo(index, term);
                    if (index > naive.persisted && index <= naive.last() && naive.termAt(index) == term) {
                        naive.persisted = index;
                    }
                }
                default -> compareQueries(random, log, naive);
            }
            compareQueries(random, log, naive);
        }
    }

    /** Entries a leader could send after some prevLogIndex this log might agree with. */
    private static List<Entry> leaderEntries(SplittableRandom random, NaiveLog naive) {
        long prev = random.nextLong(Math.max(0, naive.snapshotIndex - 2), naive.last() + 1);
        long term = Math.max(1, naive.termAt(Math.max(prev, naive.snapshotIndex)));
        List<Entry> incoming = new ArrayList<>();
        int count = random.nextInt(5);
        for (int k = 1; k <= count; k++) {
            long index = prev + k;
            long existing = naive.termAt(index);
            boolean keep = existing > 0 && random.nextInt(3) > 0; // mostly matching entries (stale/duplicate)
            term = keep ? Math.max(term, existing) : term + random.nextInt(2);
            incoming.add(entry(index, Math.max(term, existing > 0 && keep ? existing : term)));
        }
        return incoming;
    }

    private static void compareQueries(SplittableRandom random, RaftLog log, NaiveLog naive) {
        assertEquals(naive.last(), log.lastIndex(), "lastIndex");
        assertEquals(naive.snapshotIndex + 1, log.firstIndex(), "firstIndex");
        assertEquals(naive.termAt(naive.last()), log.lastTerm(), "lastTerm");
        assertEquals(naive.persisted, log.persistedIndex(), "persistedIndex");
        for (long index = 0; index <= naive.last() + 2; index++) {
            assertEquals(naive.termAt(index), log.termOrUnknown(index), "term at " + index);
            long term = naive.termAt(index);
            boolean naiveMatch = index < naive.snapshotIndex || (index <= naive.last() && term != RaftLog.UNKNOWN_TERM);
            assertEquals(naiveMatch, log.matches(index, term), "matches " + index);
        }
        assertEquals(naive.last() - naive.persisted, log.unstableEntries().size(), "unstable entries");
        if (naive.last() > naive.snapshotIndex) {
            long from = random.nextLong(naive.snapshotIndex + 1, naive.last() + 1);
            long to = random.nextLong(from, naive.last() + 1);
            List<Entry> slice = log.slice(from, to, Long.MAX_VALUE);
            assertEquals(to - from + 1, slice.size(), "slice size");
            for (Entry entry : slice) {
                assertEquals(naive.termAt(entry.index()), entry.term(), "slice term");
            }
            assertEquals(1, log.slice(from, to, 1).size(), "a too-small byte budget still yields one entry");
            long index = random.nextLong(naive.snapshotIndex + 1, naive.last() + 1);
            long first = index;
            while (first - 1 > naive.snapshotIndex && naive.termAt(first - 1) == naive.termAt(index)) {
                first--;
            }
            assertEquals(first, log.firstIndexOfTermAt(index), "first index of the term at " + index);
            long wanted = naive.termAt(index);
            long lastOfTerm = 0;
            for (long k = naive.snapshotIndex + 1; k <= naive.last(); k++) {
                lastOfTerm = naive.termAt(k) == wanted ? k : lastOfTerm;
            }
            assertEquals(lastOfTerm, log.lastIndexOfTerm(wanted), "last index of term " + wanted);
        }
        assertEquals(0, log.lastIndexOfTerm(1_000_000), "a term the log does not hold");
    }

    private static Entry entry(long index, long term) {
        return Entry.command(index, term, new byte[] {(byte) index});
    }
}
