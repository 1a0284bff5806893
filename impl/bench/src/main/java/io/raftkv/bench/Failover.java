package io.raftkv.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The failover measurement, the same for both stores: each round waits until the cluster has
 * settled (every member running and caught up, one leader), writes once, SIGKILLs the leader,
 * then starts a write every {@link #PROBE_INTERVAL} on the next idle probe client, never
 * cancelling one in flight; the figure is the time from the signal to the first acknowledgement.
 * Sending on a schedule, rather than one write retried after a timeout, keeps writes stuck since
 * the kill (etcd holds a proposal made while it has no leader until its own request timeout) from
 * hiding the first one the new leader could take: the figure is late by about the interval plus
 * the clients' own retry pause ({@link #RETRY_PAUSE_MAX}, the same for both). The killed member is
 * restarted before the next round.
 */
final class Failover {
    static final Duration LIMIT = Duration.ofSeconds(60);
    static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Inside each probe both clients retry (a member gone, no leader yet) after 5 ms doubling up to
     * this, raftkv's default: a shorter cap made a hundred raftkv probes poll the survivors every
     * 10 ms, and that load on a 2-core machine slowed the election it was measuring.
     */
    static final Duration RETRY_PAUSE_MAX = Duration.ofMillis(100);
    static final Duration PROBE_INTERVAL = Duration.ofMillis(50);
    /** Enough for a write every interval during two seconds with none answered. */
    static final int PROBES = 40;

    private Failover() {}

    /** Milliseconds per round, in round order. */
    static List<Long> measure(BenchCluster cluster, int rounds, PrintWriter out) throws IOException {
        List<Long> figures = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(PROBES, runnable -> {
            Thread thread = new Thread(runnable, "failover-probe");
            thread.setDaemon(true);
            return thread;
        });
        List<KvDriver.Connection> probes = new ArrayList<>();
        try (KvDriver driver = cluster.driver(RETRY_PAUSE_MAX)) {
            for (int i = 0; i < PROBES; i++) {
                probes.add(driver.connect(OPERATION_TIMEOUT));
            }
            for (int round = 1; round <= rounds; round++) {
                int leader = cluster.settledLeader(LIMIT);
                // Every probe writes once in the first round (a raftkv client opens its session then, not
                // after the kill); later rounds check the cluster through one of them.
                for (KvDriver.Connection probe : round == 1 ? probes : probes.subList(0, 1)) {
                    requireAcknowledged(probe.put("failover", bytes("before-" + round)), cluster, round);
                }
                long millis = killAndProbe(cluster, leader, probes, pool, bytes("after-" + round));
                figures.add(millis);
                out.printf("%s failover round %d: killed member %d (leader); first acknowledged put after %d ms%n",
                        cluster.name(), round, leader, millis);
                out.flush();
                cluster.restart(leader);
            }
        } finally {
            probes.forEach(KvDriver.Connection::close);
            pool.shutdownNow();
        }
        return figures;
    }

    private static void requireAcknowledged(String error, BenchCluster cluster, int round) throws IOException {
        if (error != null) {
            throw new IOException(cluster.name() + " round " + round + ": a put before the kill failed: " + error);
        }
    }

    /** Kills the leader and probes until a put is acknowledged; waits until every probe is idle again. */
    private static long killAndProbe(BenchCluster cluster, int leader, List<KvDriver.Connection> probes,
            ExecutorService pool, byte[] value) throws IOException {
        BlockingQueue<KvDriver.Connection> idle = new ArrayBlockingQueue<>(probes.size(), false, probes);
        CompletableFuture<Long> first = new CompletableFuture<>();
        long killed = System.nanoTime();
        cluster.kill(leader);
        long limit = killed + LIMIT.toNanos();
        try {
            while (!first.isDone() && System.nanoTime() < limit) {
                KvDriver.Connection probe = idle.poll(PROBE_INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
                if (probe != null) {
                    pool.execute(() -> {
                        if (probe.put("failover", value) == null) {
                            first.complete(System.nanoTime() - killed);
                        }
                        idle.add(probe);
                    });
                    TimeUnit.NANOSECONDS.sleep(PROBE_INTERVAL.toNanos()); // the schedule, not a wait for a result
                }
            }
            awaitIdle(idle, probes.size());
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while measuring failover");
        }
        Long nanos = first.getNow(null);
        if (nanos == null) {
            throw new IOException("no put acknowledged within " + LIMIT + " of killing the " + cluster.name() + " leader");
        }
        return nanos / 1_000_000;
    }

    /** Every probe back in the queue (each put ends within its operation timeout). */
    private static void awaitIdle(BlockingQueue<KvDriver.Connection> idle, int count) throws InterruptedException {
        long deadline = System.nanoTime() + OPERATION_TIMEOUT.toNanos() * 3;
        while (idle.size() < count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    static long median(List<Long> figures) {
        List<Long> sorted = figures.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return 0;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
