package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.Api;
import io.raftkv.client.Endpoint;
import io.raftkv.client.MembershipReport;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration changes that cannot be made are refused with the reason and exit code 1, and
 * change nothing: a server the cluster file has no address for, promoting a server that is no
 * learner, removing a server that is no member, a change while another is not committed (the
 * leader's followers are killed, so its first change cannot commit; the election timeout is long
 * enough that it still leads when the second arrives), removing the last voter; and malformed
 * requests get 400. A spare that runs but is no member sends clients on with a clear error.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MembershipRefusalTest {
    static final int ELECTION_TIMEOUT_MILLIS = 3000;

    @TempDir
    Path dir;

    @Test
    void impossibleChangesAreRefusedWithTheReason() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, 1, false,
                List.of("--election-timeout-ms=" + ELECTION_TIMEOUT_MILLIS))) {
            cluster.awaitLeader();
            refused(cluster, "add", "9", "there is no server 9");
            refused(cluster, "promote", "4", "server 4 is no learner");
            refused(cluster, "remove", "4", "server 4 is no member");
            try (RaftKvClient client = cluster.client()) {
                assertEquals(Api.BAD_REQUEST, failure(client.changeMembership("frobnicate", 4)));
                assertEquals(Api.BAD_REQUEST, failure(client.changeMembership(Api.OP_ADD_LEARNER, 9)));
            }

            cluster.cluster("restart", "4"); // a spare's process, no member: it knows no leader
            HttpResponse<String> spare = get(cluster.endpoint(4), "/v1/kv/k");
            assertEquals(503, spare.statusCode(), spare.body());
            assertTrue(spare.body().contains(Api.NOT_MEMBER) && spare.body().contains("node 4 is not a member of the"
                    + " cluster's configuration"), spare.body());

            aChangeWhileAnotherIsNotCommittedIsRefused(cluster);

            int leader = cluster.awaitLeader().id();
            List<Integer> followers = new ArrayList<>(List.of(1, 2, 3));
            followers.remove(Integer.valueOf(leader));
            cluster.cluster("remove", followers.get(0).toString());
            cluster.cluster("remove", followers.get(1).toString());
            MembershipReport alone = cluster.awaitLeader().membership();
            assertEquals(List.of(leader), alone.voters(), alone.describe());
            refused(cluster, "remove", Integer.toString(leader), "the last voter cannot be removed");
        }
    }

    /** Kills both followers; the leader appends a change it cannot commit, and refuses the next one. */
    private static void aChangeWhileAnotherIsNotCommittedIsRefused(TestCluster cluster) {
        int leader = cluster.awaitLeader().id();
        List<Integer> followers = new ArrayList<>(List.of(1, 2, 3));
        followers.remove(Integer.valueOf(leader));
        for (int follower : followers) {
            cluster.cluster("kill", Integer.toString(follower));
        }
        Endpoint leaderEndpoint = cluster.endpoint(leader);
        try (RaftKvClient client = RaftKvClient.connect(RaftKvClient.Options.defaults(List.of(leaderEndpoint))
                .withOperationTimeout(Duration.ofSeconds(1)))) {
            Outcome<Long> first = client.changeMembership(Api.OP_ADD_LEARNER, 4);
            assertTrue(first.isOk(), "the leader appends the first change: " + first.describe());
            refused(cluster, "remove", followers.get(0).toString(), "the configuration change at index "
                    + first.value() + " is not committed yet");
        }
        for (int follower : followers) {
            cluster.cluster("restart", Integer.toString(follower));
        }
    }

    private static void refused(TestCluster cluster, String command, String id, String reason) {
        TestCluster.Run run = TestCluster.run("cluster", command, id, "--dir", cluster.dir.toString(),
                "--timeout-ms", "20000");
        assertEquals(MembershipSteps.EXIT_REFUSED, run.exitCode(), run.toString());
        assertTrue(run.err().contains(reason), "'" + reason + "' in: " + run.err());
    }

    private static HttpResponse<String> get(Endpoint endpoint, String path) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + endpoint + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static String failure(Outcome<?> outcome) {
        return outcome instanceof Outcome.Failed<?> failed ? failed.error() : outcome.describe();
    }
}
