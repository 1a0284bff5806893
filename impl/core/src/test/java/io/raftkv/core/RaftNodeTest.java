package io.raftkv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * Unit tests of the node's contracts that scenario files show only indirectly: configuration
 * validation, determinism by seed, the Ready contract (what may leave before persisting, what only
 * after), return values instead of exceptions for expected outcomes, the post-state carried by
 * events, and the always-on assertions firing on an impossible input.
 */
class RaftNodeTest {
    private static final Config THREE = Config.ofSize(3);

    private static RaftNode follower(int id, List<RaftEvent> events) {
        return RaftNode.create(THREE, id, 42, events::add);
    }

    @Test
    void invalidConfigurationsAreRejectedWithClearMessages() {
        assertMessage(() -> Config.defaults(List.of()), "at least one node");
        assertMessage(() -> Config.defaults(List.of(2, 1)), "strictly ascending");
        assertMessage(() -> Config.defaults(List.of(0, 1)), ">= 1");
        assertMessage(() -> THREE.withElectionTimeoutTicks(10, 10), "must exceed electionTimeoutTicksMin");
        assertMessage(() -> THREE.withHeartbeatIntervalTicks(10), "heartbeatIntervalTicks must be in [1, electionTimeoutTicksMin=10)");
        assertMessage(() -> THREE.withMaxInflightMessages(0), "maxInflightMessages must be >= 1");
        assertMessage(() -> THREE.withMaxMessageBytes(0), "maxMessageBytes must be >= 1");
        assertMessage(() -> RaftNode.create(THREE, 0, 1, RaftObserver.NONE), "node ids are >= 1");
        assertMessage(() -> THREE.withPromoteLagEntries(-1), "promoteLagEntries must be >= 0");
        assertMessage(() -> new DurableState(new HardState(1, 0, 3), 0, 0, List.of(Entry.noop(1, 1))),
                "beyond the last stored index");
        assertMessage(() -> new DurableState(new HardState(1, 0, 0), 0, 0, List.of(Entry.noop(2, 1))),
                "contiguous");
    }

    private static void assertMessage(Runnable action, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(error.getMessage().contains(expected), "message '" + error.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void theElectionTimeoutIsDrawnFromTheSeedOnly() {
        List<Integer> timeouts = new ArrayList<>();
        for (long seed = 1; seed <= 20; seed++) {
            int first = ticksUntilTimeout(seed);
            assertEquals(first, ticksUntilTimeout(seed), "same seed, same timeout");
            assertTrue(first >= THREE.electionTimeoutTicksMin() && first < THREE.electionTimeoutTicksMax(),
                    "timeout " + first + " outside [min, max)");
            timeouts.add(first);
        }
        assertTrue(timeouts.stream().distinct().count() > 3, "timeouts should vary with the seed: " + timeouts);
    }

    private static int ticksUntilTimeout(long seed) {
        RaftNode node = RaftNode.create(THREE, 1, seed, RaftObserver.NONE);
        int ticks = 0;
        while (node.role() == Role.FOLLOWER) {
            node.tick();
            ticks++;
        }
        assertEquals(Role.PRE_CANDIDATE, node.role());
        return ticks;
    }

    @Test
    void aVoteGrantLeavesOnlyAfterTheVoteIsPersisted() {
        List<RaftEvent> events = new ArrayList<>();
        RaftNode node = follower(2, events);
        node.step(new RequestVoteRequest(1, 2, 1, false, 0, 0));
        Ready ready = node.ready();
        assertEquals(new HardState(1, 1, 0), ready.hardState(), "the vote is in this batch's hard state");
        assertTrue(ready.mustSync(), "a changed vote makes the batch sync: the grant leaves once it is durable");
        assertEquals(List.of(new RequestVoteResponse(2, 1, 1, false, true)), ready.messages());
        node.advance(ready);
        assertFalse(node.hasReady());
        RaftEvent.HandleRequestVoteRequest event = assertInstanceOf(RaftEvent.HandleRequestVoteRequest.class,
                events.get(events.size() - 1));
        assertEquals(new NodeState(1, 1, Role.FOLLOWER, 0, 0, 0, 0, 0, 0, Membership.initial(List.of(1, 2, 3))), event.state(), "events carry the post-state");
    }

    @Test
    void anAppendAcknowledgementLeavesAfterTheEntriesArePersisted() {
        List<RaftEvent> events = new ArrayList<>();
        RaftNode node = follower(2, events);
        node.step(new AppendEntriesRequest(1, 2, 1, 0, 0, List.of(), 0)); // learn term 1 (a sync batch)
        node.advance(node.ready());
        List<Entry> entries = List.of(Entry.noop(1, 1), Entry.command(2, 1, new byte[] {7}));
        node.step(new AppendEntriesRequest(1, 2, 1, 0, 0, entries, 1));
        Ready ready = node.ready();
        assertEquals(entries, ready.entriesToPersist());
        assertFalse(ready.mustSync(), "new entries in a known term: async");
        assertEquals(List.of(), ready.messages(), "the acknowledgement is held");
        assertEquals(List.of(), ready.committedEntries(), "entry 1 is committed but not yet durable here");
        node.advance(ready);
        assertFalse(node.hasReady());
        node.persisted(2, 1);
        assertEquals(new NodeState(1, 0, Role.FOLLOWER, 1, 2, 1, 2, 0, 0, Membership.initial(List.of(1, 2, 3))), events.get(events.size() - 1).state());
        assertEquals("PersistLog", events.get(events.size() - 1).name());
        Ready after = node.ready();
        assertEquals(List.of(new AppendEntriesResponse(2, 1, 1, true, 2, 0, 0)), after.messages());
        assertEquals(List.of(Entry.noop(1, 1)), after.committedEntries());
        node.advance(after);
        assertEquals(1, node.appliedIndex());
    }

    @Test
    void theReadyContractIsEnforced() {
        RaftNode node = follower(2, new ArrayList<>());
        node.step(new RequestVoteRequest(1, 2, 1, false, 0, 0));
        Ready ready = node.ready();
        assertThrows(IllegalStateException.class, node::ready, "a second Ready before advance");
        assertFalse(node.hasReady(), "no Ready while one is outstanding");
        assertThrows(IllegalStateException.class, node::tick, "no input while a sync Ready is outstanding");
        Ready other = new Ready(null, List.of(), false, List.of(), List.of());
        assertThrows(IllegalArgumentException.class, () -> node.advance(other));
        node.advance(ready);
        assertThrows(IllegalArgumentException.class, () -> node.advance(ready), "advancing twice");
    }

    @Test
    void proposalsOnANonLeaderAreReturnValues() {
        RaftNode node = follower(2, new ArrayList<>());
        assertEquals(new ProposeResult.NotLeader(0), node.propose(new byte[] {1}));
        node.step(new AppendEntriesRequest(3, 2, 1, 0, 0, List.of(Entry.noop(1, 1)), 0));
        assertEquals(new ProposeResult.NotLeader(3), node.propose(new byte[] {1}), "the leader hint");
        assertThrows(IllegalArgumentException.class, () -> node.propose(null));
    }

    @Test
    void commandsProposedTogetherReachEachFollowerInOneMessage() {
        ScenarioCluster cluster = new ScenarioCluster(THREE, 5, new StringBuilder());
        cluster.printEvents = false;
        cluster.onNode(1, RaftNode::campaign);
        cluster.stabilize();
        assertEquals(Role.LEADER, cluster.node(1).role());
        long last = cluster.node(1).lastIndex();
        List<byte[]> commands = List.of(new byte[] {1}, new byte[] {2}, new byte[] {3});
        List<ProposeResult> results = new ArrayList<>();
        cluster.onNode(1, node -> results.addAll(node.proposeAll(commands)));
        assertEquals(List.of(new ProposeResult.Accepted(last + 1, 1), new ProposeResult.Accepted(last + 2, 1),
                new ProposeResult.Accepted(last + 3, 1)), results);
        for (int follower : List.of(2, 3)) {
            List<AppendEntriesRequest> sent = cluster.inFlight.stream()
                    .filter(m -> m instanceof AppendEntriesRequest r && r.to() == follower)
                    .map(m -> (AppendEntriesRequest) m).toList();
            assertEquals(1, sent.size(), "one AppendEntries to " + follower + ": " + sent);
            assertEquals(List.of(1, 2, 3), sent.get(0).entries().stream().map(e -> (int) e.data()[0]).toList());
        }
        cluster.stabilize();
        assertEquals(last + 3, cluster.node(1).commitIndex());
        assertThrows(IllegalArgumentException.class, () -> cluster.node(1).proposeAll(List.of()));
    }

    @Test
    void afterARefusalTheRestOfTheBatchIsRefused() {
        ScenarioCluster cluster = new ScenarioCluster(THREE.withMaxUncommittedBytes(100), 5, new StringBuilder());
        cluster.printEvents = false;
        cluster.onNode(1, RaftNode::campaign);
        cluster.stabilize();
        long last = cluster.node(1).lastIndex();
        List<ProposeResult> results = new ArrayList<>();
        // The first fits whatever its size; the second would pass the limit; the third alone would fit.
        cluster.onNode(1, node -> results.addAll(node.proposeAll(List.of(new byte[60], new byte[60], new byte[1]))));
        assertEquals(new ProposeResult.Accepted(last + 1, 1), results.get(0));
        assertInstanceOf(ProposeResult.Dropped.class, results.get(1));
        assertEquals(results.get(1), results.get(2), "a later command must not overtake a refused one");
        assertEquals(last + 1, cluster.node(1).lastIndex());
        RaftNode follower = cluster.node(2);
        assertEquals(List.of(new ProposeResult.NotLeader(1), new ProposeResult.NotLeader(1)),
                follower.proposeAll(List.of(new byte[] {1}, new byte[] {2})));
    }

    @Test
    void aStaleAppendNeverLowersTheCommitIndexNorRemovesEntries() {
        RaftNode node = follower(2, new ArrayList<>());
        List<Entry> entries = List.of(Entry.noop(1, 1), Entry.command(2, 1, new byte[] {1}),
                Entry.command(3, 1, new byte[] {2}));
        node.step(new AppendEntriesRequest(1, 2, 1, 0, 0, entries, 3));
        assertEquals(3, node.commitIndex());
        node.step(new AppendEntriesRequest(1, 2, 1, 0, 0, entries.subList(0, 1), 1));
        assertEquals(3, node.commitIndex());
        assertEquals(3, node.lastIndex());
    }

    @Test
    void restartKeepsTheDurableStateAndReportsIt() {
        List<RaftEvent> events = new ArrayList<>();
        DurableState durable = new DurableState(new HardState(5, 3, 1), 0, 0,
                List.of(Entry.noop(1, 2), Entry.command(2, 5, new byte[] {9})));
        RaftNode node = RaftNode.restart(THREE, 1, 7, durable, events::add);
        assertEquals(List.of(new RaftEvent.Restart(1, new NodeState(5, 3, Role.FOLLOWER, 1, 2, 5, 2, 0, 0, Membership.initial(List.of(1, 2, 3))))), events);
        assertEquals(durable.entries(), node.entries(1, 2));
        Ready ready = node.ready();
        assertNull(ready.hardState(), "nothing new to persist");
        assertEquals(List.of(Entry.noop(1, 2)), ready.committedEntries(), "committed entries are applied again");
    }

    @Test
    void committedEntriesAreHandedOutInBoundedBatches() {
        List<Entry> entries = new ArrayList<>();
        for (long index = 1; index <= 5; index++) {
            entries.add(Entry.command(index, 1, new byte[10]));
        }
        DurableState durable = new DurableState(new HardState(1, 0, 5), 0, 0, entries);
        long twoEntries = 2 * entries.get(0).sizeBytes();
        RaftNode node = RaftNode.restart(THREE.withMaxCommittedBytesPerReady(twoEntries), 1, 1, durable,
                RaftObserver.NONE);
        List<Integer> batchSizes = new ArrayList<>();
        List<Entry> applied = new ArrayList<>();
        while (node.hasReady()) {
            Ready ready = node.ready();
            batchSizes.add(ready.committedEntries().size());
            applied.addAll(ready.committedEntries());
            node.advance(ready);
        }
        assertEquals(List.of(2, 2, 1), batchSizes);
        assertEquals(entries, applied);
        assertEquals(5, node.appliedIndex());
    }

    @Test
    void theAssertionsStopANodeFacingTwoLeadersInOneTerm() {
        Config single = Config.defaults(List.of(1, 2, 3));
        RaftNode node = RaftNode.create(single, 1, 3, RaftObserver.NONE);
        node.campaign();
        node.step(new RequestVoteResponse(2, 1, 1, true, true));
        node.step(new RequestVoteResponse(2, 1, 1, false, true));
        assertEquals(Role.LEADER, node.role());
        AppendEntriesRequest impossible = new AppendEntriesRequest(3, 1, 1, 0, 0, List.of(), 0);
        Assert.InvariantViolation error = assertThrows(Assert.InvariantViolation.class, () -> node.step(impossible));
        assertTrue(error.getMessage().contains("two leaders in term 1"), error.getMessage());
    }

    @Test
    void aMessageForAnotherNodeIsACallerBug() {
        RaftNode node = follower(2, new ArrayList<>());
        assertThrows(IllegalArgumentException.class, () -> node.step(new RequestVoteRequest(1, 3, 1, false, 0, 0)));
    }

    @Test
    void differentSeedsGiveDifferentButReproducibleHistories() {
        assertEquals(history(11), history(11));
        assertNotEquals(history(11), history(12));
    }

    /** The events of a 3-node cluster, all messages delivered in order, for 60 rounds of ticks. */
    private static List<String> history(long seed) {
        List<String> events = new ArrayList<>();
        StringBuilder ignored = new StringBuilder();
        ScenarioCluster cluster = new ScenarioCluster(THREE, seed, ignored);
        cluster.printEvents = true;
        for (int round = 0; round < 60; round++) {
            for (int id : cluster.ids()) {
                cluster.onNode(id, RaftNode::tick);
            }
            cluster.deliver(message -> true);
        }
        ignored.toString().lines().forEach(events::add);
        assertTrue(events.stream().anyMatch(line -> line.contains("BecomeLeader")), "someone should lead");
        return events;
    }
}
