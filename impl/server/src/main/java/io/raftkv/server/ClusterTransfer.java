package io.raftkv.server;

import io.raftkv.client.ClusterFile;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
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

/** {@code raftkv cluster transfer N}: the leader hands leadership to node N; waits until N leads. */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description = "Asks the leader to hand leadership to node N (TimeoutNow once N's log is complete) and"
                + " waits until N leads.")
final class ClusterTransfer implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "The cluster's directory.")
    Path dir;

    @Option(names = "--timeout-ms", defaultValue = "10000", description = "How long to wait for N to lead.")
    long timeoutMillis;

    @Parameters(index = "0", paramLabel = "N", description = "The node that is to lead.")
    int id;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterFile cluster = ClusterFile.read(dir);
        cluster.node(id);
        Outcome<Integer> asked;
        try (RaftKvClient client = NodeProcesses.statusClient(cluster)) {
            asked = client.transferLeadership(id);
        }
        if (!asked.isOk()) {
            err.println("raftkv cluster transfer: " + asked.describe());
            return 1;
        }
        Optional<NodeStatus> leading = NodeProcesses.awaitNode(cluster, id, Duration.ofMillis(timeoutMillis),
                NodeStatus::leading);
        if (leading.isEmpty()) {
            err.println("raftkv cluster transfer: node " + id + " did not take over within " + timeoutMillis
                    + " ms (the leader gives a transfer up after an election timeout)");
            return 1;
        }
        out.println("cluster: node " + id + " leads (term " + leading.get().term() + ")");
        out.flush();
        return 0;
    }
}
