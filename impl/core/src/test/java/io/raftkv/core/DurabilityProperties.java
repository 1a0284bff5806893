package io.raftkv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * A follower under asynchronous persistence never vouches for what is not on its disk. One node
 * is driven by a random but well-formed history: leaders of rising terms, each starting from an
 * earlier leader's log (so entries come back after being overwritten, paper Figure 8) and
 * appending, vote requests, and the network's stale, duplicated and reordered AppendEntries. A
 * driver writes its Readies to a disk: sync ones at once after every pending write, async ones
 * later, in order, with reports delivered late, in any order, more than once.
 *
 * <p>Checked after every Ready: every acknowledgement leaving is of the current term and of entries
 * that are on the disk exactly as in the log; every entry up to the durable index is on the disk.
 * At the end, once every write has completed and been reported: the whole log is durable, and
 * every acknowledgement the node computed in its current term has left (none is stuck).
 */
class DurabilityProperties {
    private static final Config CONFIG = Config.ofSize(3).withCheckQuorum(false);

    /** The leaders so far: the log (terms of entries 1..n) each term's leader holds. */
    private static final class Leaders {
        final List<List<Long>> logs = new ArrayList<>(List.of(List.of())); // term 0: empty
        long committed;
        final List<Message> sent = new ArrayList<>();

        long term() {
            return logs.size() - 1;
        }

        List<Long> log() {
            return logs.get(logs.size() - 1);
        }

        /** A leader of the next term: an earlier leader's log that holds the committed prefix, cut, plus a no-op. */
        void elect(SplittableRandom random) {
            List<Long> committedPrefix = log().subList(0, (int) committed);
            List<Long> base;
            do {
                base = logs.get(random.nextInt(logs.size()));
            } while (base.size() < committed || !base.subList(0, (int) committed).equals(committedPrefix));
            List<Long> next = new ArrayList<>(base.subList(0, random.nextInt((int) committed, base.size() + 1)));
            next.add((long) logs.size());
            logs.add(next);
        }

        void appendEntries(SplittableRandom random) {
            for (int k = random.nextInt(1, 4); k > 0; k--) {
                logs.get(logs.size() - 1).add(term());
            }
            committed = random.nextLong(committed, log().size() + 1);
        }

        int leaderId() {
            return term() % 2 == 1 ? 1 : 3;
        }

        AppendEntriesRequest request(SplittableRandom random, long followerLast) {
            List<Long> log = log();
            long prev = random.nextBoolean() ? Math.min(followerLast, log.size()) : random.nextLong(0, log.size() + 1);
            int count = (int) Math.min(random.nextInt(0, 4), log.size() - prev);
            List<Entry> entries = new ArrayList<>();
            for (long index = prev + 1; index <= prev + count; index++) {
                entries.add(entry(index, log.get((int) index - 1)));
            }
            long prevTerm = prev == 0 ? 0 : log.get((int) prev - 1);
            return new AppendEntriesRequest(leaderId(), 2, term(), prev, prevTerm, entries,
                    Math.min(committed, prev + count));
        }
    }

    /** The node's disk and the writes and reports in flight. */
    private static final class Driver {
        final MemoryLogStorage disk = new MemoryLogStorage();
        final ArrayDeque<List<Entry>> pending = new ArrayDeque<>();
        final List<Entry> reports = new ArrayList<>();
        final TreeSet<String> acksSent = new TreeSet<>();

        void completeOldest() {
            List<Entry> write = pending.removeFirst();
            disk.write(write);
            reports.add(write.get(write.size() - 1));
        }
    }

    private static Entry entry(long index, long term) {
        return Entry.command(index, term, new byte[] {(byte) index, (byte) term});
    }

    @Property(tries = 200)
    void aFollowerAcknowledgesOnlyWhatItsDiskHolds(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TreeSet<String> acksComputed = new TreeSet<>();
        RaftNode node = RaftNode.create(CONFIG, 2, seed, event -> {
            if (event instanceof RaftEvent.HandleAppendEntriesRequest handled && handled.reply().success()) {
                acksComputed.add(handled.reply().term() + "/" + handled.reply().matchIndex());
            }
        });
        Leaders leaders = new Leaders();
        Driver driver = new Driver();
        for (int step = 0; step < 200; step++) {
            input(random, node, leaders, driver);
            drain(random, node, driver);
        }
        while (!driver.pending.isEmpty()) {
            driver.completeOldest();
        }
        node.persisted(node.lastIndex(), node.lastTerm());
        drain(random, node, driver);
        assertEquals(node.lastIndex(), node.durableIndex(), "every write completed and was reported");
        for (String computed : acksComputed) {
            if (computed.startsWith(node.currentTerm() + "/")) {
                assertTrue(driver.acksSent.contains(computed), "acknowledgement " + computed + " never left");
            }
        }
    }

    private static void input(SplittableRandom random, RaftNode node, Leaders leaders, Driver driver) {
        switch (random.nextInt(8)) {
            case 0 -> {
                leaders.elect(random);
                List<Long> log = leaders.log();
                node.step(new RequestVoteRequest(leaders.leaderId(), 2, leaders.term(), false, log.size(),
                        log.get(log.size() - 1)));
            }
            case 1 -> {
                if (leaders.term() > 0) {
                    leaders.appendEntries(random);
                }
            }
            case 2, 3 -> {
                if (leaders.term() > 0) {
                    AppendEntriesRequest request = leaders.request(random, node.lastIndex());
                    leaders.sent.add(request);
                    node.step(request);
                }
            }
            case 4 -> { // the network delivers an old copy: stale, duplicated or reordered
                if (!leaders.sent.isEmpty()) {
                    node.step(leaders.sent.get(random.nextInt(leaders.sent.size())));
                }
            }
            case 5 -> {
                if (!driver.pending.isEmpty()) {
                    driver.completeOldest();
                }
            }
            default -> {
                if (!driver.reports.isEmpty()) {
                    Entry reported = driver.reports.get(random.nextInt(driver.reports.size()));
                    node.persisted(reported.index(), reported.term());
                }
            }
        }
    }

    /** Handles every Ready: sync ones are written at once after all pending writes, async ones queued. */
    private static void drain(SplittableRandom random, RaftNode node, Driver driver) {
        while (node.hasReady()) {
            Ready ready = node.ready();
            checkAcknowledgements(node, driver, ready);
            List<Entry> entries = ready.entriesToPersist();
            if (ready.mustSync()) {
                while (!driver.pending.isEmpty()) {
                    driver.completeOldest();
                }
                driver.disk.write(entries);
            } else if (!entries.isEmpty()) {
                driver.pending.addLast(entries);
            }
            node.advance(ready);
            checkDurableOnDisk(node, driver);
        }
    }

    private static void checkAcknowledgements(RaftNode node, Driver driver, Ready ready) {
        for (Message message : ready.messages()) {
            if (message instanceof AppendEntriesResponse ack && ack.success()) {
                assertEquals(node.currentTerm(), ack.term(), "an acknowledgement of another term leaves: " + ack);
                assertTrue(ack.matchIndex() <= node.durableIndex(), "acknowledges beyond the durable index: " + ack);
                for (long index = 1; index <= ack.matchIndex(); index++) {
                    assertEquals(node.entry(index), driver.disk.entries(index, index, Long.MAX_VALUE).get(0),
                            ack + " vouches for entry " + index + ", which the disk does not hold");
                }
                driver.acksSent.add(ack.term() + "/" + ack.matchIndex());
            }
        }
    }

    private static void checkDurableOnDisk(RaftNode node, Driver driver) {
        assertTrue(driver.disk.lastIndex() >= node.durableIndex(), "durable beyond the disk");
        for (long index = 1; index <= node.durableIndex(); index++) {
            assertEquals(node.entry(index), driver.disk.entries(index, index, Long.MAX_VALUE).get(0),
                    "durable entry " + index + " is not on the disk");
        }
    }
}
