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
 * {@code raftkv cluster remove N}: N leaves the configuration, a learner at once, a voter through
 * the joint configuration (thesis §4.3). The leader may remove itself: it leads the joint phase,
 * and steps down once the new configuration is committed (§4.2.2); the others elect a leader among
 * themselves. N's process is stopped only once the change is committed, so a removed voter keeps
 * serving its half of the joint quorum until it is not needed.
 */
@Command(name = "remove", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Removes server N from the configuration (a learner at once; a voter, the leader too, through"
                + " the joint configuration), waits until a leader reports a committed configuration without N,"
                + " then stops N's process.",
            "Each wait is at most --timeout-ms. Exit 0: N is removed and stopped; 1: refused (the reason is"
                + " printed: no such member, the last voter, another change in progress, ...); 2: timed out."})
final class ClusterRemove implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "The cluster's directory.")
    Path dir;

    @Option(names = "--timeout-ms", defaultValue = "30000", description = "Each step waits at most this long"
            + " (default ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Parameters(index = "0", paramLabel = "N", description = "The server to remove.")
    int id;

    @Override
    public Integer call() throws IOException {
        return MembershipSteps.run(spec, "remove", dir, timeoutMillis, steps -> {
            steps.requireKnown(id);
            MembershipReport before = steps.leaderView("a leader");
            long index = steps.change(Api.OP_REMOVE, id);
            String how = before.isLearner(id) ? "a learner, removed at once"
                    : "a voter, through the joint configuration" + (before.id() == id ? "; node " + id + " leads and"
                            + " steps down once the new configuration is committed" : "");
            steps.say("removing node " + id + " (" + how + "): configuration entry " + index);
            MembershipReport done = steps.await("a committed configuration without node " + id,
                    view -> view.id() != id && !view.isMember(id) && !view.joint() && view.committed());
            steps.record(done);
            steps.say("node " + id + " removed: " + done.describe() + "; leader node " + done.id() + " (term "
                    + done.term() + ")");
            steps.stop(id);
            return 0;
        });
    }
}
