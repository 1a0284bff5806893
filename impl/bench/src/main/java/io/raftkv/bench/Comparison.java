package io.raftkv.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The side-by-side results: per step (workload and clients) the merged etcd and raftkv summaries
 * over every round, and the failover figures; turned into one table whose last line is the
 * {@code vs-etcd:} verdict line. Ratios are raftkv over etcd for throughput and etcd over raftkv for
 * latency, so above 1 is better for raftkv either way.
 */
final class Comparison {
    /** One measured configuration of the comparison. */
    record Step(String workload, int clients) {
        String label() {
            return workload + "@" + clients;
        }
    }

    static final Step PUT_1 = new Step("put", 1);
    static final Step PUT_16 = new Step("put", 16);
    static final Step PUT_64 = new Step("put", 64);
    static final Step GET_16 = new Step("get", 16);
    static final List<Step> STEPS = List.of(PUT_1, PUT_16, PUT_64, GET_16);

    /**
     * A store's write-ahead-log fsyncs during the put@64 steps: log entries added and fsyncs made by
     * the leader and by the followers (summed), over {@code seconds} of load (summed over rounds).
     */
    record Fsyncs(long leaderEntries, long leaderFsyncs, long followerEntries, long followerFsyncs, double seconds) {
        /** Followers of every cluster the comparison runs. */
        static final int FOLLOWERS = BenchCluster.MEMBERS - 1;

        Fsyncs plus(Fsyncs other) {
            return new Fsyncs(leaderEntries + other.leaderEntries, leaderFsyncs + other.leaderFsyncs,
                    followerEntries + other.followerEntries, followerFsyncs + other.followerFsyncs,
                    seconds + other.seconds);
        }

        String describe() {
            return String.format(Locale.ROOT, "leader %.1f (%.0f fsyncs/s), followers %.1f (%.0f fsyncs/s each)",
                    ratio(leaderEntries, leaderFsyncs), ratio(leaderFsyncs, seconds),
                    ratio(followerEntries, followerFsyncs), ratio(followerFsyncs, seconds * FOLLOWERS));
        }
    }

    private final Map<Step, Map<String, Summary>> results = new LinkedHashMap<>();
    private final Map<String, List<Long>> failovers = new LinkedHashMap<>();
    private final Map<String, Fsyncs> fsyncs = new LinkedHashMap<>();
    /** The disk's raw fdatasync rate measured in the run's directory, 0 if not measured. */
    private double rawFsyncRate;

    void add(Step step, Summary summary) {
        results.computeIfAbsent(step, s -> new LinkedHashMap<>()).merge(summary.store(), summary, Summary::merge);
    }

    void addFsyncs(String store, Fsyncs during) {
        fsyncs.merge(store, during, Fsyncs::plus);
    }

    void rawFsyncRate(double perSecond) {
        rawFsyncRate = perSecond;
    }

    void addFailover(String store, List<Long> millis) {
        failovers.computeIfAbsent(store, s -> new ArrayList<>()).addAll(millis);
    }

    Summary get(Step step, String store) {
        Map<String, Summary> byStore = results.get(step);
        Summary summary = byStore == null ? null : byStore.get(store);
        if (summary == null) {
            throw new IllegalStateException("no " + store + " result for " + step.label());
        }
        return summary;
    }

    static double ratio(double numerator, double denominator) {
        return denominator == 0 ? 0 : numerator / denominator;
    }

    double throughputRatio(Step step) {
        return ratio(get(step, "raftkv").operationsPerSecond(), get(step, "etcd").operationsPerSecond());
    }

    double p99Ratio(Step step) {
        return ratio(get(step, "etcd").millis(99), get(step, "raftkv").millis(99));
    }

    /** The table, the latency and failover lines, and the verdict line last. */
    List<String> table(int electionTimeoutMillis) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-8s %7s %12s %11s %12s %11s %9s %9s", "workload", "clients",
                "etcd ops/s", "etcd p99", "raftkv ops/s", "raftkv p99", "ops ratio", "p99 ratio"));
        for (Step step : STEPS) {
            Summary etcd = get(step, "etcd");
            Summary raftkv = get(step, "raftkv");
            lines.add(String.format(Locale.ROOT, "%-8s %7d %12.0f %8s ms %12.0f %8s ms %8.2fx %8.2fx", step.workload(),
                    step.clients(), etcd.operationsPerSecond(), Summary.millisText(etcd.millis(99)),
                    raftkv.operationsPerSecond(), Summary.millisText(raftkv.millis(99)), throughputRatio(step),
                    p99Ratio(step)));
        }
        Summary etcdOne = get(PUT_1, "etcd");
        Summary raftkvOne = get(PUT_1, "raftkv");
        lines.add(String.format(Locale.ROOT, "put latency p50, 1 client: etcd %s ms, raftkv %s ms (%.2fx)",
                Summary.millisText(etcdOne.millis(50)), Summary.millisText(raftkvOne.millis(50)),
                ratio(etcdOne.millis(50), raftkvOne.millis(50))));
        if (fsyncs.containsKey("etcd") && fsyncs.containsKey("raftkv")) {
            lines.add("log entries per WAL fsync at put@64: etcd " + fsyncs.get("etcd").describe() + "; raftkv "
                    + fsyncs.get("raftkv").describe());
        }
        if (rawFsyncRate > 0) {
            lines.add(String.format(Locale.ROOT, "the disk: %.0f fdatasyncs/s (4 KiB overwrites, each followed by"
                    + " fdatasync, in the run's directory before the stores ran)", rawFsyncRate));
        }
        if (!failovers.isEmpty()) {
            lines.add(failoverLine(electionTimeoutMillis));
        }
        lines.add(errorLine());
        lines.add(String.format(Locale.ROOT, "vs-etcd: put@16 %.2fx, put@64 %.2fx, get@16 %.2fx, p99 put@64 %.2fx",
                throughputRatio(PUT_16), throughputRatio(PUT_64), throughputRatio(GET_16), p99Ratio(PUT_64)));
        return lines;
    }

    private String failoverLine(int electionTimeoutMillis) {
        List<Long> etcd = failovers.getOrDefault("etcd", List.of());
        List<Long> raftkv = failovers.getOrDefault("raftkv", List.of());
        return String.format(Locale.ROOT, "failover (kill -9 of the leader to the first acknowledged put), election"
                + " timeout %d ms: etcd median %d ms (max %d, %d rounds), raftkv median %d ms (max %d, %d rounds)",
                electionTimeoutMillis, Failover.median(etcd), max(etcd), etcd.size(), Failover.median(raftkv),
                max(raftkv), raftkv.size());
    }

    private static long max(List<Long> figures) {
        return figures.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private String errorLine() {
        long etcd = 0;
        long raftkv = 0;
        for (Map<String, Summary> byStore : results.values()) {
            etcd += byStore.containsKey("etcd") ? byStore.get("etcd").errors() : 0;
            raftkv += byStore.containsKey("raftkv") ? byStore.get("raftkv").errors() : 0;
        }
        return "errors: etcd " + etcd + ", raftkv " + raftkv;
    }
}
