package io.raftkv.server;

import io.raftkv.client.ClusterFile;
import io.raftkv.client.NodeStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
 * {@code raftkv cluster start}: starts N server processes on 127.0.0.1..N and returns once one of
 * them leads. On a directory that already holds a stopped cluster it starts that cluster again with
 * its recorded settings, and every node recovers from its data directory.
 */
@Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Starts a local cluster of raftkv server processes (node N on 127.0.0.N) and waits for a"
                + " leader. On a DIR with a stopped cluster, starts it again over its data.")
final class ClusterStart implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "Where the cluster lives (created if missing).")
    Path dir;

    @Option(names = "--nodes", defaultValue = "3", description = "Number of nodes, the initial voters 1..N"
            + " (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--spares", defaultValue = "0", paramLabel = "K", description = "Servers N+1..N+K whose"
            + " addresses every node knows but which are not started: raftkv cluster add joins one (default"
            + " ${DEFAULT-VALUE}).")
    int spares;

    @Option(names = "--trace", description = "Each node writes an NDJSON trace into DIR/traces.")
    boolean trace;

    @Option(names = "--peer-port", defaultValue = "7001", description = "Peer port on every 127.0.0.N (default"
            + " ${DEFAULT-VALUE}).")
    int peerPort;

    @Option(names = "--client-port", defaultValue = "8001", description = "HTTP port on every 127.0.0.N (default"
            + " ${DEFAULT-VALUE}).")
    int clientPort;

    @Option(names = "--cluster-id", defaultValue = ServerConfig.DEFAULT_CLUSTER_ID, description = "Default"
            + " ${DEFAULT-VALUE}.")
    String clusterId;

    @Option(names = "--election-timeout-ms", defaultValue = "300", description = "Default ${DEFAULT-VALUE}.")
    int electionTimeoutMillis;

    @Option(names = "--snapshot-entries", defaultValue = "10000", paramLabel = "N", description = "Each server"
            + " snapshots its state and compacts its log every N applied entries; 0 never (default"
            + " ${DEFAULT-VALUE}; passed to every server as --snapshot-entries).")
    long snapshotEntries;

    @Option(names = "--lease-reads", description = "Every server runs with --lease-reads: ?consistency=lease reads"
            + " are answered from the leader's lease, without a heartbeat round (see raftkv server --help).")
    boolean leaseReads;

    @Option(names = "--lease-drift-ms", paramLabel = "MS", description = "With --lease-reads: the clock-drift bound"
            + " passed to every server (default " + ServerConfig.DEFAULT_LEASE_DRIFT_MILLIS + ").")
    Integer leaseDriftMillis;

    @Option(names = "--jvm-arg", paramLabel = "ARG", description = "Passed to every server's JVM (repeat; e.g."
            + " --jvm-arg=-Xmx1g).")
    List<String> jvmArgs = new ArrayList<>();

    @Option(names = "--server-arg", paramLabel = "ARG", description = "Passed to every raftkv server (repeat;"
            + " e.g. --server-arg=--max-body-bytes=4096).")
    List<String> serverArgs = new ArrayList<>();

    @Option(names = "--wait-seconds", defaultValue = "30", description = "How long to wait for a leader (default"
            + " ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Files.createDirectories(dir);
        ClusterFile cluster;
        try {
            cluster = ClusterFile.exists(dir) ? ClusterFile.read(dir) : fresh();
        } catch (IllegalArgumentException invalid) {
            err.println("raftkv cluster start: " + invalid.getMessage());
            return 1;
        }
        if (leaseReads && !cluster.serverArgs().contains(LEASE_READS)) {
            err.println("raftkv cluster start: the cluster in " + dir + " was made without --lease-reads, and every"
                    + " server of a cluster must have the same setting; start a new cluster (another --dir) with it");
            return 1;
        }
        for (ClusterFile.Node node : cluster.nodes()) {
            if (NodeProcesses.alive(node).isPresent()) {
                err.println("raftkv cluster start: node " + node.id() + " of the cluster in " + dir + " runs already"
                        + " (pid " + node.pid() + "); stop it first: raftkv cluster stop --dir " + dir);
                return 1;
            }
        }
        for (int id : cluster.currentMembers()) { // spares wait for cluster add, removed servers stay down
            cluster = cluster.withNode(NodeProcesses.spawn(dir, cluster, id));
            cluster.write(dir); // recorded at once, so that stop finds every process that was started
        }
        Optional<NodeStatus> leader = NodeProcesses.awaitLeader(cluster, Duration.ofSeconds(waitSeconds));
        if (leader.isEmpty()) {
            err.println("raftkv cluster start: no leader within " + waitSeconds + " s; the nodes keep running (raftkv"
                    + " cluster stop --dir " + dir + ")");
            for (int id : cluster.currentMembers()) {
                err.print(diagnose(cluster.node(id)));
            }
            return 1;
        }
        describe(out, cluster, leader.get());
        return 0;
    }

    private ClusterFile fresh() {
        if (nodes < 1 || nodes > 254) {
            throw new IllegalArgumentException("--nodes must be in 1..254, got " + nodes);
        }
        if (spares < 0 || nodes + spares > 254) {
            throw new IllegalArgumentException("--spares must be >= 0 and --nodes + --spares at most 254, got "
                    + spares);
        }
        List<ClusterFile.Node> members = new ArrayList<>();
        List<Integer> voters = new ArrayList<>();
        for (int id = 1; id <= nodes + spares; id++) {
            if (id <= nodes) {
                voters.add(id);
            }
            members.add(new ClusterFile.Node(id, "127.0.0." + id + ":" + peerPort, "127.0.0." + id + ":" + clientPort,
                    0, ""));
        }
        List<String> args = new ArrayList<>(List.of("--election-timeout-ms", Integer.toString(electionTimeoutMillis),
                "--snapshot-entries", Long.toString(snapshotEntries)));
        args.addAll(leaseArgs());
        args.addAll(serverArgs);
        return spares == 0 ? new ClusterFile(clusterId, members, jvmArgs, args, trace)
                : new ClusterFile(clusterId, members, jvmArgs, args, trace, voters, voters);
    }

    static final String LEASE_READS = "--lease-reads";

    /** --lease-reads and the drift bound for every server; the drift alone is refused (it would be ignored). */
    private List<String> leaseArgs() {
        if (!leaseReads) {
            if (leaseDriftMillis != null) {
                throw new IllegalArgumentException("--lease-drift-ms " + leaseDriftMillis + " is a setting of lease"
                        + " reads: give --lease-reads too, or leave it out");
            }
            return List.of();
        }
        return leaseDriftMillis == null ? List.of(LEASE_READS)
                : List.of(LEASE_READS, "--lease-drift-ms", Integer.toString(leaseDriftMillis));
    }

    private String diagnose(ClusterFile.Node node) {
        String state = NodeProcesses.alive(node).isPresent() ? "running" : "NOT running";
        return "node " + node.id() + " (pid " + node.pid() + ") is " + state + "; its last lines:\n"
                + NodeProcesses.tail(dir, node.id(), 5);
    }

    private void describe(PrintWriter out, ClusterFile cluster, NodeStatus leader) {
        out.println("cluster: " + cluster.currentMembers().size() + " nodes running in " + dir + "; leader: node "
                + leader.id() + " (term " + leader.term() + ")");
        for (ClusterFile.Node node : cluster.nodes()) {
            if (cluster.currentMembers().contains(node.id())) {
                out.printf("  node %d  pid %-7d  client http://%s  peer %s  log %s%n", node.id(), node.pid(),
                        node.client(), node.peer(), NodeProcesses.logFile(dir, node.id()));
            } else {
                out.printf("  node %d  (no member, not started: raftkv cluster add %d --dir %s)  client http://%s  peer %s%n",
                        node.id(), node.id(), dir, node.client(), node.peer());
            }
        }
        String any = cluster.node(cluster.currentMembers().get(0)).client();
        out.println("try:");
        out.println("  curl -L -X PUT --data-binary 'world' http://" + any + "/v1/kv/hello");
        out.println("  curl -L http://" + any + "/v1/kv/hello");
        if (leader.leaseReads()) {
            out.println("  curl -L 'http://" + any + "/v1/kv/hello?consistency=lease'    # from the leader's lease ("
                    + leader.leaseMillis() + " ms)");
        }
        out.println("  raftkv kv get hello --cluster " + dir);
        out.println("  raftkv cluster status --dir " + dir);
        out.flush();
    }
}
