package io.raftkv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Assert;
import io.raftkv.core.Config;
import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Message;
import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import io.raftkv.core.ProposeResult;
import io.raftkv.core.RaftNode;
import io.raftkv.core.RaftObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The node loop carries out the Ready contract (DURABILITY.md): what may leave a node before its
 * write is durable, and what may not. Method: a three-node cluster of real cores and real NodeLoops
 * over stores that hold every async write until the test completes it, and a network the test
 * delivers by hand; every write, completion and send goes to one journal in the order it happened,
 * and the tests read the order off it. Everything is single-threaded and deterministic.
 */
class NodeLoopTest {

    @Test
    void followerAcknowledgesEntriesOnlyAfterItsWriteCompletes() {
        LoopCluster cluster = new LoopCluster(3);
        cluster.elect(1);
        long index = accepted(cluster.loop(1).propose(bytes("x")));
        cluster.deliver(message -> message.to() == 2 && message instanceof AppendEntriesRequest);

        assertFalse(cluster.store(2).held().isEmpty(), "the follower's write of the entry is held");
        assertFalse(cluster.inFlight.stream().anyMatch(acknowledges(2, index)),
                "no acknowledgement of " + index + " before the write completed: " + cluster.inFlight);

        cluster.complete(2);
        assertTrue(cluster.inFlight.stream().anyMatch(acknowledges(2, index)),
                "the acknowledgement leaves once the write is durable: " + cluster.inFlight);
        int durable = cluster.journal.indexOf("node 2 durable through " + cluster.store(2).lastSequence());
        int ack = firstIndexOf(cluster.journal, line -> line.startsWith("send AppendEntriesResponse[from=2")
                && line.contains("success=true, matchIndex=" + index));
        assertTrue(durable >= 0 && durable < ack, "durable at " + durable + ", acknowledged at " + ack);
    }

    @Test
    void voteAndVoteRequestLeaveOnlyAfterWriteSync() {
        LoopCluster cluster = new LoopCluster(3);
        cluster.elect(1);

        int candidateWrite = firstIndexOf(cluster.journal, line -> line.startsWith("node 1 writeSync")
                && line.contains("currentTerm=1, votedFor=1"));
        int request = firstIndexOf(cluster.journal, line -> line.startsWith("send RequestVoteRequest[from=1")
                && line.contains("prevote=false"));
        assertTrue(candidateWrite >= 0 && candidateWrite < request,
                "the candidate's term and vote are durable before it asks: " + cluster.journal);
        for (int voter : List.of(2, 3)) {
            int voteWrite = firstIndexOf(cluster.journal, line -> line.startsWith("node " + voter + " writeSync")
                    && line.contains("votedFor=1"));
            int grant = firstIndexOf(cluster.journal, line -> line.startsWith("send RequestVoteResponse[from=" + voter)
                    && line.contains("prevote=false, voteGranted=true"));
            assertTrue(voteWrite >= 0 && voteWrite < grant,
                    "node " + voter + " grants only after its vote is durable: " + cluster.journal);
        }
    }

    /** Thesis §10.2.1: the leader's own write runs in parallel; a majority of followers suffices. */
    @Test
    void leaderCommitsOnFollowersAcknowledgementsBeforeItsOwnWriteCompletes() {
        LoopCluster cluster = new LoopCluster(3);
        cluster.elect(1);
        long index = accepted(cluster.loop(1).propose(bytes("x")));
        cluster.deliver(message -> message instanceof AppendEntriesRequest);
        cluster.complete(2);
        cluster.complete(3);
        cluster.deliver(message -> message.to() == 1);

        NodeLoop leader = cluster.loop(1);
        assertFalse(cluster.store(1).held().isEmpty(), "the leader's own write is still held");
        assertTrue(leader.durableSequence() < leader.submittedSequence());
        assertEquals(index, leader.raft().commitIndex());
        // Applying waits for the local write: a state machine is never ahead of its own log.
        assertTrue(leader.appliedIndex() < index, "applied " + leader.appliedIndex() + " before durable");

        cluster.complete(1);
        assertEquals("x", text(last(cluster.applied.get(1))), "the leader applies once its write completes");
        cluster.settle();
        for (int id : List.of(1, 2, 3)) {
            assertEquals(cluster.applied.get(1), cluster.applied.get(id), "node " + id + " applied the same");
        }
    }

    /** Completions may come late, twice, or out of order: a later one covers the earlier batches. */
    @Test
    void writeCompletionsOutOfOrderOrDuplicatedAreHarmless() {
        LoopCluster shuffled = new LoopCluster(3);
        LoopCluster ordered = new LoopCluster(3);
        for (LoopCluster cluster : List.of(shuffled, ordered)) {
            cluster.elect(1);
            for (String command : List.of("a", "b", "c")) {
                accepted(cluster.loop(1).propose(bytes(command)));
            }
        }
        NodeLoop leader = shuffled.loop(1);
        long last = leader.submittedSequence();
        assertTrue(last >= leader.durableSequence() + 3, "three batches held: " + leader);
        shuffled.store(1).makeDurable(last);
        for (long sequence : List.of(last, last - 2, last, last - 1, 1L)) {
            leader.writeCompleted(sequence);
            assertEquals(last, leader.durableSequence());
        }
        shuffled.settle();
        ordered.settle();
        for (int id : List.of(1, 2, 3)) {
            assertEquals(texts(ordered.applied.get(id)), texts(shuffled.applied.get(id)), "node " + id);
        }
        assertEquals(List.of("a", "b", "c"), payloads(commands(shuffled.applied.get(3))));
    }

    @Test
    void completionOfABatchNeverSubmittedIsABrokenInvariant() {
        LoopCluster cluster = new LoopCluster(3);
        cluster.elect(1);
        NodeLoop leader = cluster.loop(1);
        long beyond = leader.submittedSequence() + 1;
        assertThrows(Assert.InvariantViolation.class, () -> leader.writeCompleted(beyond));
        assertTrue(leader.stopped(), "a store that reports unknown batches cannot be trusted");
    }

    @Test
    void failedSyncWriteStopsTheNodeBeforeAnythingLeaves() {
        LoopCluster cluster = new LoopCluster(3);
        StorageException failure = new StorageException("disk gone");
        cluster.store(1).failNext = failure;
        cluster.loop(1).campaign(); // PreVote: no term change yet, nothing to write
        cluster.deliver(message -> message.to() != 1);
        Message grant = cluster.inFlight.stream().filter(message -> message.to() == 1).findFirst().orElseThrow();
        cluster.deliver(message -> message == grant); // pre-vote won: the candidate's write fails

        NodeLoop loop = cluster.loop(1);
        assertTrue(loop.stopped());
        assertSame(failure, loop.stopCause());
        assertFalse(cluster.inFlight.stream().anyMatch(message -> message instanceof RequestVoteRequest request
                && !request.prevote()), "no vote request left: " + cluster.inFlight);
        IllegalStateException refused = assertThrows(IllegalStateException.class, loop::tick);
        assertTrue(refused.getMessage().contains("disk gone"), refused.getMessage());
        assertSame(failure, refused.getCause());
        assertThrows(IllegalStateException.class, () -> loop.propose(bytes("x")));
        assertThrows(IllegalStateException.class, () -> loop.writeCompleted(1));
    }

    @Test
    void failedSubmitStopsTheNodeAndItsMessagesStayHome() {
        LoopCluster cluster = new LoopCluster(3);
        cluster.elect(1);
        accepted(cluster.loop(1).propose(bytes("x")));
        RuntimeException failure = new IllegalStateException("write queue broken");
        cluster.store(2).failNextSubmit = failure;
        cluster.deliver(message -> message.to() == 2);

        assertTrue(cluster.loop(2).stopped());
        assertSame(failure, cluster.loop(2).stopCause());
        assertFalse(cluster.inFlight.stream().anyMatch(message -> message.from() == 2));
        assertThrows(IllegalStateException.class, cluster.loop(2)::tick);
    }

    @Test
    void reportedWriteFailureStopsTheNode() {
        LoopCluster cluster = new LoopCluster(3);
        cluster.elect(1);
        accepted(cluster.loop(1).propose(bytes("x")));
        StorageException failure = new StorageException("fsync failed");
        cluster.loop(1).writeFailed(failure);
        cluster.loop(1).writeFailed(new StorageException("a later one"));

        assertSame(failure, cluster.loop(1).stopCause(), "the first cause is kept");
        assertThrows(IllegalStateException.class, () -> cluster.loop(1).receive(
                new AppendEntriesResponse(2, 1, 1, true, 1, 0, 0)));
    }

    @Test
    void messageForAnotherNodeIsRefusedAndTheNodeKeepsRunning() {
        LoopCluster cluster = new LoopCluster(3);
        Message stray = new AppendEntriesResponse(2, 3, 1, true, 1, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> cluster.loop(1).receive(stray));
        assertFalse(cluster.loop(1).stopped());
        cluster.elect(1);
    }

    /** A restarted node gets its committed entries again, in order, once each (rebuilding its state). */
    @Test
    void restartedLoopReappliesTheCommittedLog() {
        LoopCluster cluster = new LoopCluster(3);
        cluster.elect(1);
        for (String command : List.of("a", "b", "c")) {
            accepted(cluster.loop(1).propose(bytes(command)));
            cluster.settle();
        }
        HeldStore disk = cluster.store(2).reopened();
        RaftNode raft = RaftNode.restart(Config.ofSize(3), 2, 7, disk.hardState(), disk.log(), RaftObserver.NONE);
        List<Entry> machine = new ArrayList<>();
        NodeLoop restarted = new NodeLoop(raft, disk, message -> {}, machine::add);

        assertEquals(List.of("a", "b", "c"), payloads(commands(machine)));
        assertEquals(raft.commitIndex(), restarted.appliedIndex());
        assertEquals(0, restarted.submittedSequence(), "restart writes nothing");
    }

    /** Same inputs, same outputs: the loop adds no nondeterminism of its own. */
    @Test
    void sameInputsGiveTheSameJournal() {
        List<List<String>> journals = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            LoopCluster cluster = new LoopCluster(3);
            cluster.elect(2);
            for (int k = 0; k < 5; k++) {
                accepted(cluster.loop(2).propose(bytes("v" + k)));
                cluster.deliver(message -> message.to() == 1);
                cluster.complete(1);
                cluster.settle();
            }
            journals.add(cluster.journal);
        }
        assertEquals(journals.get(0), journals.get(1));
    }

    // ------------------------------------------------------------------------------------------

    private static Predicate<Message> acknowledges(int follower, long index) {
        return message -> message instanceof AppendEntriesResponse response && response.from() == follower
                && response.success() && response.matchIndex() >= index;
    }

    private static long accepted(ProposeResult result) {
        return assertInstanceOf(ProposeResult.Accepted.class, result).index();
    }

    private static int firstIndexOf(List<String> journal, Predicate<String> which) {
        for (int k = 0; k < journal.size(); k++) {
            if (which.test(journal.get(k))) {
                return k;
            }
        }
        throw new AssertionError("nothing in the journal matches: " + String.join("\n", journal));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Entry entry) {
        return new String(entry.data(), StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<Entry> entries) {
        return entries.stream().map(entry -> entry.index() + "@" + entry.term() + ":" + text(entry)).toList();
    }

    private static List<String> payloads(List<Entry> entries) {
        return entries.stream().map(NodeLoopTest::text).toList();
    }

    private static List<Entry> commands(List<Entry> entries) {
        return entries.stream().filter(entry -> entry.type() == EntryType.COMMAND).toList();
    }

    private static Entry last(List<Entry> entries) {
        return entries.get(entries.size() - 1);
    }
}
