package io.raftkv.server;

import io.raftkv.client.Api;
import io.raftkv.client.ClusterFile;
import io.raftkv.client.MembershipReport;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The steps {@code raftkv cluster add|remove|promote} are made of: ask the leader for one
 * configuration change (POST /v1/admin/members), then watch the configuration the leader reports
 * (GET /v1/admin/members) until the change took effect, each wait bounded by the step timeout.
 * A step that cannot succeed throws {@link Failed} with the exit code and the reason; the commands
 * print it.
 */
final class MembershipSteps implements AutoCloseable {
    static final int EXIT_REFUSED = 1;
    static final int EXIT_TIMED_OUT = 2;
    static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    /** A step failed: the command exits with {@code exitCode} and prints the message. */
    static final class Failed extends Exception {
        final int exitCode;

        Failed(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    private final Path dir;
    private final PrintWriter out;
    private final Duration stepTimeout;
    private final RaftKvClient client;
    private ClusterFile cluster;

    /** What one of the cluster commands does with the steps. */
    @FunctionalInterface
    interface Body {
        int run(MembershipSteps steps) throws Failed, IOException;
    }

    /**
     * Runs a cluster command's {@code body} over the cluster in {@code dir}: its exit code, or, when a
     * step fails, the failure's (the reason printed as {@code raftkv cluster <command>: ...}).
     */
    static int run(picocli.CommandLine.Model.CommandSpec spec, String command, Path dir, long timeoutMillis,
            Body body) throws IOException {
        try (MembershipSteps steps = new MembershipSteps(dir, spec.commandLine().getOut(),
                Duration.ofMillis(timeoutMillis))) {
            return body.run(steps);
        } catch (Failed failed) {
            spec.commandLine().getErr().println("raftkv cluster " + command + ": " + failed.getMessage());
            spec.commandLine().getErr().flush();
            return failed.exitCode;
        }
    }

    MembershipSteps(Path dir, PrintWriter out, Duration stepTimeout) throws IOException {
        this.dir = dir;
        this.out = out;
        this.stepTimeout = stepTimeout;
        this.cluster = ClusterFile.read(dir);
        this.client = RaftKvClient.connect(RaftKvClient.Options.defaults(cluster.clientEndpoints())
                .withAttemptTimeout(Duration.ofMillis(1000)).withOperationTimeout(stepTimeout));
    }

    /** Refuses a server the cluster file has no address for: no member could ever reach it. */
    void requireKnown(int id) throws Failed {
        if (!cluster.ids().contains(id)) {
            throw new Failed(EXIT_REFUSED, "there is no server " + id + " in " + ClusterFile.path(dir) + " (servers "
                    + cluster.ids() + "); a server joins only if every member knows its address: start the"
                    + " cluster with --spares K to have spare servers");
        }
    }

    /** The leader's view of the configuration, once a node leads. */
    MembershipReport leaderView(String what) throws Failed {
        return await(what, view -> true);
    }

    /**
     * The configuration as the node that leads in the highest term reports it, once it satisfies
     * {@code condition}; {@link Failed} (timed out) after the step timeout.
     */
    MembershipReport await(String what, Predicate<MembershipReport> condition) throws Failed {
        long deadline = System.nanoTime() + stepTimeout.toNanos();
        MembershipReport last = null;
        while (true) {
            Optional<MembershipReport> leader = leader();
            if (leader.isPresent()) {
                last = leader.get();
                if (condition.test(last)) {
                    return last;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new Failed(EXIT_TIMED_OUT, "timed out after " + stepTimeout.toMillis() + " ms waiting for " + what
                        + (last == null ? " (no node leads)" : "; the leader, node " + last.id() + ", reports "
                        + last.describe()));
            }
            LockSupport.parkNanos(NodeProcesses.POLL_INTERVAL.toNanos());
        }
    }

    /** The view of the node that leads in the highest term any node reports. */
    private Optional<MembershipReport> leader() {
        List<MembershipReport> views = new ArrayList<>();
        for (ClusterFile.Node node : cluster.nodes()) {
            if (client.membership(node.clientEndpoint()) instanceof Outcome.Ok<MembershipReport> ok) {
                views.add(ok.value());
            }
        }
        long highestTerm = views.stream().mapToLong(MembershipReport::term).max().orElse(0);
        return views.stream().filter(v -> v.leading() && v.term() == highestTerm).findFirst();
    }

    /** Asks the leader for one change; the CONFIG entry's index, or {@link Failed} with the leader's reason. */
    long change(String op, int id) throws Failed {
        Outcome<Long> outcome = client.changeMembership(op, id);
        return switch (outcome) {
            case Outcome.Ok<Long> ok -> ok.value();
            case Outcome.Failed<Long> failed -> throw new Failed(failed.error().equals(Api.TIMEOUT) ? EXIT_TIMED_OUT
                    : EXIT_REFUSED, op + " " + id + " refused: " + failed.message());
            case Outcome.Unknown<Long> unknown -> throw new Failed(EXIT_TIMED_OUT, op + " " + id + ": "
                    + unknown.message() + " (the change may still take effect: raftkv cluster status --dir " + dir + ")");
        };
    }

    /**
     * Promotes {@code id}, asking again while the leader answers that the learner is not caught up
     * (its log may still be short of the leader's last entries), until the step timeout.
     */
    long promoteOnceCaughtUp(int id) throws Failed {
        long deadline = System.nanoTime() + stepTimeout.toNanos();
        while (true) {
            try {
                return change(Api.OP_PROMOTE, id);
            } catch (Failed refused) {
                if (!refused.getMessage().contains("not caught up") || System.nanoTime() > deadline) {
                    throw refused;
                }
                LockSupport.parkNanos(RETRY_PAUSE.toNanos());
            }
        }
    }

    /** Starts node {@code id}'s process unless it runs. */
    void ensureRunning(int id) throws IOException {
        ClusterFile.Node node = cluster.node(id);
        if (NodeProcesses.alive(node).isPresent()) {
            say("node " + id + " runs already (pid " + node.pid() + ")");
            return;
        }
        cluster = cluster.withNode(NodeProcesses.spawn(dir, cluster, id));
        cluster.write(dir);
        say("started node " + id + " (pid " + cluster.node(id).pid() + ", log " + NodeProcesses.logFile(dir, id) + ")");
    }

    /** Stops node {@code id}'s process if it runs (SIGTERM, then SIGKILL after a grace period). */
    void stop(int id) throws IOException {
        ClusterFile.Node node = cluster.node(id);
        Optional<ProcessHandle> process = NodeProcesses.alive(node);
        cluster = cluster.withNode(node.withProcess(0, ""));
        cluster.write(dir);
        if (process.isPresent()) {
            NodeProcesses.stop(process.get());
            say("stopped node " + id + " (pid " + node.pid() + ")");
        }
    }

    /** Records the configuration's members in the cluster file (what cluster start starts, clients try first). */
    void record(MembershipReport view) throws IOException {
        TreeSet<Integer> members = new TreeSet<>(view.voters());
        members.addAll(view.outgoing());
        members.addAll(view.learners());
        cluster = cluster.withMembers(List.copyOf(members));
        cluster.write(dir);
    }

    void say(String line) {
        out.println("cluster: " + line);
        out.flush();
    }

    @Override
    public void close() {
        client.close();
    }
}
