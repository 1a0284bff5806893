package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.ClusterFile;
import io.raftkv.client.MembershipReport;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.VersionedValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership change on real processes, through the commands an operator uses. A 3-node cluster
 * with 2 spares ({@code cluster start --nodes 3 --spares 2}) has every member replaced but one:
 * {@code add 4} (started, learner, caught up, promoted through the joint configuration),
 * {@code remove 1} while 1 leads (it leads the joint phase, steps down once C_new is committed, a
 * leader among {2, 3, 4} takes over, and 1's process is stopped), {@code add 5}, {@code remove 2}.
 * Every node snapshots every 50 entries and compacts its log, so node 4 joins through the leader's
 * snapshot (InstallSnapshot), which carries the configuration.
 * A writer puts keys the whole time through a client made from the cluster file before any change;
 * every put it saw acknowledged, before or during the changes, must read back, linearizably
 * through the final members and from each final member's own state machine, and the final
 * configuration must be exactly voters {3, 4, 5}. Waits are on conditions with deadlines; every
 * process is killed at the end.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MembershipChangeTest {
    static final int SNAPSHOT_EVERY = 50;

    @TempDir
    Path dir;

    @Test
    void addRemoveTheLeaderAddRemoveKeepsEveryAcknowledgedWrite() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, 2, false, List.of("--snapshot-entries=" + SNAPSHOT_EVERY),
                "--wal-segment-bytes=4096");
                Writer writer = new Writer(cluster.client())) {
            cluster.awaitLeader();
            assertEquals(List.of(1, 2, 3), cluster.file().currentMembers());
            assertTrue(NodeProcesses.alive(cluster.file().node(4)).isEmpty(), "a spare is not started");
            writer.start();
            writer.awaitAcknowledged(3 * SNAPSHOT_EVERY); // the members' logs are compacted: joiners need a snapshot
            int before = writer.acknowledged.size();

            TestCluster.Run added4 = cluster.cluster("add", "4");
            assertSteps(added4, "started node 4", "node 4 added as a learner", "node 4 caught up",
                    "node 4 promoted: joint configuration entered", "node 4 is a voter: voters [1, 2, 3, 4]");
            assertEquals(List.of(1, 2, 3, 4), leaderView(cluster).voters());
            assertTrue(restoredFromSnapshot(4), "node 4 started empty and installed the leader's snapshot");

            if (cluster.awaitLeader().id() != 1) {
                cluster.cluster("transfer", "1");
            }
            ProcessHandle node1 = NodeProcesses.alive(cluster.file().node(1)).orElseThrow();
            TestCluster.Run removed1 = cluster.cluster("remove", "1");
            assertSteps(removed1, "removing node 1 (a voter, through the joint configuration; node 1 leads and steps"
                    + " down once the new configuration is committed)", "node 1 removed: voters [2, 3, 4]",
                    "stopped node 1");
            NodeStatus newLeader = cluster.awaitLeader();
            assertTrue(List.of(2, 3, 4).contains(newLeader.id()), "a leader among {2, 3, 4}: " + newLeader);
            assertFalse(node1.isAlive(), "node 1's process is stopped");

            assertSteps(cluster.cluster("add", "5"), "node 5 is a voter: voters [2, 3, 4, 5]");
            assertSteps(cluster.cluster("remove", "2"), "node 2 removed: voters [3, 4, 5]", "stopped node 2");
            writer.awaitAcknowledged(writer.acknowledged.size() + 20); // the final members serve writes
            writer.stopAndJoin();
            int during = writer.acknowledged.size() - before;

            MembershipReport last = leaderView(cluster);
            assertEquals(List.of(3, 4, 5), last.voters(), last.describe());
            assertEquals(List.of(), last.outgoing(), last.describe());
            assertEquals(List.of(), last.learners(), last.describe());
            assertTrue(last.committed(), last.describe());
            assertEquals(List.of(3, 4, 5), cluster.file().currentMembers(), "the cluster file records the members");
            assertTrue(during > 20, "writes were acknowledged while the configuration changed: " + during);
            assertEquals(List.of(), unreadable(cluster, writer.acknowledged), "acknowledged writes that do not read"
                    + " back (" + writer.acknowledged.size() + " acknowledged, " + writer.unknown + " unknown)");
            System.out.println("membership: " + writer.acknowledged.size() + " writes acknowledged (" + during
                    + " during the changes, " + writer.unknown + " of unknown outcome); the commands said:\n"
                    + added4.out() + removed1.out());
        }
    }

    private boolean restoredFromSnapshot(int id) throws java.io.IOException {
        return Files.readString(NodeProcesses.logFile(dir, id)).contains("key-value state restored from the snapshot");
    }

    private static void assertSteps(TestCluster.Run run, String... lines) {
        for (String line : lines) {
            assertTrue(run.out().contains(line), "'" + line + "' in:\n" + run.out());
        }
    }

    private static MembershipReport leaderView(TestCluster cluster) {
        return cluster.awaitLeader().membership();
    }

    /**
     * The acknowledged writes that a linearizable read through the final members, or a local read
     * on one of them once it applied the leader's commit index, does not return.
     */
    private static List<String> unreadable(TestCluster cluster, Map<String, String> acknowledged) {
        List<String> wrong = new ArrayList<>();
        ClusterFile file = cluster.file();
        try (RaftKvClient client = cluster.client()) {
            long commit = cluster.awaitLeader().commitIndex();
            for (int id : List.of(3, 4, 5)) {
                TestCluster.await("node " + id + " applied the leader's commit index " + commit,
                        () -> cluster.statuses().containsKey(id) && cluster.statuses().get(id).appliedIndex() >= commit);
            }
            for (Map.Entry<String, String> write : acknowledged.entrySet()) {
                Outcome<Optional<VersionedValue>> read = client.get(write.getKey());
                if (!read.isOk() || !read.value().map(v -> v.utf8().equals(write.getValue())).orElse(false)) {
                    wrong.add(write.getKey() + " read " + read.describe());
                }
                for (int id : List.of(3, 4, 5)) {
                    Outcome<Optional<VersionedValue>> local = client.readLocal(file.node(id).clientEndpoint(),
                            write.getKey());
                    if (!local.isOk() || !local.value().map(v -> v.utf8().equals(write.getValue())).orElse(false)) {
                        wrong.add(write.getKey() + " on node " + id + ": " + local.describe());
                    }
                }
            }
        }
        return wrong;
    }

    /**
     * Puts k-0, k-1, ... one after another through one client (its endpoints read from the cluster
     * file before any change) and keeps those acknowledged.
     */
    private static final class Writer implements AutoCloseable {
        final ConcurrentSkipListMap<String, String> acknowledged = new ConcurrentSkipListMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final RaftKvClient client;
        final Thread thread;
        volatile int unknown;

        Writer(RaftKvClient client) {
            this.client = client;
            this.thread = new Thread(this::run, "membership-test-writer");
        }

        void start() {
            thread.start();
        }

        private void run() {
            for (int k = 0; !stop.get(); k++) {
                String key = "k-" + k;
                String value = "v-" + k;
                Outcome<Long> put = client.put(key, value.getBytes(StandardCharsets.UTF_8));
                if (put.isOk()) {
                    acknowledged.put(key, value);
                } else if (put instanceof Outcome.Unknown<Long>) {
                    unknown++;
                }
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // pacing: the machine is shared
            }
        }

        void awaitAcknowledged(int count) {
            TestCluster.await(count + " acknowledged writes (" + acknowledged.size() + " so far)",
                    () -> acknowledged.size() >= count);
        }

        void stopAndJoin() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(thread.isAlive(), "the writer stopped");
        }

        @Override
        public void close() {
            stop.set(true);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            client.close();
        }
    }
}
