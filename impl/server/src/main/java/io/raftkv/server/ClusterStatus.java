package io.raftkv.server;

import io.raftkv.client.ClusterFile;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.RaftKvClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code raftkv cluster status}: each node's process and its view of the cluster. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows each node: process, role, term, leader, commit and applied index.")
final class ClusterStatus implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "The cluster's directory.")
    Path dir;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ClusterFile cluster = ClusterFile.read(dir);
        TreeMap<Integer, NodeStatus> statuses;
        try (RaftKvClient client = NodeProcesses.statusClient(cluster)) {
            statuses = NodeProcesses.statuses(client, cluster);
        }
        out.printf("%-5s %-8s %-8s %-13s %6s %6s %8s %8s  %s%n", "node", "pid", "process", "role", "term", "leader",
                "commit", "applied", "client");
        for (ClusterFile.Node node : cluster.nodes()) {
            boolean running = NodeProcesses.alive(node).isPresent();
            NodeStatus status = statuses.get(node.id());
            String pid = running ? Long.toString(node.pid()) : "-";
            if (status == null) {
                out.printf("%-5d %-8s %-8s %-13s %6s %6s %8s %8s  %s%n", node.id(), pid, running ? "running" : "down",
                        running ? "(no answer)" : "-", "-", "-", "-", "-", node.client());
            } else {
                out.printf("%-5d %-8s %-8s %-13s %6d %6d %8d %8d  %s%n", node.id(), pid, running ? "running" : "?",
                        status.role(), status.term(), status.leader(), status.commitIndex(), status.appliedIndex(),
                        node.client());
            }
        }
        out.flush();
        return 0;
    }
}
