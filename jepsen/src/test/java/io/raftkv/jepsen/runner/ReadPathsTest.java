package io.raftkv.jepsen.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.NodeStatus;
import io.raftkv.jepsen.client.ReadConsistency;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The run's read counters from the servers' status samples: each kind (by lease, by the leader's
 * round, forwarded by a follower) is summed over the nodes, and a node whose counters fell (it was
 * restarted) has its last sample banked, so nothing counted before a restart is lost from the total.
 */
class ReadPathsTest {
  @Test
  void countsEachKindAcrossNodesAndBanksARestartedNode() {
    ReadPaths paths = new ReadPaths();
    paths.sample(Map.of(1, status(1, 5, 40, 0), 2, status(2, 0, 0, 30)));
    paths.sample(Map.of(1, status(1, 7, 50, 0), 2, status(2, 0, 0, 35), 3, status(3, 0, 0, 12)));
    assertEquals(7, paths.byLease());
    assertEquals(50, paths.byReadIndex());
    assertEquals(47, paths.forwarded());

    paths.sample(Map.of(2, status(2, 0, 0, 4))); // node 2 restarted: its 35 stay counted
    assertEquals(51, paths.forwarded());
    assertEquals(50, paths.byReadIndex(), "the other kinds are not counted twice");
    String line = paths.describe(ReadConsistency.LINEARIZABLE);
    assertTrue(line.contains("7 linearizable reads by lease, 50 by the leader's ReadIndex round and 51 at followers"),
        line);
  }

  private static NodeStatus status(int id, long byLease, long byReadIndex, long forwarded) {
    return new NodeStatus(id, "FOLLOWER", 1, 1, null, 0, 0, 0, 0, true, null, 10, 300, List.of(), null, false, 0,
        byLease, byReadIndex, forwarded, 0, 0, 0);
  }
}
