package io.raftkv.server;

import io.raftkv.client.ClusterFile;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raftkv cluster failover}: how long the cluster is unavailable for writes when its leader
 * crashes. Each round: wait until every node runs and has applied what the leader committed, write
 * once, SIGKILL the leader, then write the same key until a write is acknowledged; the time from the
 * kill to that acknowledgement is the round's figure. The killed node is restarted before the next
 * round. The client retries every 10 ms at most, so a figure is at most about that much late.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = {"Measures failover: SIGKILL of the leader to the first acknowledged put, --rounds times.",
            "Ends with: failover: <R> rounds, median <M> ms, max <X> ms; election timeout <T> ms (drawn from"
                    + " [T, 2T))"})
final class ClusterFailover implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "A running cluster's directory.")
    Path dir;

    @Option(names = "--rounds", defaultValue = "20", description = "Default ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--wait-seconds", defaultValue = "30", description = "Limit for each wait (default"
            + " ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ClusterFile cluster = ClusterFile.read(dir);
        List<Long> figures = new ArrayList<>();
        int electionTimeout = 0;
        for (int round = 1; round <= rounds; round++) {
            Optional<NodeStatus> leader = settled(cluster);
            if (leader.isEmpty()) {
                spec.commandLine().getErr().println("raftkv cluster failover: the cluster did not settle (every node"
                        + " running and caught up, one leader) within " + waitSeconds + " s");
                return 1;
            }
            electionTimeout = leader.get().electionTimeoutMillis();
            long millis = killAndWrite(cluster, leader.get(), round);
            figures.add(millis);
            out.printf("round %d: killed node %d (leader in term %d); first acknowledged put after %d ms%n", round,
                    leader.get().id(), leader.get().term(), millis);
            out.flush();
            cluster = ClusterRestart.restart(dir, ClusterFile.read(dir), leader.get().id());
        }
        summarize(out, figures, electionTimeout);
        return 0;
    }

    /** Kills the leader and writes until acknowledged; returns the milliseconds in between. */
    private long killAndWrite(ClusterFile cluster, NodeStatus leader, int round) throws IOException {
        RaftKvClient.Options options = RaftKvClient.Options.defaults(cluster.clientEndpoints())
                .withAttemptTimeout(Duration.ofMillis(500))
                .withRetryPauseMax(Duration.ofMillis(10));
        try (RaftKvClient client = RaftKvClient.connect(options)) {
            byte[] before = ("before-" + round).getBytes(StandardCharsets.UTF_8);
            if (!client.put("failover", before).isOk()) {
                throw new IOException("round " + round + ": the put before the kill was not acknowledged");
            }
            ProcessHandle process = NodeProcesses.alive(cluster.node(leader.id())).orElseThrow(() ->
                    new IOException("the leader, node " + leader.id() + ", has no running process"));
            long killed = System.nanoTime();
            // SIGKILL and go on at once: waiting for the exit of a process that is not this JVM's child
            // is done by polling and would delay the first put.
            process.destroyForcibly();
            byte[] after = ("after-" + round).getBytes(StandardCharsets.UTF_8);
            long limit = killed + Duration.ofSeconds(waitSeconds).toNanos();
            Outcome<Long> outcome = client.put("failover", after);
            while (!outcome.isOk() && System.nanoTime() < limit) {
                outcome = client.put("failover", after);
            }
            if (!outcome.isOk()) {
                throw new IOException("round " + round + ": no put acknowledged within " + waitSeconds + " s: "
                        + outcome.describe());
            }
            long millis = (System.nanoTime() - killed) / 1_000_000;
            NodeProcesses.kill(process);
            cluster.withNode(cluster.node(leader.id()).withProcess(0, "")).write(dir);
            return millis;
        }
    }

    /** The leader once every node answers, runs, and has applied everything the leader committed. */
    private Optional<NodeStatus> settled(ClusterFile cluster) {
        try (RaftKvClient client = NodeProcesses.statusClient(cluster)) {
            return NodeProcesses.await(Duration.ofSeconds(waitSeconds), () -> {
                var statuses = NodeProcesses.statuses(client, cluster);
                statuses.keySet().retainAll(cluster.currentMembers()); // spares and removed servers do not count
                Optional<NodeStatus> leader = NodeProcesses.leader(statuses);
                boolean caughtUp = statuses.size() == cluster.currentMembers().size() && leader.isPresent()
                        && statuses.values().stream().allMatch(s -> s.running()
                        && s.appliedIndex() >= leader.get().commitIndex());
                return caughtUp ? leader : Optional.empty();
            });
        }
    }

    private void summarize(PrintWriter out, List<Long> figures, int electionTimeout) {
        List<Long> sorted = figures.stream().sorted().toList();
        int n = sorted.size();
        long median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        out.printf("failover: %d rounds, median %d ms, max %d ms, min %d ms; election timeout %d ms (drawn from"
                + " [%d, %d) ms)%n", n, median, sorted.get(n - 1), sorted.get(0), electionTimeout, electionTimeout,
                2 * electionTimeout);
        out.flush();
    }
}
