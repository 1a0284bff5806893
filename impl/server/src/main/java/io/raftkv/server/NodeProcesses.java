package io.raftkv.server;

import io.raftkv.client.ClusterFile;
import io.raftkv.client.Endpoint;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Starting, finding and ending the server processes of a local cluster in DIR. Each node runs in
 * its own JVM, started with the java and the class path of the current one. Files per node: data
 * in DIR/node-N, the log in DIR/node-N.log, the process's own output in DIR/node-N.out, traces in
 * DIR/traces. A recorded pid counts only while the OS reports the same start instant for it, so a
 * pid reused by another process is never signalled. Public for the Jepsen harness, which runs its
 * nodes the same way.
 */
public final class NodeProcesses {
    private NodeProcesses() {}

    static final Duration STOP_GRACE = Duration.ofSeconds(10);
    static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    public static Path dataDirectory(Path dir, int id) {
        return dir.resolve("node-" + id);
    }

    public static Path logFile(Path dir, int id) {
        return dir.resolve("node-" + id + ".log");
    }

    public static Path outputFile(Path dir, int id) {
        return dir.resolve("node-" + id + ".out");
    }

    /** Starts node {@code id}'s server process and returns the node with its pid recorded. */
    static ClusterFile.Node spawn(Path dir, ClusterFile cluster, int id) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(dir, cluster, id))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile(dir, id).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        return cluster.node(id).withProcess(process.pid(), startedAt(process.toHandle()));
    }

    /** The server's command line: this JVM's java and class path, then {@code raftkv server ...}. */
    public static List<String> command(Path dir, ClusterFile cluster, int id) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // A small heap and one GC thread: three nodes and their clients share a small machine.
        command.addAll(List.of("-Xms32m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow"); // Netty's buffers; JDK 24+ warns otherwise
        }
        command.addAll(cluster.jvmArgs());
        command.add("-D" + LogAppender.FILE_PROPERTY + "=" + logFile(dir, id).toAbsolutePath());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.raftkv.cli.Main", "server"));
        ClusterFile.Node node = cluster.node(id);
        command.addAll(List.of("--id", Integer.toString(id), "--peers", peers(cluster), "--data",
                dataDirectory(dir, id).toAbsolutePath().toString(), "--client-port",
                Integer.toString(node.clientEndpoint().port()), "--cluster-id", cluster.clusterId()));
        if (cluster.voters() != null) {
            command.addAll(List.of("--voters", cluster.initialVoters().stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(","))));
        }
        if (cluster.trace()) {
            Path traces = Files.createDirectories(dir.resolve("traces"));
            command.addAll(List.of("--trace", traces.resolve("node-" + id + "-" + System.currentTimeMillis()
                    + ".ndjson").toAbsolutePath().toString()));
        }
        command.addAll(cluster.serverArgs());
        return command;
    }

    static String peers(ClusterFile cluster) {
        StringBuilder peers = new StringBuilder();
        for (ClusterFile.Node node : cluster.nodes()) {
            peers.append(peers.isEmpty() ? "" : ",").append(node.id()).append('=').append(node.peer());
        }
        return peers.toString();
    }

    /** The node's process if it runs: same pid and same start instant as recorded. */
    public static Optional<ProcessHandle> alive(ClusterFile.Node node) {
        if (node.pid() <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(node.pid())
                .filter(ProcessHandle::isAlive)
                .filter(handle -> node.startedAt() == null || node.startedAt().isEmpty()
                        || node.startedAt().equals(startedAt(handle)));
    }

    public static String startedAt(ProcessHandle handle) {
        return handle.info().startInstant().map(Object::toString).orElse("");
    }

    /** SIGKILL, then waits (bounded) until the process is gone. */
    public static boolean kill(ProcessHandle handle) {
        handle.destroyForcibly();
        return awaitExit(handle, Duration.ofSeconds(10));
    }

    /** SIGTERM (a clean stop: the node writes out its log), SIGKILL after {@link #STOP_GRACE}. */
    public static boolean stop(ProcessHandle handle) {
        handle.destroy();
        return awaitExit(handle, STOP_GRACE) || kill(handle);
    }

    private static boolean awaitExit(ProcessHandle handle, Duration limit) {
        try {
            handle.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException stillRunning) {
            return false;
        } catch (ExecutionException impossible) {
            return !handle.isAlive();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    /** Every node's status that answers now, by id. */
    static TreeMap<Integer, NodeStatus> statuses(RaftKvClient client, ClusterFile cluster) {
        TreeMap<Integer, NodeStatus> statuses = new TreeMap<>();
        for (ClusterFile.Node node : cluster.nodes()) {
            if (client.status(node.clientEndpoint()) instanceof Outcome.Ok<NodeStatus> ok) {
                statuses.put(node.id(), ok.value());
            }
        }
        return statuses;
    }

    /** The leader's status once a node leads in the highest term any node reports, or empty at the deadline. */
    static Optional<NodeStatus> awaitLeader(ClusterFile cluster, Duration limit) {
        try (RaftKvClient client = statusClient(cluster)) {
            return await(limit, () -> leader(statuses(client, cluster)));
        }
    }

    /** Node {@code id}'s status once it satisfies {@code condition}, or empty at the deadline. */
    static Optional<NodeStatus> awaitNode(ClusterFile cluster, int id, Duration limit, Predicate<NodeStatus> condition) {
        Endpoint endpoint = cluster.node(id).clientEndpoint();
        try (RaftKvClient client = statusClient(cluster)) {
            return await(limit, () -> client.status(endpoint) instanceof Outcome.Ok<NodeStatus> ok
                    && condition.test(ok.value()) ? Optional.of(ok.value()) : Optional.empty());
        }
    }

    static Optional<NodeStatus> leader(TreeMap<Integer, NodeStatus> statuses) {
        long highestTerm = statuses.values().stream().mapToLong(NodeStatus::term).max().orElse(0);
        return statuses.values().stream().filter(s -> s.leading() && s.term() == highestTerm).findFirst();
    }

    static RaftKvClient statusClient(ClusterFile cluster) {
        return RaftKvClient.connect(RaftKvClient.Options.defaults(cluster.clientEndpoints())
                .withAttemptTimeout(Duration.ofMillis(500)));
    }

    /** Polls {@code probe} until it finds something or {@code limit} passes. */
    public static <T> Optional<T> await(Duration limit, java.util.function.Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Optional<T> found = probe.get();
            if (found.isPresent() || System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                return found;
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    /** The last {@code lines} lines of a node's output and log, for a message about why it died. */
    public static String tail(Path dir, int id, int lines) {
        StringBuilder tail = new StringBuilder();
        for (Path file : List.of(outputFile(dir, id), logFile(dir, id))) {
            try {
                List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                all.subList(Math.max(0, all.size() - lines), all.size())
                        .forEach(line -> tail.append("  ").append(file.getFileName()).append(": ").append(line)
                                .append('\n'));
            } catch (IOException unreadable) {
                // No such file yet: nothing to show from it.
            }
        }
        return tail.toString();
    }
}
