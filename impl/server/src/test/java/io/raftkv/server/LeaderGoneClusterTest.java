package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.NodeStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower whose leader's process dies campaigns without waiting out its election timeout, on real
 * processes: three servers with a 5 s election timeout, so that a follower counting only on its
 * timer cannot campaign within 5 s of last hearing the leader. The leader is killed with SIGKILL;
 * its kernel closes its connections, the transports of the survivors report it
 * (Inbound.peerDisconnected) and each gives the leader up (RaftNode.peerDisconnected). A new
 * leader, in a higher term, must lead before 5 s have passed since the kill, and each survivor
 * must report the leader given up once (status leadersGivenUp). Waits are on conditions with
 * deadlines; every process is killed at the end whatever happens.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LeaderGoneClusterTest {
    static final int ELECTION_TIMEOUT_MILLIS = 5000;

    @TempDir
    Path dir;

    @Test
    void theSurvivorsOfAKilledLeaderElectAnotherBeforeTheirElectionTimeout() {
        try (TestCluster cluster = TestCluster.start(dir, 3, false,
                List.of("--election-timeout-ms", Integer.toString(ELECTION_TIMEOUT_MILLIS)))) {
            NodeStatus old = cluster.awaitLeader();
            TreeMap<Integer, NodeStatus> before = cluster.statuses();
            assertTrue(before.values().stream().allMatch(status -> status.leadersGivenUp() == 0),
                    "no leader given up before the kill: " + before);

            long killed = System.nanoTime();
            cluster.cluster("kill", Integer.toString(old.id()));
            NodeStatus next = cluster.awaitLeader();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);

            assertNotEquals(old.id(), next.id(), "a survivor leads");
            assertTrue(next.term() > old.term(), "in a later term: " + next);
            assertTrue(millis < ELECTION_TIMEOUT_MILLIS, "node " + next.id() + " led " + millis
                    + " ms after the kill, not before the survivors' election timeout ("
                    + ELECTION_TIMEOUT_MILLIS + " ms from last hearing the leader) could end");
            TreeMap<Integer, NodeStatus> after = cluster.statuses();
            assertEquals(2, after.size(), "the survivors answer: " + after);
            for (NodeStatus survivor : after.values()) {
                assertEquals(1, survivor.leadersGivenUp(), "node " + survivor.id() + " gave up node " + old.id()
                        + " once: " + survivor);
            }
            System.out.printf("LeaderGoneClusterTest: node %d killed in term %d; node %d led in term %d after %d ms"
                    + " (election timeout %d ms)%n", old.id(), old.term(), next.id(), next.term(), millis,
                    ELECTION_TIMEOUT_MILLIS);
        }
    }
}
