package io.raftkv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous-persistence contract (coordination note DURABILITY.md), one rule per test: which
 * Readies are sync, that a follower's acknowledgement leaves only once its entries are durable
 * (held once, released by the report that covers it, discarded when the term changes), that a
 * leader counts itself only up to its durable index, the order of what persisted() causes, which
 * reports are ignored, and restarting from a {@link LogStorage}. Each test drives one node by hand
 * and plays both the peers and the driver.
 */
class DurabilityTest {
    private static final Config THREE = Config.ofSize(3);

    private final List<RaftEvent> events = new ArrayList<>();

    private RaftNode follower() {
        return follower(THREE);
    }

    private RaftNode follower(Config config) {
        RaftNode node = RaftNode.create(config, 2, 42, events::add);
        node.step(append(1, 0, 0, List.of(), 0)); // learn term 1 and leader 1
        handOut(node);
        return node;
    }

    /** An AppendEntries from leader 1 to node 2 in term {@code term}. */
    private static AppendEntriesRequest append(long term, long prevIndex, long prevTerm, List<Entry> entries,
            long commit) {
        return new AppendEntriesRequest(1, 2, term, prevIndex, prevTerm, entries, commit);
    }

    private static AppendEntriesResponse ack(long term, long matchIndex) {
        return new AppendEntriesResponse(2, 1, term, true, matchIndex, 0, 0);
    }

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> entries = new ArrayList<>();
        for (long index = from; index <= to; index++) {
            entries.add(Entry.command(index, term, new byte[] {(byte) index}));
        }
        return entries;
    }

    /** Takes one Ready and advances it (a sync one counts as written); returns it. */
    private static Ready handOut(RaftNode node) {
        Ready ready = node.ready();
        node.advance(ready);
        return ready;
    }

    private List<String> eventNamesSince(int from) {
        return events.subList(from, events.size()).stream().map(RaftEvent::name).toList();
    }

    @Test
    void aFollowerAcknowledgesOnlyWhatIsDurableAndEachReportReleasesWhatItCovers() {
        RaftNode node = follower();
        node.step(append(1, 0, 0, entries(1, 2, 1), 0));
        node.step(append(1, 2, 1, entries(3, 3, 1), 0));
        Ready ready = handOut(node);
        assertFalse(ready.mustSync());
        assertEquals(List.of(), ready.messages(), "both acknowledgements are held");
        node.persisted(2, 1);
        assertEquals(List.of(ack(1, 2)), handOut(node).messages(), "the report covers the first only");
        node.persisted(3, 1);
        assertEquals(List.of(ack(1, 3)), handOut(node).messages());
        assertFalse(node.hasReady());
    }

    @Test
    void anIdenticalAcknowledgementIsHeldOnce() {
        RaftNode node = follower();
        AppendEntriesRequest request = append(1, 0, 0, entries(1, 2, 1), 0);
        node.step(request);
        node.step(request); // duplicated by the network
        handOut(node);
        node.persisted(2, 1);
        assertEquals(List.of(ack(1, 2)), handOut(node).messages());
    }

    @Test
    void anAcknowledgementOfEntriesAlreadyDurableLeavesAtOnce() {
        RaftNode node = follower();
        node.step(append(1, 0, 0, entries(1, 2, 1), 0));
        handOut(node);
        node.persisted(2, 1);
        handOut(node);
        node.step(append(1, 2, 1, List.of(), 2)); // a heartbeat at matchIndex
        Ready ready = handOut(node);
        assertEquals(List.of(ack(1, 2)), ready.messages());
        assertFalse(ready.mustSync(), "a commit index alone is written asynchronously");
        assertEquals(new HardState(1, 0, 2), ready.hardState());
    }

    @Test
    void aTermChangeDiscardsHeldAcknowledgements() {
        RaftNode node = follower(THREE.withCheckQuorum(false)); // no leader stickiness: node 2 may vote
        node.step(append(1, 0, 0, entries(1, 2, 1), 0));
        handOut(node);
        node.step(new RequestVoteRequest(3, 2, 2, false, 2, 1)); // node 3 campaigns in term 2
        Ready vote = node.ready();
        assertTrue(vote.mustSync(), "the vote changes term and votedFor");
        assertEquals(List.of(new RequestVoteResponse(2, 3, 2, false, true)), vote.messages());
        node.persisted(2, 1); // the earlier write completes while the sync one is written: fine
        node.advance(vote);
        assertEquals(2, node.durableIndex());
        assertFalse(node.hasReady(), "the acknowledgement of term 1 was discarded, not released");
    }

    @Test
    void aPreVoteLeavesTheTermAndTheHeldAcknowledgementsAlone() {
        RaftNode node = follower();
        node.step(append(1, 0, 0, entries(1, 2, 1), 0));
        handOut(node);
        node.campaign(); // PreVote: PreCandidate, term unchanged (spec Timeout keeps pendingAcks)
        assertEquals(Role.PRE_CANDIDATE, node.role());
        assertFalse(handOut(node).mustSync(), "pre-vote requests change no durable state");
        node.persisted(2, 1);
        assertEquals(List.of(ack(1, 2)), handOut(node).messages());
    }

    @Test
    void whichReadiesAreSync() {
        RaftNode node = RaftNode.create(THREE, 2, 42, events::add);
        node.step(append(1, 0, 0, entries(1, 3, 1), 0));
        assertTrue(handOut(node).mustSync(), "term 0 -> 1 with new entries");
        node.step(append(1, 3, 1, entries(4, 4, 1), 2));
        assertFalse(handOut(node).mustSync(), "an append and a commit index in a known term");
        node.step(append(2, 2, 1, entries(3, 3, 2), 2));
        Ready overwrite = handOut(node);
        assertTrue(overwrite.mustSync(), "term 2, and index 3 rewritten");
        assertEquals(entries(3, 3, 2), overwrite.entriesToPersist());
        assertEquals(3, node.durableIndex(), "advancing a sync Ready with entries makes them durable");
        node.step(append(2, 3, 2, entries(4, 4, 2), 3));
        Ready again = handOut(node);
        assertTrue(again.mustSync(), "index 4 was written before (then truncated by the overwrite): sync");
        node.step(append(2, 4, 2, entries(5, 5, 2), 3));
        assertFalse(handOut(node).mustSync(), "index 5 was never written: async");
    }

    @Test
    void aSyncReadyMustBeDurableBeforeAnyOtherInput() {
        RaftNode node = follower();
        node.step(append(1, 0, 0, entries(1, 2, 1), 0));
        handOut(node);
        node.step(append(2, 1, 1, entries(2, 2, 2), 0));
        Ready sync = node.ready();
        assertTrue(sync.mustSync());
        assertThrows(IllegalStateException.class, node::tick);
        assertThrows(IllegalStateException.class, node::campaign);
        assertThrows(IllegalStateException.class, () -> node.propose(new byte[] {1}));
        assertThrows(IllegalStateException.class, () -> node.step(append(2, 2, 2, List.of(), 0)));
        int before = events.size();
        node.persisted(2, 1); // a late report of the overwritten entry: ignored
        node.persisted(2, 2); // the sync write itself: recorded at advance instead
        assertEquals(List.of(), eventNamesSince(before));
        node.advance(sync);
        assertEquals(List.of("PersistLog"), eventNamesSince(before));
        assertEquals(List.of(ack(2, 2)), handOut(node).messages());
    }

    @Test
    void reportsThatDoNotNameAHandedOutEntryOfTheLogAreIgnored() {
        RaftNode node = follower();
        node.step(append(1, 0, 0, entries(1, 3, 1), 0));
        int before = events.size();
        node.persisted(3, 1);
        assertEquals(0, node.durableIndex(), "not handed out yet");
        handOut(node);
        node.persisted(3, 7);
        node.persisted(4, 1);
        assertEquals(0, node.durableIndex(), "a wrong term, or beyond the log");
        node.persisted(2, 1);
        node.persisted(2, 1);
        node.persisted(1, 1);
        assertEquals(2, node.durableIndex());
        assertEquals(List.of("PersistLog"), eventNamesSince(before), "one event for one rise");
        assertThrows(IllegalArgumentException.class, () -> node.persisted(-1, 0));
    }

    /** Node 1 as leader of term 1 in a cluster of three, its first Readies handled. */
    private RaftNode leader() {
        RaftNode node = RaftNode.create(THREE, 1, 42, events::add);
        node.campaign();
        node.step(new RequestVoteResponse(2, 1, 1, true, true));
        node.step(new RequestVoteResponse(2, 1, 1, false, true));
        assertEquals(Role.LEADER, node.role());
        handOut(node); // sync (term and vote): the no-op at 1 becomes durable
        while (node.hasReady()) {
            handOut(node);
        }
        node.step(new AppendEntriesResponse(2, 1, 1, true, 1, 0, 0));
        node.step(new AppendEntriesResponse(3, 1, 1, true, 1, 0, 0));
        while (node.hasReady()) {
            handOut(node);
        }
        assertEquals(1, node.commitIndex());
        return node;
    }

    @Test
    void aLeaderCountsItselfOnlyUpToItsDurableIndex() {
        RaftNode node = leader();
        node.propose(new byte[] {9});
        Ready ready = handOut(node);
        assertFalse(ready.mustSync());
        assertEquals(2, ready.messages().size(), "the entry goes to both followers before it is durable here");
        node.step(new AppendEntriesResponse(2, 1, 1, true, 2, 0, 0));
        assertEquals(1, node.commitIndex(), "one follower and a leader whose write is pending: no quorum");
        int before = events.size();
        node.persisted(2, 1);
        assertEquals(List.of("PersistLog", "AdvanceCommitIndex", "SendAppendEntries", "SendAppendEntries"),
                eventNamesSince(before));
        assertEquals(2, node.commitIndex());
    }

    @Test
    void aLeaderCommitsOnItsFollowersBeforeItsOwnWriteAndAppliesOnlyOnceDurable() {
        RaftNode node = leader();
        node.propose(new byte[] {9});
        handOut(node);
        node.step(new AppendEntriesResponse(2, 1, 1, true, 2, 0, 0));
        node.step(new AppendEntriesResponse(3, 1, 1, true, 2, 0, 0));
        assertEquals(2, node.commitIndex(), "two followers hold it durably");
        assertEquals(1, node.durableIndex());
        Ready ready = handOut(node);
        assertEquals(List.of(), ready.committedEntries(), "not applied before it is durable here");
        node.persisted(2, 1);
        assertEquals(2, handOut(node).committedEntries().get(0).index());
    }

    @Test
    void aNodeCreatedOverTheDriversStorageReadsItsDurableEntriesFromThere() {
        MemoryLogStorage disk = new MemoryLogStorage();
        RaftNode node = RaftNode.create(THREE, 2, 7, disk, events::add);
        node.step(append(1, 0, 0, entries(1, 2, 1), 0));
        Ready sync = node.ready();
        assertTrue(sync.mustSync(), "term 0 -> 1");
        disk.write(sync.entriesToPersist()); // a sync Ready is written before it is advanced
        node.advance(sync);
        assertEquals(2, node.durableIndex());
        assertEquals(entries(1, 2, 1), node.entries(1, 2));
        node.step(append(1, 2, 1, entries(3, 3, 1), 0));
        handOut(node); // submitted, but the driver "forgets" to write it
        assertThrows(Assert.InvariantViolation.class, () -> node.persisted(3, 1),
                "a report of entries the storage does not hold is a driver bug, and stops the node");
        MemoryLogStorage used = new MemoryLogStorage();
        used.write(entries(1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> RaftNode.create(THREE, 2, 7, used, events::add),
                "a new node starts from an empty storage");
    }

    @Test
    void restartReadsTheStableLogFromTheStorageAndClipsTheCommitIndex() {
        MemoryLogStorage disk = new MemoryLogStorage();
        disk.write(entries(1, 3, 1));
        RaftNode node = RaftNode.restart(THREE, 2, 7, new HardState(2, 3, 5), disk, events::add);
        assertEquals(new RaftEvent.Restart(2, new NodeState(2, 3, Role.FOLLOWER, 3, 3, 1, 3, 0, 0, Membership.initial(List.of(1, 2, 3)))),
                events.get(events.size() - 1), "commit 5 was written, but only 3 entries survived");
        Ready first = node.ready();
        assertNull(first.hardState(), "the clipped commit index need not be written back");
        assertEquals(entries(1, 3, 1), first.committedEntries(), "rebuilt from the storage");
        node.advance(first);
        node.step(new AppendEntriesRequest(3, 2, 2, 3, 1, entries(4, 4, 2), 4));
        Ready ready = handOut(node);
        disk.write(ready.entriesToPersist()); // the driver writes its storage, then reports
        node.persisted(4, 2);
        assertEquals(4, node.durableIndex());
        assertEquals(entries(1, 4, 2).get(3), node.entry(4));
        assertEquals(entries(1, 3, 1), node.entries(1, 3), "read through the storage");
    }
}
