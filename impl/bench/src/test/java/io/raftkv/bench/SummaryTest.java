package io.raftkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * What a run prints: the summary line (ops/s over the measured window, percentiles from the
 * histogram, errors with the first one), merged rounds, and the comparison table whose last line is
 * the verdict in the exact form the issue asks for.
 */
class SummaryTest {

    /** Latencies of 1, 2, ..., 100 ms, one each. */
    private static Histogram oneToHundredMillis() {
        Histogram histogram = Summary.newHistogram();
        for (long millis = 1; millis <= 100; millis++) {
            histogram.recordValue(millis * 1_000_000);
        }
        return histogram;
    }

    @Test
    void theLineGivesThroughputPercentilesAndErrors() {
        Summary summary = new Summary("raftkv", "put", 16, 0, 0, "", 2_000_000_000L, oneToHundredMillis());
        assertEquals("raftkv put, 16 clients, closed loop: 100 ops in 2.00 s, 50.0 ops/s; latency p50 50.0 ms,"
                + " p99 99.0 ms, p99.9 100 ms, max 100 ms; errors 0", summary.line());
        Summary failing = new Summary("etcd", "get", 4, 500, 3, "no answer within 10000 ms", 1_000_000_000L,
                oneToHundredMillis());
        assertEquals("etcd get, 4 clients, open loop at 500 ops/s: 100 ops in 1.00 s, 100.0 ops/s; latency p50 50.0"
                + " ms, p99 99.0 ms, p99.9 100 ms, max 100 ms; errors 3 (first: no answer within 10000 ms)",
                failing.line());
    }

    @Test
    void millisecondsKeepThreeSignificantDigits() {
        assertEquals("0.53", Summary.millisText(0.5312));
        assertEquals("3.21", Summary.millisText(3.2149));
        assertEquals("24.8", Summary.millisText(24.81));
        assertEquals("1250", Summary.millisText(1250.4));
    }

    @Test
    void roundsMergeIntoOneSummary() {
        Summary first = new Summary("raftkv", "put", 16, 0, 1, "first", 1_000_000_000L, oneToHundredMillis());
        Summary second = new Summary("raftkv", "put", 16, 0, 2, "second", 3_000_000_000L, oneToHundredMillis());
        Summary merged = first.merge(second);
        assertEquals(200, merged.operations());
        assertEquals(50.0, merged.operationsPerSecond(), 1e-9);
        assertEquals(3, merged.errors());
        assertEquals("first", merged.firstError());
        assertEquals(100, first.operations(), "merging leaves its inputs alone");
    }

    @Test
    void theTableEndsWithTheVerdictLine() {
        Comparison comparison = everyStep();
        comparison.add(Comparison.PUT_64, summary("raftkv", Comparison.PUT_64, 500, 40)); // a second round
        comparison.addFailover("etcd", List.of(1_300L, 1_100L, 1_500L));
        comparison.addFailover("raftkv", List.of(900L, 700L));
        List<String> table = comparison.table(1_000);
        assertEquals("workload clients   etcd ops/s    etcd p99 raftkv ops/s  raftkv p99 ops ratio p99 ratio",
                table.get(0));
        assertEquals("put           16         1000     10.0 ms         2500     4.00 ms     2.50x     2.50x",
                table.get(2));
        assertEquals("failover (kill -9 of the leader to the first acknowledged put), election timeout 1000 ms:"
                + " etcd median 1300 ms (max 1500, 3 rounds), raftkv median 800 ms (max 900, 2 rounds)", table.get(6));
        assertEquals("vs-etcd: put@16 2.50x, put@64 1.50x, get@16 2.50x, p99 put@64 0.25x",
                table.get(table.size() - 1));
    }

    @Test
    void theFsyncLinesAddUpTheRoundsAndSeparateTheLeaderFromItsFollowers() {
        Comparison comparison = everyStep();
        comparison.addFsyncs("etcd", new Comparison.Fsyncs(1_000, 200, 2_000, 250, 1.0));
        comparison.addFsyncs("etcd", new Comparison.Fsyncs(1_000, 200, 2_000, 250, 1.0));
        comparison.addFsyncs("raftkv", new Comparison.Fsyncs(3_000, 1_000, 6_000, 1_500, 2.0));
        comparison.rawFsyncRate(3_141.6);
        List<String> table = comparison.table(1_000);
        assertEquals("log entries per WAL fsync at put@64: etcd leader 5.0 (200 fsyncs/s), followers 8.0 (125 fsyncs/s"
                + " each); raftkv leader 3.0 (500 fsyncs/s), followers 4.0 (375 fsyncs/s each)", table.get(6));
        assertEquals("the disk: 3142 fdatasyncs/s (4 KiB overwrites, each followed by fdatasync, in the run's directory"
                + " before the stores ran)", table.get(7));
        assertTrue(table.get(table.size() - 1).startsWith("vs-etcd: "), table.toString());
    }

    @Test
    void etcdsFsyncCountIsReadFromItsMetrics() throws IOException {
        String metrics = """
                # HELP etcd_disk_wal_fsync_duration_seconds The latency distributions of fsync called by WAL.
                # TYPE etcd_disk_wal_fsync_duration_seconds histogram
                etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 1200
                etcd_disk_wal_fsync_duration_seconds_sum 1.5
                etcd_disk_wal_fsync_duration_seconds_count 1234
                """;
        assertEquals(1234, EtcdCluster.metric(metrics, EtcdCluster.FSYNC_COUNT_METRIC));
        IOException missing = assertThrows(IOException.class,
                () -> EtcdCluster.metric("etcd_server_has_leader 1\n", EtcdCluster.FSYNC_COUNT_METRIC));
        assertEquals("etcd's /metrics has no etcd_disk_wal_fsync_duration_seconds_count", missing.getMessage());
    }

    /** etcd at 1,000 ops/s and 10 ms, raftkv at 2,500 ops/s and 4 ms, in every step. */
    private static Comparison everyStep() {
        Comparison comparison = new Comparison();
        for (Comparison.Step step : Comparison.STEPS) {
            comparison.add(step, summary("etcd", step, 1_000, 10));
            comparison.add(step, summary("raftkv", step, 2_500, 4));
        }
        return comparison;
    }

    /** {@code rate} operations per second for one second, each taking {@code millis}. */
    private static Summary summary(String store, Comparison.Step step, int rate, int millis) {
        Histogram histogram = Summary.newHistogram();
        histogram.recordValueWithCount(millis * 1_000_000L, rate);
        return new Summary(store, step.workload(), step.clients(), 0, 0, "", 1_000_000_000L, histogram);
    }
}
