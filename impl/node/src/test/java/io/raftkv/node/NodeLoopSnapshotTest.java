package io.raftkv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Config;
import io.raftkv.core.Entry;
import io.raftkv.core.Message;
import io.raftkv.core.Message.InstallSnapshotRequest;
import io.raftkv.core.ProposeResult;
import io.raftkv.core.RaftNode;
import io.raftkv.core.RaftObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Snapshots through the node loop: taking them, sending them to a follower that lags, restarting from one. */
class NodeLoopSnapshotTest {

    @Test
    void theLoopSavesASnapshotBeforeTheCoreCompactsAndTheStoreDropsEntries() {
        LoopCluster cluster = new LoopCluster(3);
        cluster.loops.values().forEach(loop -> loop.snapshotEvery(4));
        cluster.elect(1);
        proposeAndSettle(cluster, 6);

        for (int id : List.of(1, 2, 3)) {
            NodeLoop loop = cluster.loop(id);
            long snapshotIndex = loop.raft().firstIndex() - 1;
            assertTrue(snapshotIndex >= 4, "node " + id + " compacted: " + loop.raft().state());
            int saved = cluster.journal.indexOf("node " + id + " saveSnapshot " + snapshotIndex + "@1");
            int compacted = cluster.journal.indexOf("node " + id + " compact " + snapshotIndex + "@1");
            assertTrue(saved >= 0 && saved < compacted, "saved at " + saved + ", compacted at " + compacted);
            assertEquals(snapshotIndex, cluster.store(id).disk().snapshotIndex());
        }
    }

    @Test
    void aFollowerThatMissedCompactedEntriesCatchesUpThroughTheLeadersSnapshot() {
        LoopCluster cluster = new LoopCluster(3);
        cluster.loops.values().forEach(loop -> loop.snapshotEvery(4));
        cluster.elect(1);
        for (int k = 0; k < 10; k++) {
            accepted(cluster.loop(1).propose(bytes("v" + k)));
            settleWithout(cluster, 3);
        }
        assertTrue(cluster.loop(1).raft().firstIndex() - 1 > cluster.loop(3).raft().lastIndex(),
                "the leader compacted past node 3's log");

        // Node 3's matchIndex is compacted, so no heartbeat can go to it: the leader probes once it has
        // heard nothing for a while, which leads to the snapshot.
        for (int tick = 0; tick < 50 && cluster.loop(3).raft().commitIndex() < cluster.loop(1).raft().commitIndex();
                tick++) {
            cluster.loop(1).tick();
            cluster.settle();
        }
        assertTrue(cluster.journal.stream().anyMatch(line -> line.startsWith("send InstallSnapshotRequest[from=1, to=3")),
                "the leader sent its snapshot");
        assertTrue(cluster.journal.stream().anyMatch(line -> line.startsWith("node 3 writeSync")
                && line.contains(" alone")), "node 3 installed it, replacing its log: " + cluster.journal);
        assertEquals(cluster.applied.get(1), cluster.applied.get(3), "node 3's state machine is the leader's");
        assertEquals(cluster.loop(1).raft().commitIndex(), cluster.loop(3).raft().commitIndex());
        assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"),
                payloads(cluster.applied.get(3)));
    }

    @Test
    void aRestartedLoopRestoresItsSnapshotThenReappliesTheRest() {
        LoopCluster cluster = new LoopCluster(3);
        cluster.loops.values().forEach(loop -> loop.snapshotEvery(4));
        cluster.elect(1);
        proposeAndSettle(cluster, 6);

        HeldStore disk = cluster.store(2).reopened();
        assertTrue(disk.recoveredSnapshot() != null, "node 2's store holds a snapshot");
        RaftNode raft = RaftNode.restart(Config.ofSize(3), 2, 7, disk.hardState(), disk.log(), RaftObserver.NONE);
        List<Entry> machine = new ArrayList<>();
        NodeLoop restarted = new NodeLoop(raft, disk, message -> {}, new ListMachine(machine));

        assertEquals(cluster.applied.get(2), machine, "snapshot restored, then the entries after it applied");
        assertEquals(raft.commitIndex(), restarted.appliedIndex());
    }

    private static void proposeAndSettle(LoopCluster cluster, int count) {
        for (int k = 0; k < count; k++) {
            accepted(cluster.loop(1).propose(bytes("v" + k)));
            cluster.settle();
        }
    }

    /** Settles while every message to or from {@code cut} is lost. */
    private static void settleWithout(LoopCluster cluster, int cut) {
        for (int round = 0; round < 100; round++) {
            cluster.inFlight.removeIf(message -> message.to() == cut || message.from() == cut);
            for (int id : cluster.loops.keySet()) {
                if (id != cut) {
                    cluster.complete(id);
                }
            }
            if (cluster.deliver(message -> true) == 0) {
                return;
            }
        }
        throw new AssertionError("did not settle");
    }

    private static long accepted(ProposeResult result) {
        return assertInstanceOf(ProposeResult.Accepted.class, result).index();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> payloads(List<Entry> entries) {
        return entries.stream().filter(entry -> entry.data().length > 0)
                .map(entry -> new String(entry.data(), StandardCharsets.UTF_8)).toList();
    }
}
