package io.raftkv.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The failover measurement, the same for both stores: each round waits until the cluster has
 * settled (every member running and caught up, one leader), writes once, SIGKILLs the leader, then
 * writes until a write is acknowledged (each operation given up after 500 ms and sent again at
 * once; inside it, both clients retry after 5 to 10 ms when a member is gone or no leader is known);
 * the figure is the time from the signal to that acknowledgement. The killed member is
 * restarted before the next round.
 */
final class Failover {
    static final Duration ATTEMPT = Duration.ofMillis(500);
    static final Duration LIMIT = Duration.ofSeconds(60);
    static final Duration RETRY_PAUSE_MAX = Duration.ofMillis(10);

    private Failover() {}

    /** Milliseconds per round, in round order. */
    static List<Long> measure(BenchCluster cluster, int rounds, PrintWriter out) throws IOException {
        List<Long> figures = new ArrayList<>();
        try (KvDriver driver = cluster.driver(RETRY_PAUSE_MAX); KvDriver.Connection connection = driver.connect(ATTEMPT)) {
            for (int round = 1; round <= rounds; round++) {
                int leader = cluster.settledLeader(LIMIT);
                String before = connection.put("failover", bytes("before-" + round));
                if (before != null) {
                    throw new IOException(cluster.name() + " round " + round + ": the put before the kill failed: "
                            + before);
                }
                long killed = System.nanoTime();
                cluster.kill(leader);
                long millis = writeUntilAcknowledged(connection, bytes("after-" + round), killed);
                figures.add(millis);
                out.printf("%s failover round %d: killed member %d (leader); first acknowledged put after %d ms%n",
                        cluster.name(), round, leader, millis);
                out.flush();
                cluster.restart(leader);
            }
        }
        return figures;
    }

    private static long writeUntilAcknowledged(KvDriver.Connection connection, byte[] value, long killed)
            throws IOException {
        long limit = killed + LIMIT.toNanos();
        String error = connection.put("failover", value);
        while (error != null && System.nanoTime() < limit) {
            error = connection.put("failover", value);
        }
        if (error != null) {
            throw new IOException("no put acknowledged within " + LIMIT + " of the kill: " + error);
        }
        return (System.nanoTime() - killed) / 1_000_000;
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
