package io.raftkv.server;

import io.raftkv.client.Api;
import io.raftkv.client.MembershipReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code raftkv cluster promote N}: only the promotion step of {@code cluster add}. */
@Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Promotes the learner N to voter (one request: the leader refuses a learner whose log is not"
                + " caught up, or a server that is no learner) and waits until the joint configuration is left"
                + " with N a voter.",
            "The wait is at most --timeout-ms. Exit 0: N is a voter; 1: refused (the reason is printed); 2: timed"
                + " out."})
final class ClusterPromote implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "The cluster's directory.")
    Path dir;

    @Option(names = "--timeout-ms", defaultValue = "30000", description = "How long to wait for the joint"
            + " configuration to be left (default ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Parameters(index = "0", paramLabel = "N", description = "The learner to promote.")
    int id;

    @Override
    public Integer call() throws IOException {
        return MembershipSteps.run(spec, "promote", dir, timeoutMillis, steps -> {
            steps.requireKnown(id);
            long joint = steps.change(Api.OP_PROMOTE, id);
            steps.say("node " + id + " promoted: joint configuration entered (configuration entry " + joint + ")");
            MembershipReport done = steps.await("the joint configuration to be left with node " + id + " a voter",
                    view -> view.voters().contains(id) && !view.joint() && view.committed());
            steps.record(done);
            steps.say("node " + id + " is a voter: " + done.describe() + "; leader node " + done.id() + " (term "
                    + done.term() + ")");
            return 0;
        });
    }
}
