package io.raftkv.server;

import io.raftkv.client.ClusterFile;
import io.raftkv.client.MembershipReport;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.RaftKvClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code raftkv cluster status}: each node's process and its view of the cluster. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows each node: process, role, place in the leader's configuration (voter, learner,"
                + " outgoing: a voter being removed, -: no member), term, leader, commit and applied index; then the"
                + " leader's configuration.")
final class ClusterStatus implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "The cluster's directory.")
    Path dir;

    /** The server's place in the configuration: voter, learner, outgoing (a voter being removed), or -. */
    static String memberRole(MembershipReport configuration, int id) {
        if (configuration.voters().contains(id)) {
            return "voter";
        }
        if (configuration.outgoing().contains(id)) {
            return "outgoing";
        }
        return configuration.isLearner(id) ? "learner" : "-";
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ClusterFile cluster = ClusterFile.read(dir);
        TreeMap<Integer, NodeStatus> statuses;
        try (RaftKvClient client = NodeProcesses.statusClient(cluster)) {
            statuses = NodeProcesses.statuses(client, cluster);
        }
        Optional<MembershipReport> configuration = NodeProcesses.leader(statuses).map(NodeStatus::membership);
        out.printf("%-5s %-8s %-8s %-13s %-10s %6s %6s %8s %8s  %s%n", "node", "pid", "process", "role", "member",
                "term", "leader", "commit", "applied", "client");
        for (ClusterFile.Node node : cluster.nodes()) {
            boolean running = NodeProcesses.alive(node).isPresent();
            NodeStatus status = statuses.get(node.id());
            String pid = running ? Long.toString(node.pid()) : "-";
            String member = configuration.map(c -> memberRole(c, node.id())).orElse("?");
            if (status == null) {
                out.printf("%-5d %-8s %-8s %-13s %-10s %6s %6s %8s %8s  %s%n", node.id(), pid,
                        running ? "running" : "down", running ? "(no answer)" : "-", member, "-", "-", "-", "-",
                        node.client());
            } else {
                out.printf("%-5d %-8s %-8s %-13s %-10s %6d %6d %8d %8d  %s%n", node.id(), pid,
                        running ? "running" : "?", status.role(), member, status.term(), status.leader(),
                        status.commitIndex(), status.appliedIndex(), node.client());
            }
        }
        out.println(configuration.map(c -> "configuration (the leader's, node " + c.id() + "): " + c.describe())
                .orElse("configuration: unknown (no node leads)"));
        statuses.values().stream().filter(NodeStatus::leaseReads).findFirst().ifPresent(any -> out.println(
                leaseReads(any.leaseMillis(), statuses)));
        out.flush();
        return 0;
    }

    /**
     * One line: the lease length, and each answering node's reads by lease, by its own round and
     * forwarded to its leader (as a follower) since it started.
     */
    static String leaseReads(int leaseMillis, TreeMap<Integer, NodeStatus> statuses) {
        StringBuilder line = new StringBuilder("lease reads: on, lease " + leaseMillis + " ms; reads answered"
                + " by lease / by ReadIndex round / forwarded to the leader since each process started:");
        for (NodeStatus status : statuses.values()) {
            line.append(" node ").append(status.id()).append(' ').append(status.readsByLease()).append(" / ")
                    .append(status.readsByReadIndex()).append(" / ").append(status.readsForwarded()).append(';');
        }
        line.setLength(line.length() - 1);
        return line.toString();
    }
}
