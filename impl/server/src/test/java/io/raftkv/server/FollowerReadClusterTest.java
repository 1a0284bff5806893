package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.client.Api;
import io.raftkv.client.Endpoint;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.RaftKvClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Followers answer linearizable reads themselves (thesis §6.4), on real server processes: in a
 * 3-node cluster, after a write the leader acknowledged, a plain GET sent straight to each follower
 * (an HTTP client that never follows redirects) is answered 200 with that value, and that
 * follower's status counts one more read forwarded to its leader, so the follower answered it, not
 * the leader. It is repeated with a second write right before each read, so a follower that had not
 * applied the write yet must wait for it rather than answer stale; and with {@code
 * ?consistency=lease}, which a follower forwards the same way. A write sent to a follower is still
 * redirected (307 with the leader's URL). Every wait is on a condition with a deadline.
 */
class FollowerReadClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(240)
    void eachFollowerAnswersALinearizableReadOfTheAcknowledgedWriteItself() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3); RaftKvClient client = cluster.client()) {
            NodeStatus leader = cluster.awaitLeader();
            assertTrue(client.put("k", bytes("first")).isOk(), "the leader acknowledges the write");
            List<Integer> followers = List.of(leader.id() % 3 + 1, (leader.id() + 1) % 3 + 1);
            for (int follower : followers) {
                TestCluster.await("node " + follower + " follows node " + leader.id(), () -> {
                    NodeStatus status = cluster.statuses().get(follower);
                    return status != null && status.leader() == leader.id() && !status.leading();
                });
                assertReadHere(cluster, follower, "", "first");
            }
            int round = 0;
            for (int follower : followers) {
                for (String query : List.of("", "?" + Api.CONSISTENCY_PARAMETER + "=" + Api.CONSISTENCY_LEASE)) {
                    String value = "second-" + (++round);
                    assertTrue(client.put("k", bytes(value)).isOk(), "the leader acknowledges " + value);
                    assertReadHere(cluster, follower, query, value);
                }
            }
            assertEquals(leader.id(), cluster.awaitLeader().id(), "one leader throughout, so every read above was"
                    + " forwarded to it");
            for (NodeStatus status : cluster.statuses().values()) {
                // No restart and no snapshot: every entry a node applied, this process wrote and synced.
                assertTrue(status.appliedIndex() >= 6 && status.walEntries() >= status.appliedIndex()
                        && status.walSyncs() > 0, "write counts in " + status);
            }

            Endpoint follower = cluster.endpoint(followers.get(0));
            HttpResponse<String> write = http.send(HttpRequest.newBuilder(uri(follower, "/v1/kv/k"))
                    .PUT(HttpRequest.BodyPublishers.ofString("third")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(307, write.statusCode(), "a write at a follower is redirected: " + write.body());
            assertEquals(cluster.endpoint(leader.id()).url() + "/v1/kv/k",
                    write.headers().firstValue("Location").orElse(""));
        }
    }

    /**
     * A GET of "k" sent to {@code node} only is answered there, 200 with {@code expected}, and the
     * node counts it as forwarded (its counter is read before and after, nothing else reads there).
     */
    private void assertReadHere(TestCluster cluster, int node, String query, String expected)
            throws IOException, InterruptedException {
        long before = cluster.statuses().get(node).readsForwarded();
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(uri(cluster.endpoint(node), "/v1/kv/k" + query))
                .GET().timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), "node " + node + " answered " + read.statusCode() + ": " + read.body());
        assertTrue(read.headers().firstValue("Location").isEmpty(), "no redirect: " + read.headers());
        JsonNode body = JSON.readTree(read.body());
        assertEquals(expected, body.path(Api.VALUE).asText(), "node " + node + " read " + read.body());
        long after = cluster.statuses().get(node).readsForwarded();
        assertEquals(before + 1, after, "node " + node + " answered the read itself, after forwarding it");
    }

    private static URI uri(Endpoint node, String path) {
        return URI.create(node.url() + path);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
