package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.NodeStatus;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leadership transfer on real processes: {@code raftkv cluster transfer N} makes the leader hand
 * over to N, N leads in a higher term, and what was written before is still read back through the
 * new leader; asking for a node that is not a member is refused with a reason.
 */
class LeadershipTransferTest {
    @TempDir
    Path dir;

    @Test
    void theLeaderHandsOverToTheNodeNamed() {
        try (TestCluster cluster = TestCluster.start(dir, 3)) {
            NodeStatus before = cluster.awaitLeader();
            try (RaftKvClient client = cluster.client()) {
                assertTrue(client.put("k", "before".getBytes(StandardCharsets.UTF_8)).isOk());
            }
            int target = before.id() == 3 ? 1 : before.id() + 1;

            TestCluster.Run transferred = cluster.cluster("transfer", Integer.toString(target));

            assertTrue(transferred.out().contains("node " + target + " leads"), transferred.out());
            NodeStatus after = cluster.awaitLeader();
            assertEquals(target, after.id(), "the node named leads");
            assertTrue(after.term() > before.term(), "in a later term: " + before.term() + " -> " + after.term());
            try (RaftKvClient client = cluster.client()) {
                Outcome<Optional<io.raftkv.client.VersionedValue>> read = client.get("k");
                assertEquals("before", read.value().orElseThrow().utf8(), read.describe());
            }

            TestCluster.Run refused = TestCluster.run("cluster", "transfer", "--dir", dir.toString(), "7");
            assertEquals(1, refused.exitCode(), refused.toString());
        }
    }
}
