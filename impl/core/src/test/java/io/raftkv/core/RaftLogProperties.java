package io.raftkv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Differential test of {@link RaftLog} against a naive log (a list of terms after a snapshot index
 * and three plain numbers for the marks), driven the way a node and an asynchronous driver drive
 * it: leader appends, merges of leader entries at random positions (matching, conflicting, stale,
 * duplicated), hand-outs of the unsubmitted entries (sync when they overwrite, as the Ready
 * contract says, and then completed at once after every pending write), pending writes completing
 * in order on a disk, and their reports delivered late, in any order, more than once, or with a
 * wrong term. The snapshot index is often above 0, and the log either keeps its durable entries
 * itself or reads them from the driver's disk.
 *
 * <p>After every operation every query (lastIndex, lastTerm, term at each index, matches, slices
 * with byte budgets, first/last index of a term, the three marks, the entries to hand out and
 * whether they overwrite) must agree with the naive log, and the safety property must hold: every
 * entry up to the durable index is on the disk, exactly as in the log.
 */
class RaftLogProperties {

    /** The naive model: terms of entries snapshotIndex+1.., and the marks as plain numbers. */
    private static final class NaiveLog {
        final long snapshotIndex;
        final long snapshotTerm;
        final List<Long> terms = new ArrayList<>();
        long durable;
        long submitted;
        long written;
        /** Every term handed to a new leader is above all used so far, so Log Matching holds over time. */
        long newestTerm;
        /** Earlier versions of this log (terms after the snapshot), which a later leader may hold again. */
        final List<List<Long>> history = new ArrayList<>();

        NaiveLog(long snapshotIndex, long snapshotTerm) {
            this.snapshotIndex = snapshotIndex;
            this.snapshotTerm = snapshotTerm;
            this.durable = snapshotIndex;
            this.submitted = snapshotIndex;
            this.written = snapshotIndex;
            this.newestTerm = Math.max(1, snapshotTerm);
        }

        long freshTerm() {
            return ++newestTerm;
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

        void remember() {
            history.add(List.copyOf(terms));
            if (history.size() > 30) {
                history.remove(0);
            }
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
                    durable = Math.min(durable, index - 1);
                    submitted = Math.min(submitted, index - 1);
                }
                if (index == last() + 1) {
                    terms.add(entry.term());
                }
            }
        }

        /** A report counts only for an entry handed out and still the log's. */
        void persisted(long index, long term) {
            if (index > durable && index <= submitted && termAt(index) == term) {
                durable = index;
            }
        }
    }

    /** The driver's side: a disk, the writes submitted to it, and reports of completed writes. */
    private static final class Driver {
        final MemoryLogStorage disk;
        final ArrayDeque<List<Entry>> pending = new ArrayDeque<>();
        final List<Entry> reports = new ArrayList<>();

        Driver(long snapshotIndex, long snapshotTerm) {
            disk = new MemoryLogStorage(snapshotIndex, snapshotTerm);
        }

        /** The oldest pending write completes; its report is queued for later delivery. */
        void completeOldest() {
            List<Entry> write = pending.removeFirst();
            disk.write(write);
            reports.add(write.get(write.size() - 1));
        }
    }

    @Property(tries = 400)
    void raftLogAgreesWithANaiveLog(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long snapshotIndex = random.nextBoolean() ? 0 : random.nextLong(1, 20);
        long snapshotTerm = snapshotIndex == 0 ? 0 : random.nextLong(1, 3);
        Driver driver = new Driver(snapshotIndex, snapshotTerm);
        RaftLog log = random.nextBoolean()
                ? new RaftLog(driver.disk)
                : RaftLog.withOwnStorage(new MemoryLogStorage(snapshotIndex, snapshotTerm));
        NaiveLog naive = new NaiveLog(snapshotIndex, snapshotTerm);
        for (int step = 0; step < 150; step++) {
            switch (random.nextInt(7)) {
                case 0 -> {
                    long term = random.nextInt(4) == 0 ? naive.freshTerm() : Math.max(1, naive.termAt(naive.last()));
                    log.append(entry(naive.last() + 1, term));
                    naive.terms.add(term);
                }
                case 1 -> {
                    naive.remember();
                    List<Entry> incoming = random.nextInt(3) == 0
                            ? entriesOfAnEarlierLog(random, naive)
                            : leaderEntries(random, naive);
                    log.mergeFromLeader(incoming);
                    naive.merge(incoming);
                }
                case 2 -> handOut(random, log, naive, driver);
                case 3 -> {
                    if (!driver.pending.isEmpty()) {
                        driver.completeOldest();
                    }
                }
                case 4 -> {
                    if (!driver.reports.isEmpty()) { // a completed write's report, late and in any order
                        Entry reported = driver.reports.get(random.nextInt(driver.reports.size()));
                        log.persistedTo(reported.index(), reported.term());
                        naive.persisted(reported.index(), reported.term());
                    }
                }
                case 5 -> { // a report about an entry the log does not hold (wrong term, or beyond its end)
                    long index = random.nextLong(snapshotIndex, naive.last() + 3);
                    long term = index > naive.last() ? random.nextLong(1, 5) : 99;
                    log.persistedTo(index, term);
                    naive.persisted(index, term);
                }
                default -> { } // queries only, below
            }
            compareQueries(random, log, naive);
            checkDurableOnDisk(log, naive, driver);
        }
    }

    /**
     * A Ready's entries: the unsubmitted tail. An overwrite is sync (and so, at random, is any other
     * batch, as a term change makes it): it is written after every pending write and completes at
     * once, which makes everything handed out durable.
     */
    private static void handOut(SplittableRandom random, RaftLog log, NaiveLog naive, Driver driver) {
        List<Entry> batch = log.unsubmittedEntries();
        boolean overwrite = !batch.isEmpty() && batch.get(0).index() <= naive.written;
        assertEquals(naive.last() - naive.submitted, batch.size(), "entries to hand out");
        assertEquals(overwrite, log.unsubmittedOverwrite(), "overwrite");
        for (Entry entry : batch) {
            assertEquals(naive.termAt(entry.index()), entry.term(), "handed-out term");
        }
        log.markSubmitted();
        if (batch.isEmpty()) {
            return;
        }
        naive.submitted = naive.last();
        naive.written = Math.max(naive.written, naive.last());
        driver.pending.addLast(batch);
        if (overwrite || random.nextInt(4) == 0) {
            while (!driver.pending.isEmpty()) {
                driver.completeOldest();
            }
            log.submittedDurable();
            naive.durable = naive.submitted;
        }
    }

    /** The safety property: what the log calls durable is on the disk, as the log has it. */
    private static void checkDurableOnDisk(RaftLog log, NaiveLog naive, Driver driver) {
        for (long index = naive.snapshotIndex + 1; index <= log.durableIndex(); index++) {
            assertEquals(naive.termAt(index), driver.disk.term(index), "disk term at durable index " + index);
        }
    }

    /**
     * Entries a leader could send after some prevLogIndex this log might agree with: mostly entries
     * the log already holds (a stale or duplicated request), then, from some point on, entries of a
     * newer leader. As in a real cluster, an index and term never name two different entries (Log
     * Matching, paper §5.3), which the durability reports rely on.
     */
    private static List<Entry> leaderEntries(SplittableRandom random, NaiveLog naive) {
        long prev = random.nextLong(Math.max(0, naive.snapshotIndex - 2), naive.last() + 1);
        List<Entry> incoming = new ArrayList<>();
        int count = random.nextInt(5);
        long newTerm = 0;
        for (long index = prev + 1; index <= prev + count; index++) {
            long existing = naive.termAt(index);
            if (newTerm == 0 && existing > 0 && random.nextInt(3) > 0) {
                incoming.add(entry(index, existing));
                continue;
            }
            if (newTerm == 0) {
                newTerm = index - 1 >= naive.snapshotIndex && random.nextBoolean() && index > naive.last()
                        ? Math.max(1, naive.termAt(index - 1))
                        : naive.freshTerm();
            }
            incoming.add(entry(index, newTerm));
        }
        return incoming;
    }

    /**
     * Entries of an earlier version of this log, after an index where it agrees with the current one:
     * a leader holding entries this node once had and lost again (paper Figure 8, where (2, 2) is
     * overwritten by (2, 3) and then comes back). A late report about the first time they were
     * written must not count for the second time.
     */
    private static List<Entry> entriesOfAnEarlierLog(SplittableRandom random, NaiveLog naive) {
        if (naive.history.isEmpty()) {
            return List.of();
        }
        List<Long> earlier = naive.history.get(random.nextInt(naive.history.size()));
        long earlierLast = naive.snapshotIndex + earlier.size();
        long prev = random.nextLong(naive.snapshotIndex, Math.min(naive.last(), earlierLast) + 1);
        while (prev > naive.snapshotIndex && naive.termAt(prev) != termIn(earlier, naive, prev)) {
            prev--;
        }
        List<Entry> incoming = new ArrayList<>();
        for (long index = prev + 1; index <= Math.min(earlierLast, prev + 4); index++) {
            incoming.add(entry(index, termIn(earlier, naive, index)));
        }
        return incoming;
    }

    private static long termIn(List<Long> earlier, NaiveLog naive, long index) {
        return earlier.get((int) (index - naive.snapshotIndex - 1));
    }

    private static void compareQueries(SplittableRandom random, RaftLog log, NaiveLog naive) {
        assertEquals(naive.last(), log.lastIndex(), "lastIndex");
        assertEquals(naive.snapshotIndex + 1, log.firstIndex(), "firstIndex");
        assertEquals(naive.termAt(naive.last()), log.lastTerm(), "lastTerm");
        assertEquals(naive.durable, log.durableIndex(), "durableIndex");
        assertEquals(naive.submitted, log.submittedIndex(), "submittedIndex");
        assertEquals(naive.written, log.writtenIndex(), "writtenIndex");
        assertEquals(naive.submitted < naive.last(), log.hasUnsubmitted(), "hasUnsubmitted");
        log.checkInvariants();
        for (long index = 0; index <= naive.last() + 2; index++) {
            assertEquals(naive.termAt(index), log.termOrUnknown(index), "term at " + index);
            long term = naive.termAt(index);
            boolean naiveMatch = index < naive.snapshotIndex || (index <= naive.last() && term != RaftLog.UNKNOWN_TERM);
            assertEquals(naiveMatch, log.matches(index, term), "matches " + index);
        }
        if (naive.last() > naive.snapshotIndex) {
            compareSlices(random, log, naive);
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

    /** Slices across the stable/unstable boundary, with byte budgets (every entry here costs the same). */
    private static void compareSlices(SplittableRandom random, RaftLog log, NaiveLog naive) {
        long from = random.nextLong(naive.snapshotIndex + 1, naive.last() + 1);
        long to = random.nextLong(from, naive.last() + 1);
        List<Entry> slice = log.slice(from, to, Long.MAX_VALUE);
        assertEquals(to - from + 1, slice.size(), "slice size");
        for (int k = 0; k < slice.size(); k++) {
            assertEquals(from + k, slice.get(k).index(), "slice index");
            assertEquals(naive.termAt(from + k), slice.get(k).term(), "slice term");
        }
        long size = entry(1, 1).sizeBytes();
        long budget = random.nextLong(0, size * (to - from + 2));
        long expected = Math.max(1, Math.min(to - from + 1, budget / size));
        assertEquals(expected, log.slice(from, to, budget).size(), "entries within " + budget + " bytes");
    }

    private static Entry entry(long index, long term) {
        return Entry.command(index, term, new byte[] {(byte) index});
    }
}
