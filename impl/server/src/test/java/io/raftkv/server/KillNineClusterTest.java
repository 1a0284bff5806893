package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.Endpoint;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.VersionedValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged writes survive crashes, on real processes: {@code raftkv cluster start --nodes 3},
 * then 8 client threads (one {@link RaftKvClient} and session each) put 1,000 distinct keys, each
 * retried until acknowledged. Half-way through, the leader is killed with SIGKILL and restarted
 * (it recovers and catches up while the writes go on); when every put is acknowledged, all three
 * nodes are killed with SIGKILL, one after the other, and the cluster is started again over its
 * data. Every acknowledged put must then be read back
 * (linearizably, through the log) with its value, and every node must hold all of them in its own
 * state machine once it has caught up. Waits are on conditions with deadlines; every process is
 * killed at the end whatever happens.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KillNineClusterTest {
    static final int THREADS = 8;
    static final int PUTS = 1000;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedPutSurvivesKillNineOfTheLeaderAndThenOfEveryNode() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3)) {
            System.out.println("KillNineClusterTest: " + run(cluster));
        }
    }

    /**
     * The scenario of this class on a started 3-node cluster (trace-check runs it on a traced one and
     * then checks the traces); fails the test on any lost or wrong put, returns a one-line summary.
     */
    static String run(TestCluster cluster) throws InterruptedException {
        long began = System.nanoTime();
        StringBuilder phases = new StringBuilder();
        Runnable lap = () -> phases.append(' ').append((System.nanoTime() - began) / 1_000_000).append("ms");
        ConcurrentHashMap<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger outcomesNotOk = new AtomicInteger();
        int killed = writeKillingTheLeader(cluster, acknowledged, outcomesNotOk);
        lap.run();
        for (int id = 1; id <= 3; id++) {
            cluster.cluster("kill", Integer.toString(id));
        }
        String restarted = cluster.cluster("start").out();
        assertTrue(restarted.contains("leader: node"), restarted);
        lap.run();
        readBackThroughTheLog(cluster, acknowledged);
        lap.run();
        readBackFromEveryNode(cluster, acknowledged);
        lap.run();
        return String.format("%d puts acknowledged (%d operations ended not ok and were repeated); node %d killed"
                + " mid-way, then all three; phases ended at%s (written, started again, read through the log, read"
                + " on every node)", acknowledged.size(), outcomesNotOk.get(), killed, phases);
    }

    /** All puts, with the leader killed and restarted half-way; returns the killed node. */
    private static int writeKillingTheLeader(TestCluster cluster, ConcurrentHashMap<String, String> acknowledged,
            AtomicInteger outcomesNotOk) throws InterruptedException {
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> writers = startWriters(cluster, acknowledged, outcomesNotOk, failures);
        TestCluster.await("half of the puts acknowledged", () -> acknowledged.size() >= PUTS / 2
                || !failures.isEmpty());
        int killed = cluster.awaitLeader().id();
        cluster.cluster("kill", Integer.toString(killed));
        cluster.cluster("restart", Integer.toString(killed)); // it recovers and catches up while writes go on
        for (Thread writer : writers) {
            writer.join(TestCluster.DEADLINE.toMillis());
            assertTrue(!writer.isAlive(), "a writer did not finish within " + TestCluster.DEADLINE);
        }
        assertTrue(failures.isEmpty(), "writers failed: " + failures);
        assertEquals(PUTS, acknowledged.size(), "every put is acknowledged in the end");
        return killed;
    }

    /** 8 threads, each putting its share of the keys; a put not acknowledged is repeated. */
    private static List<Thread> startWriters(TestCluster cluster, ConcurrentHashMap<String, String> acknowledged,
            AtomicInteger outcomesNotOk, ConcurrentLinkedQueue<Throwable> failures) {
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            writers.add(Thread.ofPlatform().name("writer-" + t).start(() -> {
                try (RaftKvClient client = cluster.client()) {
                    for (int k = thread; k < PUTS; k += THREADS) {
                        String key = "key-" + k;
                        String value = "value-" + k + "-" + key.hashCode();
                        while (!client.put(key, value.getBytes(StandardCharsets.UTF_8)).isOk()) {
                            outcomesNotOk.incrementAndGet(); // unknown or failed: the same put again
                        }
                        acknowledged.put(key, value);
                    }
                } catch (Throwable failure) {
                    failures.add(failure);
                }
            }));
        }
        return writers;
    }

    private static void readBackThroughTheLog(TestCluster cluster, ConcurrentHashMap<String, String> acknowledged)
            throws InterruptedException {
        List<String> keys = new ArrayList<>(acknowledged.keySet());
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            readers.add(Thread.ofPlatform().name("reader-" + t).start(() -> {
                try (RaftKvClient client = cluster.client()) {
                    for (int k = thread; k < keys.size(); k += THREADS) {
                        String key = keys.get(k);
                        Outcome<Optional<VersionedValue>> read = client.get(key);
                        String found = read.isOk() ? read.value().map(VersionedValue::utf8).orElse("<absent>")
                                : read.describe();
                        if (!acknowledged.get(key).equals(found)) {
                            wrong.add(key + " = " + found + ", acknowledged " + acknowledged.get(key));
                        }
                    }
                }
            }));
        }
        for (Thread reader : readers) {
            reader.join(TestCluster.DEADLINE.toMillis());
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " keys read back wrong, e.g. " + wrong.stream().limit(5).toList());
    }

    /** Each node's own state machine holds every put once it applied what the leader committed. */
    private static void readBackFromEveryNode(TestCluster cluster, ConcurrentHashMap<String, String> acknowledged)
            throws InterruptedException {
        NodeStatus leader = cluster.awaitLeader();
        TestCluster.await("every node applied index " + leader.commitIndex(), () -> {
            var statuses = cluster.statuses();
            return statuses.size() == 3 && statuses.values().stream()
                    .allMatch(status -> status.appliedIndex() >= leader.commitIndex());
        });
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> readers = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Endpoint node = cluster.endpoint(id);
            readers.add(Thread.ofPlatform().name("local-reader-" + id).start(() -> {
                try (RaftKvClient client = cluster.client()) {
                    for (var put : acknowledged.entrySet()) {
                        Outcome<Optional<VersionedValue>> read = client.readLocal(node, put.getKey());
                        String found = read.isOk() ? read.value().map(VersionedValue::utf8).orElse("<absent>")
                                : read.describe();
                        if (!put.getValue().equals(found)) {
                            wrong.add(node + " " + put.getKey() + " = " + found);
                        }
                    }
                }
            }));
        }
        for (Thread reader : readers) {
            reader.join(TestCluster.DEADLINE.toMillis());
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " local reads wrong, e.g. " + wrong.stream().limit(5).toList());
    }
}
