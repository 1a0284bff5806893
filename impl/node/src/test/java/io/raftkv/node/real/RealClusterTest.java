package io.raftkv.node.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.HardState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real implementations together: three {@link NodeRunner}s, each over a {@link WalLogStore} in
 * its own temporary directory (real files, real fsync, a writer thread each), talking through a
 * {@link LocalNetwork}, driven by wall-clock ticks. The first test elects a leader and commits 200
 * proposals, stops every node, reopens the logs to check that every entry any node applied (hence
 * committed) is on that node's disk at the same index, restarts the cluster from the same
 * directories and checks that the committed log comes back unchanged and the cluster takes new
 * commands. The second cuts the leader off and checks that the others elect a new one and commit
 * without it, and that the old one catches up after healing. Every wait is for a condition, with a
 * deadline.
 */
class RealClusterTest {
    static final int PROPOSALS = 200;

    @TempDir
    Path root;

    @Test
    void committedEntriesSurviveAStopAndRestartOfTheWholeCluster() throws Exception {
        List<String> proposed = new ArrayList<>();
        TreeMap<Integer, List<Entry>> appliedBeforeStop = new TreeMap<>();
        try (RealCluster cluster = new RealCluster(root)) {
            cluster.startAll();
            for (int k = 0; k < PROPOSALS; k++) {
                proposed.add("command-" + k);
                cluster.propose(proposed.get(k));
            }
            awaitAllApplied(cluster, proposed);
            for (int id : cluster.runners.keySet()) {
                appliedBeforeStop.put(id, cluster.machines.get(id).applied());
            }
        }
        for (int id : appliedBeforeStop.keySet()) {
            assertOnDisk(root.resolve("node-" + id), appliedBeforeStop.get(id));
        }
        try (RealCluster cluster = new RealCluster(root)) {
            cluster.startAll();
            cluster.propose("after-restart");
            List<String> expected = new ArrayList<>(proposed);
            expected.add("after-restart");
            awaitAllApplied(cluster, expected);
            for (int id : appliedBeforeStop.keySet()) {
                List<Entry> before = appliedBeforeStop.get(id);
                List<Entry> after = cluster.machines.get(id).applied();
                assertEquals(before, after.subList(0, before.size()), "node " + id + " replays its committed log");
            }
        }
    }

    @Test
    void isolatedLeaderIsReplacedAndCatchesUpAfterHealing() throws Exception {
        try (RealCluster cluster = new RealCluster(root)) {
            cluster.startAll();
            int oldLeader = cluster.awaitLeader();
            cluster.propose("before");
            for (int other : cluster.runners.keySet()) {
                cluster.network.cut(oldLeader, other);
            }
            RealCluster.await("a new leader among the others", () -> {
                int leader = cluster.awaitLeader();
                return leader != oldLeader;
            });
            cluster.propose("during");
            List<String> majority = List.of("before", "during");
            for (int id : cluster.runners.keySet()) {
                if (id != oldLeader) {
                    RealCluster.await("node " + id + " applies the commands", () -> cluster.commands(id).containsAll(
                            majority));
                }
            }
            cluster.network.healAll();
            cluster.propose("after");
            awaitAllApplied(cluster, List.of("before", "during", "after"));
        }
    }

    /** Every node applies every command (each at least once: a retried proposal may commit twice). */
    private static void awaitAllApplied(RealCluster cluster, List<String> commands) {
        TreeSet<String> wanted = new TreeSet<>(commands);
        for (int id : cluster.runners.keySet()) {
            RealCluster.await("node " + id + " to apply " + wanted.size() + " commands",
                    () -> cluster.commands(id).containsAll(wanted),
                    () -> "; it applied " + cluster.commands(id).size() + ", status " + cluster.runners.get(id).status());
        }
        List<Entry> reference = cluster.machines.firstEntry().getValue().applied();
        for (int id : cluster.runners.keySet()) {
            List<Entry> applied = cluster.machines.get(id).applied();
            int common = Math.min(reference.size(), applied.size());
            assertEquals(reference.subList(0, common), applied.subList(0, common), "node " + id + " agrees");
        }
    }

    /** Reopens a stopped node's log: everything it applied is there, and its commit index covers it. */
    private static void assertOnDisk(Path directory, List<Entry> applied) throws Exception {
        WalLogStore store = WalLogStore.open(directory);
        try {
            assertTrue(!applied.isEmpty(), "the node applied something");
            long last = applied.get(applied.size() - 1).index();
            assertTrue(store.log().lastIndex() >= last, directory + " holds up to " + store.log().lastIndex());
            List<Entry> stored = new ArrayList<>();
            while (stored.size() < last) {
                stored.addAll(store.log().entries(stored.size() + 1, last, Long.MAX_VALUE));
            }
            assertEquals(applied, stored, directory + " holds every entry the node applied");
            HardState hard = store.hardState();
            assertTrue(hard.commitIndex() >= last, directory + " commit index " + hard.commitIndex()
                    + " below the applied " + last);
        } finally {
            store.close();
        }
    }
}
