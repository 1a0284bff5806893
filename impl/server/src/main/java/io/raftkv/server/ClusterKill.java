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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code raftkv cluster kill N}: SIGKILL (kill -9) of node N's process, as a crash. */
@Command(name = "kill", mixinStandardHelpOptions = true,
        description = "Kills node N's process with SIGKILL (a crash: nothing is written out).")
final class ClusterKill implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "The cluster's directory.")
    Path dir;

    @Parameters(index = "0", paramLabel = "N", description = "The node's id.")
    int id;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ClusterFile cluster = ClusterFile.read(dir);
        ClusterFile.Node node = cluster.node(id);
        Optional<ProcessHandle> process = NodeProcesses.alive(node);
        if (process.isEmpty()) {
            spec.commandLine().getErr().println("raftkv cluster kill: node " + id + " is not running");
            return 1;
        }
        boolean gone = NodeProcesses.kill(process.get());
        cluster.withNode(node.withProcess(0, "")).write(dir);
        out.println("cluster: killed node " + id + " (pid " + node.pid() + ")" + (gone ? "" : ", but it has not exited"
                + " yet"));
        out.flush();
        return gone ? 0 : 1;
    }
}
