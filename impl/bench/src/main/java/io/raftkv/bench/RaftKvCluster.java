package io.raftkv.bench;

import io.raftkv.cli.Main;
import io.raftkv.client.ClusterFile;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import io.raftkv.server.FreePorts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Three raftkv server processes, started, killed and restarted through the {@code raftkv cluster}
 * commands themselves (run in this JVM, so each server is a child process of it). Ports are chosen
 * free; the election timeout and heartbeat are given to every server.
 */
final class RaftKvCluster implements BenchCluster {
    /** Lines of each node's log a settle failure quotes. */
    static final int LOG_TAIL_LINES = 5;

    private final Path dir;
    private final int electionTimeoutMillis;
    private final int heartbeatMillis;
    private final List<String> jvmArgs;
    private boolean started;

    RaftKvCluster(Path dir, int electionTimeoutMillis, int heartbeatMillis, List<String> jvmArgs) {
        this.dir = dir;
        this.electionTimeoutMillis = electionTimeoutMillis;
        this.heartbeatMillis = heartbeatMillis;
        this.jvmArgs = List.copyOf(jvmArgs);
    }

    @Override
    public String name() {
        return "raftkv";
    }

    @Override
    public void start() throws IOException {
        int peerPort = FreePorts.freeRun(1, MEMBERS);
        int clientPort = FreePorts.freeRun(1, MEMBERS);
        List<String> args = new ArrayList<>(List.of("cluster", "start", "--nodes", Integer.toString(MEMBERS), "--dir",
                dir.toString(), "--peer-port", Integer.toString(peerPort), "--client-port",
                Integer.toString(clientPort), "--election-timeout-ms", Integer.toString(electionTimeoutMillis),
                "--server-arg=--heartbeat-ms=" + heartbeatMillis));
        jvmArgs.forEach(arg -> args.add("--jvm-arg=" + arg));
        started = true;
        command(args.toArray(String[]::new));
    }

    /** Runs a {@code raftkv} command in this JVM; an IOException with its output unless it exits 0. */
    static String command(String... args) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        if (exit != 0) {
            throw new IOException("raftkv " + String.join(" ", args) + " exited " + exit + ": " + err + out);
        }
        return out.toString();
    }

    private ClusterFile file() throws IOException {
        return ClusterFile.read(dir);
    }

    @Override
    public KvDriver driver(Duration retryPauseMax) {
        try {
            return new RaftKvDriver(file().clientEndpoints(), retryPauseMax);
        } catch (IOException unreadable) {
            throw new IllegalStateException(unreadable.getMessage(), unreadable);
        }
    }

    @Override
    public int settledLeader(Duration limit) throws IOException {
        ClusterFile cluster = file();
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> seen = List.of("no answer yet");
        try (RaftKvClient client = RaftKvClient.connect(RaftKvClient.Options.defaults(cluster.clientEndpoints())
                .withAttemptTimeout(Duration.ofMillis(500)))) {
            while (System.nanoTime() < deadline) {
                TreeMap<Integer, NodeStatus> statuses = new TreeMap<>();
                seen = new ArrayList<>();
                for (ClusterFile.Node node : cluster.nodes()) {
                    Outcome<NodeStatus> status = client.status(node.clientEndpoint());
                    if (status instanceof Outcome.Ok<NodeStatus> ok) {
                        statuses.put(node.id(), ok.value());
                    }
                    seen.add("node " + node.id() + ": " + describe(status));
                }
                int leader = settled(statuses);
                if (leader > 0) {
                    return leader;
                }
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }
        throw new IOException("raftkv did not settle (every node running and caught up, one leader) within " + limit
                + "; last seen: " + String.join("; ", seen) + logTails());
    }

    /** The last lines of every node's log, for a failure's message (the directory is removed after it). */
    private String logTails() {
        StringBuilder tails = new StringBuilder();
        for (int member = 1; member <= MEMBERS; member++) {
            Path log = dir.resolve("node-" + member + ".log");
            try {
                List<String> lines = Files.readAllLines(log);
                tails.append(System.lineSeparator()).append("  the end of ").append(log).append(':');
                for (String line : lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())) {
                    tails.append(System.lineSeparator()).append("    ").append(line);
                }
            } catch (IOException | UncheckedIOException unreadable) {
                tails.append(System.lineSeparator()).append("  ").append(log).append(" unreadable: ")
                        .append(unreadable.getMessage());
            }
        }
        return tails.toString();
    }

    private static String describe(Outcome<NodeStatus> status) {
        if (status instanceof Outcome.Ok<NodeStatus> ok) {
            NodeStatus node = ok.value();
            return node.role() + " term " + node.term() + " leader " + node.leader() + " commit " + node.commitIndex()
                    + " applied " + node.appliedIndex() + (node.running() ? "" : " stopped: " + node.stopCause());
        }
        return status.toString();
    }

    /** The leader's id when every node answers, runs and has applied what the leader committed; else 0. */
    static int settled(TreeMap<Integer, NodeStatus> statuses) {
        if (statuses.size() < MEMBERS) {
            return 0;
        }
        long term = statuses.values().stream().mapToLong(NodeStatus::term).max().orElse(0);
        NodeStatus leader = statuses.values().stream().filter(s -> s.leading() && s.term() == term).findFirst()
                .orElse(null);
        boolean caughtUp = leader != null && statuses.values().stream()
                .allMatch(s -> s.running() && s.appliedIndex() >= leader.commitIndex());
        return caughtUp ? leader.id() : 0;
    }

    @Override
    public LogCounts logCounts(int member) throws IOException {
        ClusterFile cluster = file();
        try (RaftKvClient client = RaftKvClient.connect(RaftKvClient.Options.defaults(cluster.clientEndpoints())
                .withAttemptTimeout(Duration.ofSeconds(2)))) {
            if (client.status(cluster.node(member).clientEndpoint()) instanceof Outcome.Ok<NodeStatus> ok) {
                return new LogCounts(ok.value().lastIndex(), ok.value().walSyncs());
            }
        }
        throw new IOException("raftkv node " + member + " did not report its status");
    }

    @Override
    public void kill(int member) throws IOException {
        ClusterFile.Node node = file().node(member);
        ProcessHandle process = ProcessHandle.of(node.pid()).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new IOException("raftkv node " + member + " has no running process"));
        process.destroyForcibly();
    }

    @Override
    public void restart(int member) throws IOException {
        command("cluster", "restart", Integer.toString(member), "--dir", dir.toString());
    }

    /** {@code cluster stop}, then SIGKILL of any server this cluster started that still runs, then its data. */
    @Override
    public synchronized void close() {
        if (!started) {
            return;
        }
        started = false;
        List<Long> pids = new ArrayList<>();
        try {
            file().nodes().forEach(node -> pids.add(node.pid()));
            command("cluster", "stop", "--dir", dir.toString());
        } catch (IOException ignored) {
            // The kill below ends what stop could not.
        }
        Processes.killAll(pids);
        Processes.deleteTree(dir);
    }
}
