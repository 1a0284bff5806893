package io.raftkv.server;

import ch.qos.logback.classic.Level;
import io.raftkv.cli.CliCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raftkv server}: runs one node until it is stopped (SIGTERM, Ctrl-C: a clean stop that
 * writes out the log) or stops on its own (fail-stop: exit 2 with the cause). A node that cannot
 * start (a corrupt data directory, an address in use) exits 1 with the reason, for a corrupt log
 * naming the file and the offset.
 */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs one raftkv node: write-ahead log in --data, Raft with the --peers, the HTTP/JSON"
                + " client API on --client-port of its own peer host.",
            "Exit 1: it could not start; 2: it stopped on its own (fail-stop, e.g. a storage error)."})
public final class ServerCommand implements CliCommand {
    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);
    static final int EXIT_CANNOT_START = 1;
    static final int EXIT_FAIL_STOP = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--id", required = true, description = "This node's id (one of --peers).")
    int id;

    @Option(names = "--peers", required = true, paramLabel = "ID=HOST:PORT,...",
            description = "Every member's peer address, this node's included; node N listens on its own.")
    String peers;

    @Option(names = "--voters", paramLabel = "ID,...", description = "The initial voters (default: every"
            + " peer). A node not among them starts as no member of the configuration, with an empty --data, and"
            + " waits for the leader's log: it joins by a configuration change (raftkv cluster add).")
    String voters;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The node's data directory"
            + " (created if missing; recovered if not empty).")
    Path data;

    @Option(names = "--client-port", defaultValue = "" + ServerConfig.DEFAULT_CLIENT_PORT,
            description = "HTTP port on this node's peer host; the same on every node (default ${DEFAULT-VALUE}).")
    int clientPort;

    @Option(names = "--cluster-id", defaultValue = ServerConfig.DEFAULT_CLUSTER_ID,
            description = "Checked in the peer handshake (default ${DEFAULT-VALUE}).")
    String clusterId;

    @Option(names = "--trace", paramLabel = "FILE", description = "Write the core's events as NDJSON to FILE.")
    Path trace;

    @Option(names = "--tick-ms", defaultValue = "10", description = "Wall time per tick (default ${DEFAULT-VALUE}).")
    int tickMillis;

    @Option(names = "--election-timeout-ms", defaultValue = "300",
            description = "Election timeout, drawn from [T, 2T) (default ${DEFAULT-VALUE}).")
    int electionTimeoutMillis;

    @Option(names = "--heartbeat-ms", defaultValue = "50", description = "Heartbeat interval (default"
            + " ${DEFAULT-VALUE}).")
    int heartbeatMillis;

    @Option(names = "--max-body-bytes", defaultValue = "1049600", description = "Larger request bodies get 413"
            + " (default ${DEFAULT-VALUE}: a 1 MiB value and some JSON).")
    int maxBodyBytes;

    @Option(names = "--request-timeout-ms", defaultValue = "5000", description = "A request not applied by then"
            + " gets 504, unknown outcome (default ${DEFAULT-VALUE}).")
    int requestTimeoutMillis;

    @Option(names = "--http-threads", defaultValue = "2", description = "Threads serving clients (default"
            + " ${DEFAULT-VALUE}).")
    int httpThreads;

    @Option(names = "--max-connections", defaultValue = "1024", description = "Client connections at once"
            + " (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-pending-requests", defaultValue = "4096", description = "Requests waiting on the log"
            + " at once; more get 503 (default ${DEFAULT-VALUE}).")
    int maxPendingRequests;

    @Option(names = "--wal-segment-bytes", defaultValue = "67108864", paramLabel = "BYTES", description = "Seal a"
            + " write-ahead log segment and start the next at this size (default ${DEFAULT-VALUE}, 64 MiB).")
    long walSegmentBytes;

    @Option(names = "--snapshot-entries", defaultValue = "10000", paramLabel = "N", description = "Snapshot the"
            + " state machine and compact the log once N entries were applied since the last snapshot; 0 never"
            + " (default ${DEFAULT-VALUE}).")
    long snapshotEntries;

    @Option(names = "--lease-reads", description = "Serve ?consistency=lease reads without a heartbeat round"
            + " while the leader holds a lease (the election timeout minus 2 ticks minus --lease-drift-ms, from the"
            + " start of a heartbeat round a quorum answered); every node then refuses to vote for one election"
            + " timeout after hearing the leader or starting. Give it to every server of the cluster or to none.")
    boolean leaseReads;

    @Option(names = "--lease-drift-ms", paramLabel = "MS", description = "With --lease-reads: how much slower"
            + " the leader's clock may run than a follower's over one election timeout; the lease is shortened by it"
            + " (rounded up to whole ticks; default " + ServerConfig.DEFAULT_LEASE_DRIFT_MILLIS + ").")
    Integer leaseDriftMillis;

    @Option(names = "--seed", description = "Seeds the election timeouts (default: random, logged).")
    Long seed;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        // This process is a server: its log shows what the node and its transport do.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.raftkv")).setLevel(Level.INFO);
        ServerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException invalid) {
            err.println("raftkv server: " + invalid.getMessage());
            return EXIT_CANNOT_START;
        }
        RaftKvServer server;
        try {
            server = RaftKvServer.start(config);
        } catch (RaftKvServer.StartException failed) {
            log.error("node {} cannot start: {}", id, failed.getMessage());
            err.println("raftkv server: node " + id + " cannot start: " + failed.getMessage());
            err.flush();
            return EXIT_CANNOT_START;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "raftkv-shutdown-" + id));
        Throwable cause = server.awaitStop();
        if (cause == null) {
            return 0;
        }
        log.error("node {} stopped (fail-stop): {}", id, cause.toString(), cause);
        err.println("raftkv server: node " + id + " stopped (fail-stop): " + cause);
        err.flush();
        server.close();
        return EXIT_FAIL_STOP;
    }

    ServerConfig config() {
        return new ServerConfig(id, ServerConfig.parsePeers(peers), data, clientPort, clusterId, trace, tickMillis,
                electionTimeoutMillis, heartbeatMillis, maxBodyBytes, requestTimeoutMillis, httpThreads, maxConnections,
                maxPendingRequests, seed != null ? seed : ThreadLocalRandom.current().nextLong(), walSegmentBytes,
                snapshotEntries, voters == null ? null : ServerConfig.parseVoters(voters), leaseReads,
                leaseDrift());
    }

    private int leaseDrift() {
        if (leaseDriftMillis != null && !leaseReads) {
            throw new IllegalArgumentException("--lease-drift-ms " + leaseDriftMillis + " is a setting of lease"
                    + " reads: give --lease-reads too, or leave it out");
        }
        return leaseDriftMillis != null ? leaseDriftMillis : ServerConfig.DEFAULT_LEASE_DRIFT_MILLIS;
    }
}
