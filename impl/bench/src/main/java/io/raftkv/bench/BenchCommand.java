package io.raftkv.bench;

import io.raftkv.cli.CliCommand;
import io.raftkv.client.ClusterFile;
import io.raftkv.client.Endpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raftkv bench}: the load generator against a running raftkv cluster, or {@code --vs-etcd}:
 * the side-by-side comparison with etcd. Exit 0 when the run completed without an error, 1 when
 * some operations failed or the run could not be made, 2 for bad options (one line saying which).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load generator on the client library: closed loop (--clients N) or open loop (--rate R,"
                + " latency from each operation's intended send time); prints ops/s, p50, p99, p99.9, max and errors.",
            "--vs-etcd: etcd 3.4 and raftkv, three members each on loopback, one after the other, same generator;"
                    + " ends with: vs-etcd: put@16 <r>x, put@64 <r>x, get@16 <r>x, p99 put@64 <r>x"})
public final class BenchCommand implements CliCommand {
    /** Both clients' longest pause between retries in a load run: raftkv's client default. */
    static final Duration RETRY_PAUSE_MAX = Duration.ofMillis(100);

    @Spec
    CommandSpec spec;

    static final class Target {
        @Option(names = "--cluster", paramLabel = "DIR", description = "A cluster started by raftkv cluster start.")
        Path cluster;

        @Option(names = "--endpoints", paramLabel = "HOST:PORT,...", description = "Client addresses of the nodes.")
        String endpoints;

        @Option(names = "--etcd-endpoints", paramLabel = "URL,...", description = "etcd members' client URLs"
                + " (http://host:port,...): the same generator through jetcd, for a comparison by hand.")
        String etcdEndpoints;

        @Option(names = "--vs-etcd", description = "Compare with etcd on this machine (installs etcd-server from"
                + " Debian if missing).")
        boolean vsEtcd;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--workload", defaultValue = "put", description = "put, get (linearizable), cas, or"
            + " mix:put=W,get=W,cas=W (default ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--clients", defaultValue = "16", description = "Clients, each one request at a time (default"
            + " ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--rate", description = "Open loop: this many operations per second in total, sent on schedule"
            + " by the clients.")
    Long rate;

    @Option(names = "--value-size", defaultValue = "100", description = "Bytes per value (default ${DEFAULT-VALUE}).")
    int valueSize;

    @Option(names = "--keys", defaultValue = "1000", description = "Distinct keys (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--duration", defaultValue = "10s", description = "Measured time, e.g. 10s, 500ms, 2m (default"
            + " ${DEFAULT-VALUE}; --vs-etcd: per step).")
    String duration;

    @Option(names = "--warmup", defaultValue = "2s", description = "Unmeasured time first (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the clients' choices (default"
            + " ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timeout-ms", defaultValue = "10000", description = "One operation gives up after this long"
            + " (default ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Option(names = "--histogram-out", paramLabel = "FILE", description = "Writes the HdrHistogram log (one"
            + " interval histogram per second, latencies in ns).")
    Path histogramOut;

    @ArgGroup(exclusive = false, heading = "%n--vs-etcd options:%n")
    VsEtcdOptions comparison = new VsEtcdOptions();

    static final class VsEtcdOptions {
        @Option(names = "--quick", description = "A few minutes: 1 round, 2 s warm-up + 4 s per step, 5 failover"
                + " rounds (unless given).")
        boolean quick;

        @Option(names = "--rounds", description = "Rounds of the throughput steps (default 3; --quick 1).")
        Integer rounds;

        @Option(names = "--failover-rounds", description = "kill -9 rounds per store (default 20; --quick 5).")
        Integer failoverRounds;

        @Option(names = "--store-warmup", description = "Unmeasured mixed load each store gets once it has started,"
                + " before a round's first step, so neither is measured while it warms up (default 30s; --quick 10s).")
        String storeWarmup;

        @Option(names = "--election-timeout-ms", defaultValue = "1000", description = "Both stores (default"
                + " ${DEFAULT-VALUE}, etcd's).")
        int electionTimeoutMillis = 1000;

        @Option(names = "--heartbeat-ms", defaultValue = "100", description = "Both stores (default ${DEFAULT-VALUE},"
                + " etcd's).")
        int heartbeatMillis = 100;

        @Option(names = "--raftkv-jvm-arg", paramLabel = "ARG", description = "Passed to every raftkv server JVM"
                + " (repeat), e.g. a JFR recording.")
        List<String> raftkvJvmArgs = new ArrayList<>();

        @Option(names = "--dir", description = "Where the run's data directories go (default: java.io.tmpdir).")
        Path dir;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (target.vsEtcd) {
                return vsEtcd().run(out);
            }
            for (String only : List.of("--quick", "--rounds", "--failover-rounds", "--store-warmup",
                    "--election-timeout-ms", "--heartbeat-ms", "--raftkv-jvm-arg", "--dir")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(only)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), only + " goes with --vs-etcd only");
                }
            }
            return single(out, err);
        } catch (IOException | IllegalStateException cannot) {
            err.println("raftkv bench: " + cannot.getMessage());
            return 1;
        }
    }

    /** The settings the options describe; a ParameterException with one line for a bad one. */
    LoadSettings settings() {
        try {
            boolean quick = target != null && target.vsEtcd && comparison.quick;
            Duration measured = spec.commandLine().getParseResult().hasMatchedOption("--duration") || !quick
                    ? LoadSettings.parseDuration("--duration", duration) : Duration.ofSeconds(4);
            return new LoadSettings(Workload.parse(workload), clients, rate == null ? 0 : requireRate(rate), valueSize,
                    keys, LoadSettings.parseDuration("--warmup", warmup), measured, seed,
                    Duration.ofMillis(requirePositive(timeoutMillis)));
        } catch (IllegalArgumentException bad) {
            throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
        }
    }

    private static long requireRate(long value) {
        if (value < 1) {
            throw new IllegalArgumentException("--rate must be at least 1 operation per second, got " + value);
        }
        return value;
    }

    private static long requirePositive(long millis) {
        if (millis < 1) {
            throw new IllegalArgumentException("--timeout-ms must be positive, got " + millis);
        }
        return millis;
    }

    VsEtcd vsEtcd() {
        LoadSettings load = settings();
        VsEtcdOptions options = comparison;
        int rounds = options.rounds != null ? options.rounds : options.quick ? 1 : 3;
        int failovers = options.failoverRounds != null ? options.failoverRounds : options.quick ? 5 : 20;
        if (rounds < 1 || failovers < 0 || options.electionTimeoutMillis < 10 || options.heartbeatMillis < 1
                || options.heartbeatMillis >= options.electionTimeoutMillis) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rounds must be at least 1, --failover-rounds"
                    + " at least 0, and 1 <= --heartbeat-ms < --election-timeout-ms (>= 10); got " + rounds + ", "
                    + failovers + ", " + options.heartbeatMillis + ", " + options.electionTimeoutMillis);
        }
        Duration storeWarmup;
        try {
            storeWarmup = options.storeWarmup != null
                    ? LoadSettings.parseDuration("--store-warmup", options.storeWarmup)
                    : Duration.ofSeconds(options.quick ? 10 : 30);
        } catch (IllegalArgumentException bad) {
            throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
        }
        Path parent = options.dir != null ? options.dir : Path.of(System.getProperty("java.io.tmpdir"));
        return new VsEtcd(rounds, load, storeWarmup, failovers, options.electionTimeoutMillis, options.heartbeatMillis,
                options.raftkvJvmArgs, parent);
    }

    private int single(PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        LoadSettings settings = settings();
        Summary summary;
        try (KvDriver driver = driver(); HistogramLog log = HistogramLog.open(histogramOut)) {
            summary = new LoadGenerator(driver, settings).run(log);
        }
        out.println(summary.line());
        out.flush();
        if (summary.errors() > 0) {
            err.println("raftkv bench: " + summary.errors() + " operations failed; first: " + summary.firstError());
            return 1;
        }
        return 0;
    }

    private KvDriver driver() throws IOException {
        if (target.etcdEndpoints != null) {
            List<String> urls = List.of(target.etcdEndpoints.split(","));
            for (String url : urls) {
                if (!url.matches("https?://[^:/]+:\\d+")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--etcd-endpoints expects"
                            + " http://host:port,..., got '" + url + "'");
                }
            }
            return new EtcdDriver(urls, RETRY_PAUSE_MAX);
        }
        return new RaftKvDriver(target.cluster != null ? ClusterFile.read(target.cluster).clientEndpoints()
                : parseEndpoints(target.endpoints), RETRY_PAUSE_MAX);
    }

    private List<Endpoint> parseEndpoints(String text) {
        try {
            return Endpoint.parseList(text);
        } catch (IllegalArgumentException bad) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--endpoints: " + bad.getMessage());
        }
    }

    /** The optional HdrHistogram log: one interval histogram per second of the measured window. */
    static final class HistogramLog implements Consumer<Histogram>, AutoCloseable {
        private final PrintStream stream;
        private final HistogramLogWriter writer;

        private HistogramLog(PrintStream stream) {
            this.stream = stream;
            this.writer = stream == null ? null : new HistogramLogWriter(stream);
            if (writer != null) {
                writer.outputLogFormatVersion();
                long now = System.currentTimeMillis();
                writer.outputStartTime(now);
                writer.setBaseTime(now);
                writer.outputComment("raftkv bench: latencies in nanoseconds; the max column in milliseconds");
                writer.outputLegend();
            }
        }

        static HistogramLog open(Path file) throws IOException {
            return new HistogramLog(file == null ? null : new PrintStream(file.toFile(), "UTF-8"));
        }

        @Override
        public void accept(Histogram interval) {
            if (writer != null) {
                writer.outputIntervalHistogram(interval);
            }
        }

        @Override
        public void close() {
            if (stream != null) {
                stream.close();
            }
        }
    }
}
