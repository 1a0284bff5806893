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

/**
 * {@code raftkv cluster add N}: a server of the cluster file joins as a voter, the safe way (thesis
 * §4.2.1, §4.3): as a learner first, which receives the log without counting in any quorum, and
 * only once its log has caught up is it promoted through the joint configuration, so the new voter
 * never stalls commits while it copies the log.
 */
@Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Makes server N of the cluster file a voter: starts its process if it does not run, adds it"
                + " as a learner, waits until its log has caught up with the leader's, promotes it (joint"
                + " configuration), and waits until the joint configuration is left with N a voter. Prints each"
                + " step. Resumes from where an earlier run stopped (N already a learner).",
            "Each step waits at most --timeout-ms. Exit 0: N is a voter; 1: refused (the reason is printed: no"
                + " such server, another change in progress, ...); 2: a step timed out."})
final class ClusterAdd implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "The cluster's directory.")
    Path dir;

    @Option(names = "--timeout-ms", defaultValue = "30000", description = "Each step waits at most this long"
            + " (default ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Parameters(index = "0", paramLabel = "N", description = "The server to add (one of the cluster file's).")
    int id;

    @Override
    public Integer call() throws IOException {
        return MembershipSteps.run(spec, "add", dir, timeoutMillis, this::add);
    }

    private int add(MembershipSteps steps) throws MembershipSteps.Failed, IOException {
        steps.requireKnown(id);
        MembershipReport now = steps.leaderView("a leader");
        if (now.voters().contains(id) && !now.joint()) {
            steps.say("node " + id + " is a voter already (" + now.describe() + "); nothing to do");
            return 0;
        }
        steps.ensureRunning(id);
        if (!now.isLearner(id)) {
            long index = steps.change(Api.OP_ADD_LEARNER, id);
            steps.say("node " + id + " added as a learner (configuration entry " + index + ")");
        }
        MembershipReport learning = steps.await("node " + id + " to be a learner of a committed configuration",
                view -> view.isLearner(id) && view.committed());
        steps.record(learning);
        long target = learning.commitIndex();
        MembershipReport caughtUp = steps.await("node " + id + "'s log to reach index " + target,
                view -> view.matchIndex().getOrDefault(id, 0L) >= target);
        steps.say("node " + id + " caught up: it holds the log up to " + caughtUp.matchIndex().get(id) + " (leader's"
                + " last index " + caughtUp.lastIndex() + ")");
        long joint = steps.promoteOnceCaughtUp(id);
        steps.say("node " + id + " promoted: joint configuration entered (configuration entry " + joint + ")");
        MembershipReport done = steps.await("the joint configuration to be left with node " + id + " a voter",
                view -> view.voters().contains(id) && !view.joint() && view.committed());
        steps.record(done);
        steps.say("node " + id + " is a voter: " + done.describe() + "; leader node " + done.id() + " (term "
                + done.term() + ")");
        return 0;
    }
}
