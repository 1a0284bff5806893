package io.raftkv.server;

import io.raftkv.client.ClusterFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code raftkv cluster stop}: a clean stop of every node (SIGTERM; SIGKILL after 10 s). */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stops every node of the cluster (SIGTERM, then SIGKILL after 10 s); the data stays.")
final class ClusterStop implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "The cluster's directory.")
    Path dir;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ClusterFile cluster = ClusterFile.read(dir);
        int stopped = 0;
        for (ClusterFile.Node node : cluster.nodes()) {
            Optional<ProcessHandle> process = NodeProcesses.alive(node);
            if (process.isPresent()) {
                NodeProcesses.stop(process.get());
                stopped++;
            }
            cluster = cluster.withNode(node.withProcess(0, ""));
        }
        cluster.write(dir);
        out.println("cluster: stopped " + stopped + " node(s) in " + dir);
        out.flush();
        return 0;
    }
}
