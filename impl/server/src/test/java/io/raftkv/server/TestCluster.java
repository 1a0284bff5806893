package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.raftkv.cli.Main;
import io.raftkv.client.ClusterFile;
import io.raftkv.client.Endpoint;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.RaftKvClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;

/**
 * A cluster of real server processes for tests, driven through the {@code raftkv cluster} commands
 * themselves (run in this JVM, so their output can be checked). Ports are chosen free on
 * 127.0.0.1..N. {@link #close()} stops the cluster and then kills every process this JVM started
 * that is still alive, so no server outlives a test, whatever happened in it.
 */
final class TestCluster implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(60);

    /** A command's exit code and output. */
    record Run(int exitCode, String out, String err) {}

    final Path dir;
    final int nodes;
    final int peerPort;
    final int clientPort;

    private TestCluster(Path dir, int nodes, int peerPort, int clientPort) {
        this.dir = dir;
        this.nodes = nodes;
        this.peerPort = peerPort;
        this.clientPort = clientPort;
    }

    /** Starts {@code nodes} servers in {@code dir} with {@code serverArgs}; fails the test unless a leader emerges. */
    static TestCluster start(Path dir, int nodes, String... serverArgs) {
        return start(dir, nodes, false, serverArgs);
    }

    /** As {@link #start(Path, int, String...)}; with {@code trace} every node writes its trace into DIR/traces. */
    static TestCluster start(Path dir, int nodes, boolean trace, String... serverArgs) {
        return start(dir, nodes, trace, List.of(), serverArgs);
    }

    /**
     * As {@link #start(Path, int, boolean, String...)}, with {@code startArgs} for {@code raftkv cluster
     * start} itself (say {@code --snapshot-entries=50}, which it passes to every server).
     */
    static TestCluster start(Path dir, int nodes, boolean trace, List<String> startArgs, String... serverArgs) {
        return start(dir, nodes, 0, trace, startArgs, serverArgs);
    }

    /**
     * As {@link #start(Path, int, boolean, List, String...)} with {@code spares} servers
     * N+1..N+spares in the cluster file, not started ({@code raftkv cluster start --spares}).
     */
    static TestCluster start(Path dir, int nodes, int spares, boolean trace, List<String> startArgs,
            String... serverArgs) {
        int[] ports = freePorts(nodes + spares);
        TestCluster cluster = new TestCluster(dir, nodes, ports[0], ports[1]);
        List<String> args = new ArrayList<>(List.of("cluster", "start", "--nodes", Integer.toString(nodes), "--dir",
                dir.toString(), "--peer-port", Integer.toString(ports[0]), "--client-port", Integer.toString(ports[1]),
                "--wait-seconds", Long.toString(DEADLINE.toSeconds()),
                // C1 only: a server JVM starts in about two thirds of the time on a busy 2-core machine.
                "--jvm-arg=-XX:TieredStopAtLevel=1"));
        if (spares > 0) {
            args.addAll(List.of("--spares", Integer.toString(spares)));
        }
        args.addAll(startArgs);
        for (String arg : serverArgs) {
            args.add("--server-arg=" + arg);
        }
        if (trace) {
            args.add("--trace");
        }
        Run started = run(args.toArray(String[]::new));
        if (started.exitCode() != 0) {
            cluster.close();
            fail("cluster start failed: " + started);
        }
        return cluster;
    }

    /** Runs a {@code raftkv} command in this JVM. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    /** Runs a {@code raftkv cluster} subcommand on this cluster and requires exit code 0. */
    Run cluster(String subcommand, String... more) {
        List<String> args = new ArrayList<>(List.of("cluster", subcommand, "--dir", dir.toString()));
        args.addAll(List.of(more));
        Run result = run(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), "raftkv " + args + ": " + result);
        return result;
    }

    ClusterFile file() {
        try {
            return ClusterFile.read(dir);
        } catch (IOException unreadable) {
            throw new AssertionError(unreadable);
        }
    }

    List<Endpoint> endpoints() {
        return file().clientEndpoints();
    }

    Endpoint endpoint(int id) {
        return file().node(id).clientEndpoint();
    }

    InetSocketAddress peerAddress(int id) {
        return new InetSocketAddress("127.0.0." + id, peerPort);
    }

    RaftKvClient client() {
        return RaftKvClient.connect(RaftKvClient.Options.defaults(endpoints())
                .withOperationTimeout(Duration.ofSeconds(20)).withAttemptTimeout(Duration.ofSeconds(2)));
    }

    /** The statuses of the nodes that answer now. */
    TreeMap<Integer, NodeStatus> statuses() {
        try (RaftKvClient client = NodeProcesses.statusClient(file())) {
            return NodeProcesses.statuses(client, file());
        }
    }

    /** The leader once one leads in the highest term any node reports. */
    NodeStatus awaitLeader() {
        Optional<NodeStatus> leader = NodeProcesses.awaitLeader(file(), DEADLINE);
        return leader.orElseThrow(() -> new AssertionError("no leader within " + DEADLINE + ": " + statuses()));
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + DEADLINE + " for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Stops the cluster, then kills whatever this JVM started that still runs. */
    @Override
    public void close() {
        try {
            run("cluster", "stop", "--dir", dir.toString());
        } finally {
            List<ProcessHandle> started = ProcessHandle.current().descendants().toList();
            started.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle process : started) {
                process.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(timeout -> process).join();
            }
        }
    }

    /** A peer port and a client port that nothing listens on at 127.0.0.1..n now. */
    static int[] freePorts(int n) {
        int peer = FreePorts.freeRun(2, n);
        return new int[] {peer, peer + 1};
    }
}
