package io.raftkv.node.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Config;
import io.raftkv.core.Role;
import io.raftkv.node.real.NodeRunner.ReadCounts;
import io.raftkv.node.real.NodeRunner.ReadOutcome;
import io.raftkv.storage.WalOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lease reads through the runner on real stores, threads and wall-clock ticks. With lease reads on,
 * the leader answers lease reads without a round once its heartbeats renewed the lease, at an index
 * that covers every acknowledged write, and counts them apart from its ReadIndex reads, which never
 * take the lease. Without lease reads a lease read is a ReadIndex read. A leader cut off from the
 * others stops answering once another leader is elected, also when its thread stalled meanwhile, so
 * that its logical clock fell behind the wall clock. Every wait is for a condition, with a
 * deadline.
 */
class LeaseReadRealTest {
    /** The test cluster's timing (election timeouts of 200..400 ms, 5 ms ticks), lease reads on. */
    private static final Config LEASE = RealCluster.CONFIG.withLeaseReads(true, 2);

    @TempDir
    Path root;

    @Test
    void aLeaderWithALeaseAnswersWithoutARoundAndCountsItApartFromReadIndexReads() throws Exception {
        try (RealCluster cluster = new RealCluster(root, LEASE, RealCluster.OPTIONS, WalOptions.DEFAULT)) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            cluster.propose("written");
            RealCluster.await("the leader applied the write", () -> cluster.commands(leader).contains("written"));
            NodeRunner runner = cluster.runners.get(leader);
            long writtenAt = runner.status().appliedIndex();
            RealCluster.await("a read served by the lease", () -> {
                ReadOutcome outcome = runner.leaseRead().join();
                if (outcome instanceof ReadOutcome.Confirmed confirmed) {
                    assertTrue(confirmed.index() >= writtenAt, "lease read at " + confirmed.index()
                            + " before the write acknowledged at " + writtenAt);
                    assertTrue(cluster.commands(leader).contains("written"));
                }
                return runner.readCounts().byLease() > 0;
            }, () -> "counts " + runner.readCounts());

            ReadCounts before = runner.readCounts();
            ReadOutcome outcome = runner.read().get(RealCluster.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            if (outcome instanceof ReadOutcome.Confirmed) {
                ReadCounts after = runner.readCounts();
                assertEquals(before.byLease(), after.byLease(), "a ReadIndex read never takes the lease");
                assertEquals(before.byReadIndex() + 1, after.byReadIndex());
            }
        }
    }

    /**
     * The case a lease must survive: the leader's thread stalls (a GC pause, SIGSTOP) while it is cut
     * off, the others elect a new leader that acknowledges a write, and only then is a lease read
     * asked of the old leader. When its thread runs again its logical clock is far behind the wall
     * clock; were the read judged by that clock, the lease would look valid and the read would miss
     * the acknowledged write. It must not be confirmed.
     */
    @Test
    void aLeaderWhoseThreadStalledWhileCutOffAnswersNoLeaseReadFromItsStaleClock() throws Exception {
        java.util.Map<Integer, java.util.concurrent.atomic.AtomicLong> stallUntil = new java.util.TreeMap<>();
        try (RealCluster cluster = new RealCluster(root, LEASE, RealCluster.OPTIONS, WalOptions.DEFAULT)) {
            for (int id : LEASE.members()) {
                java.util.concurrent.atomic.AtomicLong until = new java.util.concurrent.atomic.AtomicLong();
                stallUntil.put(id, until);
                cluster.start(id, () -> stallIfAsked(until));
            }
            int leader = cluster.awaitLeader();
            cluster.propose("before");
            NodeRunner old = cluster.runners.get(leader);
            RealCluster.await("a read served by the lease", () -> old.leaseRead().join()
                    instanceof ReadOutcome.Confirmed && old.readCounts().byLease() > 0);
            long term = old.status().state().currentTerm();
            stallUntil.get(leader).set(System.nanoTime() + 3_000_000_000L);
            for (int other : cluster.runners.keySet()) {
                cluster.network.cut(leader, other);
            }
            RealCluster.await("another leader in a later term", () -> cluster.runners.entrySet().stream()
                    .anyMatch(e -> e.getKey() != leader && e.getValue().status().state().role() == Role.LEADER
                            && e.getValue().status().state().currentTerm() > term));
            int next = cluster.runners.keySet().stream().filter(id -> id != leader
                    && cluster.runners.get(id).status().state().role() == Role.LEADER).findFirst().orElseThrow();
            assertTrue(cluster.runners.get(next).propose(RealCluster.bytes("after")).get(10, TimeUnit.SECONDS)
                    instanceof io.raftkv.core.ProposeResult.Accepted);
            RealCluster.await("the new leader applied the write", () -> cluster.commands(next).contains("after"));
            assertTrue(System.nanoTime() < stallUntil.get(leader).get(), "the old leader still stalls: the test"
                    + " needs a longer stall on this machine");
            ReadOutcome outcome = old.leaseRead().get(RealCluster.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertFalse(outcome instanceof ReadOutcome.Confirmed, "the old leader answered a lease read from its"
                    + " stale clock after a write it missed was acknowledged: " + outcome);
        }
    }

    /** Sleeps on the node's thread until {@code until} (System.nanoTime), once it is set. */
    private static void stallIfAsked(java.util.concurrent.atomic.AtomicLong until) {
        long wait;
        while ((wait = until.get() - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
    }

    @Test
    void withoutLeaseReadsALeaseReadIsAReadIndexRead() throws Exception {
        try (RealCluster cluster = new RealCluster(root)) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            cluster.propose("written");
            RealCluster.await("the leader applied the write", () -> cluster.commands(leader).contains("written"));
            NodeRunner runner = cluster.runners.get(leader);
            RealCluster.await("a lease read confirmed", () -> runner.leaseRead().join()
                    instanceof ReadOutcome.Confirmed);
            assertEquals(0, runner.readCounts().byLease());
            assertTrue(runner.readCounts().byReadIndex() >= 1, runner.readCounts().toString());
        }
    }

    @Test
    void aLeaderCutOffAnswersNoLeaseReadOnceAnotherLeads() throws Exception {
        try (RealCluster cluster = new RealCluster(root, LEASE, RealCluster.OPTIONS, WalOptions.DEFAULT)) {
            cluster.startAll();
            int leader = cluster.awaitLeader();
            cluster.propose("before");
            NodeRunner old = cluster.runners.get(leader);
            RealCluster.await("a read served by the lease", () -> old.leaseRead().join()
                    instanceof ReadOutcome.Confirmed && old.readCounts().byLease() > 0);
            long term = old.status().state().currentTerm();
            for (int other : cluster.runners.keySet()) {
                cluster.network.cut(leader, other);
            }
            RealCluster.await("another leader in a later term", () -> cluster.runners.entrySet().stream()
                    .anyMatch(e -> e.getKey() != leader && e.getValue().status().state().role() == Role.LEADER
                            && e.getValue().status().state().currentTerm() > term));
            ReadOutcome outcome = old.leaseRead().get(RealCluster.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertFalse(outcome instanceof ReadOutcome.Confirmed, "the old leader answered a lease read after"
                    + " another was elected: " + outcome);
        }
    }
}
