package io.raftkv.node.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.node.real.NodeRunner.ReadOutcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linearizable reads through the runner on real stores and threads: the leader confirms a read at
 * an index that covers every write acknowledged before it, and the state machine already holds
 * that write when the read completes; a follower forwards its read to the leader and confirms it
 * itself, as covering (counted as forwarded); a leader cut off from the others never confirms, and
 * gives its reads up when it steps down (CheckQuorum); a follower cut off from its leader gives a
 * forwarded read up, saying so. Every wait is for a condition, with a deadline.
 */
class ReadIndexRealTest {
    @TempDir
    Path root;

    @Test
    void aConfirmedReadSeesEveryAcknowledgedWrite() throws Exception {
        try (RealCluster cluster = new RealCluster(root)) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            cluster.propose("written");
            RealCluster.await("the leader applied the write", () -> cluster.commands(leader).contains("written"));
            long writtenAt = cluster.runners.get(leader).status().appliedIndex();

            List<CompletableFuture<ReadOutcome>> reads = new ArrayList<>();
            List<Boolean> sawWrite = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                CompletableFuture<ReadOutcome> read = cluster.runners.get(leader).read();
                // Runs on the runner thread when the read is confirmed: what a server answers from.
                reads.add(read.whenComplete((outcome, failure) -> {
                    synchronized (sawWrite) {
                        sawWrite.add(cluster.commands(leader).contains("written"));
                    }
                }));
            }
            for (CompletableFuture<ReadOutcome> read : reads) {
                ReadOutcome outcome = read.get(RealCluster.DEADLINE.toSeconds(), TimeUnit.SECONDS);
                if (outcome instanceof ReadOutcome.NotLeader || outcome instanceof ReadOutcome.Aborted) {
                    continue; // leadership changed hands on a slow machine: no confirmation, no claim
                }
                ReadOutcome.Confirmed confirmed = assertInstanceOf(ReadOutcome.Confirmed.class, outcome);
                assertTrue(confirmed.index() >= writtenAt, "read confirmed at " + confirmed.index()
                        + " before the write acknowledged at " + writtenAt);
            }
            assertTrue(sawWrite.stream().allMatch(seen -> seen), "every read completed after the write was applied");

            int follower = cluster.runners.keySet().stream().filter(id -> id != leader).findFirst().orElseThrow();
            RealCluster.await("the follower knows the leader", () -> cluster.runners.get(follower).status().leaderId()
                    == leader);
            List<Boolean> followerSawWrite = new ArrayList<>();
            ReadOutcome forwarded = cluster.runners.get(follower).read().whenComplete((outcome, failure) ->
                    followerSawWrite.add(cluster.commands(follower).contains("written")))
                    .get(RealCluster.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            if (forwarded instanceof ReadOutcome.Confirmed confirmed) {
                assertTrue(confirmed.index() >= writtenAt, "the follower served at " + confirmed.index()
                        + ", before the write acknowledged at " + writtenAt);
                assertEquals(List.of(true), followerSawWrite, "the follower's machine held the write when it answered");
                assertEquals(1, cluster.runners.get(follower).readCounts().forwarded());
            } else {
                // Only a change of leader on a slow machine may stop it; never a refusal from a node that knew one.
                assertInstanceOf(ReadOutcome.Aborted.class, forwarded);
            }
        }
    }

    @Test
    void aFollowerCutOffFromItsLeaderGivesItsForwardedReadUp() throws Exception {
        try (RealCluster cluster = new RealCluster(root)) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            cluster.propose("before");
            int follower = cluster.runners.keySet().stream().filter(id -> id != leader).findFirst().orElseThrow();
            RealCluster.await("the follower knows the leader", () -> cluster.runners.get(follower).status().leaderId()
                    == leader);
            cluster.network.cut(leader, follower);
            ReadOutcome outcome = cluster.runners.get(follower).read().get(RealCluster.DEADLINE.toSeconds(),
                    TimeUnit.SECONDS);
            // Forwarded (it knew the leader) and never answered; or, if it had begun campaigning, refused.
            if (outcome instanceof ReadOutcome.Aborted aborted) {
                assertTrue(aborted.reason().contains("forwarded the read to its leader and got no answer"),
                        aborted.reason());
            } else {
                assertInstanceOf(ReadOutcome.NotLeader.class, outcome);
            }
            assertEquals(0, cluster.runners.get(follower).readCounts().forwarded());
        }
    }

    @Test
    void aLeaderCutOffNeverConfirmsAndGivesItsReadsUp() throws Exception {
        try (RealCluster cluster = new RealCluster(root)) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            cluster.propose("before");
            RealCluster.await("the leader applied its write", () -> cluster.commands(leader).contains("before"));
            for (int other : cluster.runners.keySet()) {
                cluster.network.cut(leader, other);
            }
            CompletableFuture<ReadOutcome> read = cluster.runners.get(leader).read();
            ReadOutcome outcome = read.get(RealCluster.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertInstanceOf(ReadOutcome.Aborted.class, outcome, "an isolated leader must not confirm a read");
        }
    }
}
