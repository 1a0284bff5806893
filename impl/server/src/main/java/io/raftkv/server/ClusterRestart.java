package io.raftkv.server;

import io.raftkv.client.ClusterFile;
import io.raftkv.client.NodeStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code raftkv cluster restart N}: starts node N again over its data (stopping it first if it runs). */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = "Starts node N again over its data directory (a clean stop first if it runs) and waits until"
                + " it answers.")
final class ClusterRestart implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "The cluster's directory.")
    Path dir;

    @Parameters(index = "0", paramLabel = "N", description = "The node's id.")
    int id;

    @Option(names = "--wait-seconds", defaultValue = "30", description = "How long to wait for it to answer"
            + " (default ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ClusterFile cluster = ClusterFile.read(dir);
        NodeProcesses.alive(cluster.node(id)).ifPresent(NodeProcesses::stop);
        cluster = restart(dir, cluster, id);
        Optional<NodeStatus> status = NodeProcesses.awaitNode(cluster, id, Duration.ofSeconds(waitSeconds),
                NodeStatus::running);
        if (status.isEmpty()) {
            spec.commandLine().getErr().println("raftkv cluster restart: node " + id + " did not answer within "
                    + waitSeconds + " s; its last lines:\n" + NodeProcesses.tail(dir, id, 5));
            return 1;
        }
        out.println("cluster: restarted node " + id + " (pid " + cluster.node(id).pid() + "), "
                + status.get().role().toLowerCase(java.util.Locale.ROOT) + " in term " + status.get().term()
                + ", applied index " + status.get().appliedIndex());
        out.flush();
        return 0;
    }

    /** Spawns node {@code id} and records its process; returns the updated cluster. */
    static ClusterFile restart(Path dir, ClusterFile cluster, int id) throws IOException {
        ClusterFile updated = cluster.withNode(NodeProcesses.spawn(dir, cluster, id));
        updated.write(dir);
        return updated;
    }
}
