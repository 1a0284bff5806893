package io.raftkv.bench;

import io.raftkv.storage.WalBenchCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code raftkv bench --vs-etcd}: etcd and raftkv, three members each on this machine, never both
 * at once, driven by the same {@link LoadGenerator} through their own client libraries. Each round
 * starts each store on fresh data in turn (etcd first in odd rounds, raftkv first in even ones, so
 * neither always runs on a warmer or quieter machine), gives it the same unmeasured warm-up load
 * ({@link #WARMUP_WORKLOAD} from {@link #WARMUP_CLIENTS} clients for {@code storeWarmup}: raftkv's
 * servers are fresh JVMs whose hot code is interpreted until the JIT has compiled it, which took its
 * single-client latency from about 1.2 ms warm to 4-5 ms in a round's first step), runs every
 * {@link Comparison#STEPS step}, and removes the cluster. Then the failover measurement for each.
 * Every process and directory it made is removed at the end, and on Ctrl-C by a shutdown hook.
 *
 * @param rounds         rounds of the throughput steps
 * @param load           the generator settings (workload and clients are set per step)
 * @param storeWarmup    unmeasured load each store gets after starting, before a round's steps (0: none)
 * @param failoverRounds kill -9 rounds per store (0: none)
 * @param electionTimeoutMillis both stores' election timeout (each draws from [T, 2T))
 * @param heartbeatMillis both stores' heartbeat interval
 * @param raftkvJvmArgs  extra JVM options for the raftkv servers (e.g. a JFR recording)
 * @param parent         where the run's directory is made (the same disk for both stores)
 */
record VsEtcd(int rounds, LoadSettings load, Duration storeWarmup, int failoverRounds, int electionTimeoutMillis,
        int heartbeatMillis, List<String> raftkvJvmArgs, Path parent) {
    /** What the store warm-up runs: both kinds of request the steps measure. */
    static final String WARMUP_WORKLOAD = "mix:put=1,get=1";
    static final int WARMUP_CLIENTS = 32;
    /** How long the disk's raw fdatasync rate is measured, once, before the stores run. */
    static final Duration RAW_FSYNC_TIME = Duration.ofSeconds(3);

    /** Runs the comparison and prints its progress, then the table; the exit code. */
    int run(PrintWriter out) throws IOException, InterruptedException {
        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, "raftkv-vs-etcd-");
        Cleanup cleanup = new Cleanup(work);
        Thread hook = new Thread(cleanup::runAtExit, "vs-etcd-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Path etcd = EtcdInstall.ensure(work);
            out.printf("vs-etcd: etcd at %s, raftkv servers from this build; data under %s; election timeout %d ms,"
                    + " heartbeat %d ms; %d round(s), each store warmed up for %d ms by %s from %d clients, then %d ms"
                    + " warm-up + %d ms per step%n", etcd, work, electionTimeoutMillis, heartbeatMillis, rounds,
                    storeWarmup.toMillis(), WARMUP_WORKLOAD, WARMUP_CLIENTS, load.warmup().toMillis(),
                    load.duration().toMillis());
            out.flush();
            Comparison comparison = new Comparison();
            comparison.rawFsyncRate(WalBenchCommand.rawFsyncRate(Files.createDirectories(work.resolve("raw-fsync")),
                    RAW_FSYNC_TIME, out));
            out.flush();
            for (int round = 1; round <= rounds; round++) {
                boolean etcdFirst = round % 2 == 1;
                for (boolean isEtcd : new boolean[] {etcdFirst, !etcdFirst}) {
                    measureRound(cluster(isEtcd, etcd, work.resolve(label(isEtcd) + "-round-" + round)), round,
                            comparison, cleanup, out);
                }
            }
            for (boolean isEtcd : new boolean[] {true, false}) {
                if (failoverRounds > 0) {
                    measureFailover(cluster(isEtcd, etcd, work.resolve(label(isEtcd) + "-failover")), comparison,
                            cleanup, out);
                }
            }
            comparison.table(electionTimeoutMillis).forEach(out::println);
            out.flush();
            return 0;
        } finally {
            cleanup.run();
            removeHook(hook);
        }
    }

    private static String label(boolean isEtcd) {
        return isEtcd ? "etcd" : "raftkv";
    }

    private BenchCluster cluster(boolean isEtcd, Path etcd, Path dir) {
        return isEtcd ? new EtcdCluster(dir, etcd.toString(), electionTimeoutMillis, heartbeatMillis)
                : new RaftKvCluster(dir, electionTimeoutMillis, heartbeatMillis, raftkvJvmArgs);
    }

    private void measureRound(BenchCluster cluster, int round, Comparison comparison, Cleanup cleanup,
            PrintWriter out) throws IOException, InterruptedException {
        cleanup.current = cluster;
        try {
            cluster.start();
            try (KvDriver driver = cluster.driver(BenchCommand.RETRY_PAUSE_MAX)) {
                warmUp(driver, round, out);
                for (Comparison.Step step : Comparison.STEPS) {
                    LoadSettings settings = load.withWorkload(Workload.parse(step.workload()))
                            .withClients(step.clients());
                    Summary summary = step.equals(Comparison.PUT_64)
                            ? countingFsyncs(cluster, new LoadGenerator(driver, settings), comparison)
                            : new LoadGenerator(driver, settings).run(histogram -> { });
                    out.println("round " + round + ": " + summary.line());
                    out.flush();
                    comparison.add(step, summary);
                }
            }
        } finally {
            cluster.close();
            cleanup.current = null;
        }
    }

    /**
     * Runs {@code load} and records the log entries and WAL fsyncs of the leader and the followers
     * meanwhile (warm-up included: what matters is their ratio and the fsync rate under this load).
     */
    private static Summary countingFsyncs(BenchCluster cluster, LoadGenerator load, Comparison comparison)
            throws IOException, InterruptedException {
        int leader = cluster.settledLeader(Duration.ofSeconds(10));
        BenchCluster.LogCounts[] before = logCounts(cluster);
        long start = System.nanoTime();
        Summary summary = load.run(histogram -> { });
        double seconds = (System.nanoTime() - start) / 1e9;
        BenchCluster.LogCounts[] after = logCounts(cluster);
        long[] entries = new long[2];
        long[] fsyncs = new long[2];
        for (int member = 1; member <= BenchCluster.MEMBERS; member++) {
            int role = member == leader ? 0 : 1;
            entries[role] += after[member].index() - before[member].index();
            fsyncs[role] += after[member].fsyncs() - before[member].fsyncs();
        }
        comparison.addFsyncs(cluster.name(), new Comparison.Fsyncs(entries[0], fsyncs[0], entries[1], fsyncs[1],
                seconds));
        return summary;
    }

    private static BenchCluster.LogCounts[] logCounts(BenchCluster cluster) throws IOException {
        BenchCluster.LogCounts[] counts = new BenchCluster.LogCounts[BenchCluster.MEMBERS + 1];
        for (int member = 1; member <= BenchCluster.MEMBERS; member++) {
            counts[member] = cluster.logCounts(member);
        }
        return counts;
    }

    /** The store's unmeasured warm-up, reported on its own line and left out of the comparison. */
    private void warmUp(KvDriver driver, int round, PrintWriter out) throws InterruptedException {
        if (storeWarmup.isZero()) {
            return;
        }
        LoadSettings settings = new LoadSettings(Workload.parse(WARMUP_WORKLOAD), WARMUP_CLIENTS, 0, load.valueSize(),
                load.keys(), Duration.ZERO, storeWarmup, load.seed(), load.operationTimeout());
        Summary summary = new LoadGenerator(driver, settings).run(histogram -> { });
        out.println("round " + round + " store warm-up (not counted): " + summary.line());
        out.flush();
    }

    private void measureFailover(BenchCluster cluster, Comparison comparison, Cleanup cleanup, PrintWriter out)
            throws IOException {
        cleanup.current = cluster;
        try {
            cluster.start();
            comparison.addFailover(cluster.name(), Failover.measure(cluster, failoverRounds, out));
        } finally {
            cluster.close();
            cleanup.current = null;
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs or ran already.
        }
    }

    /** Ends the running cluster (if any) and removes the run's directory; safe to run twice. */
    static final class Cleanup {
        final Path work;
        volatile BenchCluster current;

        Cleanup(Path work) {
            this.work = work;
        }

        synchronized void run() {
            BenchCluster cluster = current;
            if (cluster != null) {
                cluster.close();
                current = null;
            }
            Processes.deleteTree(work);
        }

        /**
         * On Ctrl-C or SIGTERM: as {@link #run}, then, since the interrupted thread may still be
         * starting a node, kills every process this JVM started and deletes the directory again
         * until neither is left (for at most 30 s).
         */
        void runAtExit() {
            run();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                List<Long> children = ProcessHandle.current().children().map(ProcessHandle::pid).toList();
                Processes.killAll(children);
                Processes.deleteTree(work, false);
                if (children.isEmpty() && !Files.exists(work)) {
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
            Processes.deleteTree(work, true); // says so if it could not
        }
    }
}
