package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.NodeStatus;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.VersionedValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lease reads on real processes. A cluster started with {@code cluster start --lease-reads} (every
 * server gets the flag) answers {@code ?consistency=lease} reads, its leader's status counts reads
 * answered by the lease, and every lease read right after an acknowledged write of the same client
 * returns that write (one client, one op at a time: anything else is a stale read). The leader is
 * then SIGKILLed and restarted ({@code cluster restart}): a new leader answers lease reads by its
 * own lease, still returning the last acknowledged write, and the restarted node rejoins. A cluster
 * without the flag answers the same request as a ReadIndex read (counted as such, none by lease),
 * and {@code cluster start --lease-reads} over it is refused (its servers must agree); a drift bound
 * without {@code --lease-reads} is refused before anything starts.
 * Every wait is on a condition with a deadline.
 */
class LeaseReadClusterTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void leaseReadsReturnTheLastAcknowledgedWriteAndSurviveAKilledAndRestartedLeader() {
        try (TestCluster cluster = TestCluster.start(dir, 3, false, List.of("--lease-reads"))) {
            NodeStatus leader = cluster.awaitLeader();
            assertTrue(leader.leaseReads(), "every server runs with --lease-reads");
            assertEquals(260, leader.leaseMillis(), "300 ms election timeout - 2 ticks - 20 ms drift");
            try (RaftKvClient client = cluster.client()) {
                writeThenReadUntilTheLeaseServes(cluster, client, "before");
                assertTrue(client.get("k").isOk());
                // The client sends a plain read to its first endpoint: the leader's own round, or a
                // follower's forwarded one.
                TestCluster.await("the ReadIndex read counted as one", () -> cluster.statuses().values().stream()
                        .anyMatch(status -> status.leading() && status.readsByReadIndex() > 0
                                || status.readsForwarded() > 0));

                cluster.cluster("kill", Integer.toString(leader.id()));
                TestCluster.await("another leader", () -> cluster.statuses().values().stream()
                        .anyMatch(status -> status.leading() && status.id() != leader.id()));
                cluster.cluster("restart", Integer.toString(leader.id()));
                int next = writeThenReadUntilTheLeaseServes(cluster, client, "after");
                assertTrue(cluster.statuses().get(next).term() > leader.term(), "a leader of a later term answered"
                        + " the lease reads after the kill");
                TestCluster.await("the restarted node follows the leader", () -> {
                    NodeStatus restarted = cluster.statuses().get(leader.id());
                    return restarted != null && restarted.running() && restarted.leader() != 0;
                });
            }
            String status = cluster.cluster("status").out();
            assertTrue(status.contains("lease reads: on, lease 260 ms; reads answered by lease / by ReadIndex round"),
                    status);
            TestCluster.Run got = TestCluster.run("kv", "get", "k", "--lease", "--cluster", dir.toString());
            assertEquals(0, got.exitCode(), got.toString());
            assertTrue(got.out().startsWith("after-"), "raftkv kv get --lease prints the last write: " + got);
        }
    }

    @Test
    @Timeout(240)
    void withoutTheFlagALeaseReadIsAReadIndexRead() {
        try (TestCluster cluster = TestCluster.start(dir, 3)) {
            NodeStatus leader = cluster.awaitLeader();
            assertFalse(leader.leaseReads());
            assertEquals(0, leader.leaseMillis());
            try (RaftKvClient client = cluster.client()) {
                assertTrue(client.put("k", "v".getBytes(StandardCharsets.UTF_8)).isOk());
                Outcome<Optional<VersionedValue>> read = client.getLease("k");
                assertEquals("v", read.value().orElseThrow().utf8(), read.describe());
            }
            NodeStatus after = cluster.awaitLeader();
            assertEquals(0, after.readsByLease());
            assertTrue(after.readsByReadIndex() >= 1, after.toString());
            TestCluster.Run mixed = TestCluster.run("cluster", "start", "--lease-reads", "--dir", dir.toString());
            assertEquals(1, mixed.exitCode(), mixed.toString());
            assertTrue(mixed.err().contains("was made without --lease-reads, and every server of a cluster must have"
                    + " the same setting"), mixed.err());
        }
    }

    @Test
    void aDriftBoundWithoutLeaseReadsIsRefusedBeforeAnyServerStarts() {
        TestCluster.Run refused = TestCluster.run("cluster", "start", "--nodes", "3", "--dir", dir.toString(),
                "--lease-drift-ms", "30");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals("raftkv cluster start: --lease-drift-ms 30 is a setting of lease reads: give --lease-reads too,"
                + " or leave it out", refused.err().strip());
        assertFalse(java.nio.file.Files.exists(dir.resolve("cluster.json")), "nothing was recorded or started");
    }

    /**
     * Writes {@code prefix-i} and lease-reads it back, i = 1, 2, ..., until the leader reports more
     * reads answered by its lease than before; every read after an acknowledged write must return it.
     * Returns the leader that counted them.
     */
    private static int writeThenReadUntilTheLeaseServes(TestCluster cluster, RaftKvClient client, String prefix) {
        long[] byLeaseBefore = {cluster.statuses().values().stream().mapToLong(NodeStatus::readsByLease).sum()};
        int[] counted = {0};
        int[] round = {0};
        TestCluster.await("a lease read answered by the lease (" + prefix + ")", () -> {
            String value = prefix + "-" + (++round[0]);
            boolean acknowledged = client.put("k", value.getBytes(StandardCharsets.UTF_8)).isOk();
            Outcome<Optional<VersionedValue>> read = client.getLease("k");
            if (acknowledged && read.isOk()) {
                assertEquals(value, read.value().map(VersionedValue::utf8).orElse(null),
                        "a lease read returns the last acknowledged write");
            }
            for (NodeStatus status : cluster.statuses().values()) {
                if (status.leading() && status.readsByLease() > 0) {
                    counted[0] = status.id();
                }
            }
            long byLease = cluster.statuses().values().stream().mapToLong(NodeStatus::readsByLease).sum();
            return counted[0] != 0 && byLease > byLeaseBefore[0];
        });
        return counted[0];
    }
}
