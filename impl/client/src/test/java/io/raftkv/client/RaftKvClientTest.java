package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's retry and outcome rules, against scripted fake nodes (the JDK's HTTP server on
 * loopback): each node answers from a queue of canned replies and records what it was asked. What
 * is checked is what a history checker relies on: a redirect is followed; every retry of an
 * operation carries the same session sequence number; refusals are retried and leave the outcome
 * certain, while one attempt that may have been applied makes running out of time Unknown; an
 * unreachable cluster is Failed; a failed comparison and an absent key are answers, not errors; a
 * forgotten session is registered again when nothing can have been applied; reads go to the
 * endpoints in turn (a follower answers them) and an aborted read is retried.
 */
class RaftKvClientTest {
    private final List<FakeNode> nodes = new ArrayList<>();

    /** A node that answers each request with the next scripted reply (the last one repeats). */
    static final class FakeNode {
        final HttpServer server;
        final Deque<String[]> replies = new ArrayDeque<>();
        final List<String> requests = new ArrayList<>();

        FakeNode() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.createContext("/", this::answer);
            server.start();
        }

        Endpoint endpoint() {
            return new Endpoint("127.0.0.1", server.getAddress().getPort());
        }

        FakeNode reply(int status, String json) {
            replies.addLast(new String[] {Integer.toString(status), json});
            return this;
        }

        synchronized void answer(HttpExchange exchange) throws IOException {
            exchange.getRequestBody().readAllBytes();
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " seq="
                    + exchange.getRequestHeaders().getFirst(Api.HEADER_SEQUENCE) + " client="
                    + exchange.getRequestHeaders().getFirst(Api.HEADER_CLIENT_ID));
            String[] reply = replies.size() > 1 ? replies.pollFirst() : replies.peekFirst();
            byte[] body = reply[1].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(Integer.parseInt(reply[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }

        synchronized List<String> requests() {
            return List.copyOf(requests);
        }
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(node -> node.server.stop(0));
    }

    private FakeNode node() throws IOException {
        FakeNode node = new FakeNode();
        nodes.add(node);
        return node;
    }

    /**
     * A client whose single attempt may take the whole operation timeout: the fake nodes answer from
     * a script, so a retry must come from a scripted answer, never from a slow machine (an attempt
     * timing out under load would consume the next scripted answer out of turn).
     */
    private static RaftKvClient client(Duration operationTimeout, Endpoint... endpoints) {
        return RaftKvClient.connect(RaftKvClient.Options.defaults(List.of(endpoints))
                .withOperationTimeout(operationTimeout).withAttemptTimeout(operationTimeout));
    }

    private static String error(String code, String outcome) {
        return "{\"error\":\"" + code + "\",\"message\":\"scripted\",\"outcome\":\"" + outcome + "\"}";
    }

    @Test
    void aRedirectIsFollowedAndRetriesKeepTheSequenceNumber() throws IOException {
        FakeNode leader = node().reply(200, "{\"clientId\":7}").reply(504, error(Api.TIMEOUT, Api.OUTCOME_UNKNOWN))
                .reply(200, "{\"key\":\"k\",\"version\":42}");
        FakeNode follower = node().reply(307, "{\"error\":\"not_leader\",\"outcome\":\"failed\",\"leader\":2,"
                + "\"leaderUrl\":\"" + leader.endpoint().url() + "\"}");
        try (RaftKvClient client = client(Duration.ofSeconds(5), follower.endpoint(), leader.endpoint())) {
            Outcome<Long> put = client.put("k", "v".getBytes(StandardCharsets.UTF_8));
            assertEquals(new Outcome.Ok<>(42L), put);
            assertEquals(7, client.clientId());
        }
        List<String> asked = leader.requests();
        assertEquals("POST /v1/sessions seq=null client=null", asked.get(0));
        assertEquals("PUT /v1/kv/k seq=1 client=7", asked.get(1));
        assertEquals("PUT /v1/kv/k seq=1 client=7", asked.get(2), "the retry after a timeout reuses the sequence");
    }

    @Test
    void refusalsLeaveTheOutcomeCertainButAMaybeAppliedAttemptMakesItUnknown() throws IOException {
        FakeNode refusing = node().reply(200, "{\"clientId\":1}").reply(503, error(Api.NO_LEADER, Api.OUTCOME_FAILED))
                .reply(503, error(Api.DROPPED, Api.OUTCOME_FAILED)).reply(400, error(Api.BAD_REQUEST, Api.OUTCOME_FAILED));
        try (RaftKvClient client = client(Duration.ofSeconds(5), refusing.endpoint())) {
            Outcome<Long> refused = client.put("k", new byte[] {1});
            assertEquals(new Outcome.Failed<>(Api.BAD_REQUEST, "scripted"), refused, refusing.requests().toString());
        }
        // Whatever comes after an attempt that may have been applied, running out of time is Unknown.
        FakeNode timingOut = node().reply(200, "{\"clientId\":1}").reply(504, error(Api.TIMEOUT, Api.OUTCOME_UNKNOWN))
                .reply(503, error(Api.NO_LEADER, Api.OUTCOME_FAILED));
        try (RaftKvClient client = client(Duration.ofMillis(400), timingOut.endpoint())) {
            assertInstanceOf(Outcome.Unknown.class, client.put("k", new byte[] {1}),
                    "one attempt may have been applied, so later refusals cannot make it Failed");
        }
    }

    @Test
    void anUnreachableClusterIsFailed() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (RaftKvClient client = client(Duration.ofMillis(300), new Endpoint("127.0.0.1", closedPort))) {
            Outcome<Long> put = client.put("k", new byte[] {1});
            assertInstanceOf(Outcome.Failed.class, put, put.describe());
        }
    }

    @Test
    void aFailedComparisonAndAnAbsentKeyAreAnswers() throws IOException {
        FakeNode leader = node().reply(200, "{\"clientId\":3}")
                .reply(412, "{\"error\":\"compare_failed\",\"message\":\"the key holds version 9\",\"outcome\":"
                        + "\"failed\",\"currentVersion\":9,\"currentValue\":\"x\"}")
                .reply(404, "{\"error\":\"key_not_found\",\"message\":\"no such key\",\"outcome\":\"failed\","
                        + "\"found\":false}");
        try (RaftKvClient client = client(Duration.ofSeconds(5), leader.endpoint())) {
            Outcome<Long> cas = client.compareAndSet("k", new byte[] {1}, new byte[] {2});
            assertEquals(new Outcome.Failed<>(Api.COMPARE_FAILED, "the key holds version 9"), cas);
            assertEquals(new Outcome.Ok<>(Optional.empty()), client.get("absent"));
            assertEquals(3, leader.requests().size(), "no retry of an answer: " + leader.requests());
        }
    }

    @Test
    void aForgottenSessionIsRegisteredAgainWhenNothingCanHaveBeenApplied() throws IOException {
        FakeNode leader = node().reply(200, "{\"clientId\":5}")
                .reply(409, error(Api.UNKNOWN_SESSION, Api.OUTCOME_FAILED))
                .reply(200, "{\"clientId\":6}")
                .reply(200, "{\"key\":\"k\",\"version\":4}");
        try (RaftKvClient client = client(Duration.ofSeconds(5), leader.endpoint())) {
            Outcome<Long> put = client.put("k", new byte[] {'v'});
            assertEquals(new Outcome.Ok<>(4L), put);
        }
        assertEquals("PUT /v1/kv/k seq=1 client=6", leader.requests().get(3), "the new session starts at 1");
    }

    @Test
    void aReadNeedsNoSessionAndIsRetriedFreely() throws IOException {
        FakeNode leader = node().reply(504, error(Api.TIMEOUT, Api.OUTCOME_FAILED))
                .reply(200, "{\"key\":\"k\",\"found\":true,\"value\":\"v\",\"version\":4}");
        try (RaftKvClient client = client(Duration.ofSeconds(5), leader.endpoint())) {
            Outcome<Optional<VersionedValue>> get = client.get("k");
            assertEquals("v", get.value().orElseThrow().utf8(), get.describe());
            assertEquals(0, client.clientId(), "no session was opened");
        }
        assertEquals(2, leader.requests().size(), "the read was retried once: " + leader.requests());
        assertEquals("GET /v1/kv/k seq=null client=null", leader.requests().get(0));
    }

    /**
     * A follower answers reads itself (it forwards them to its leader), so a read is not sent after
     * the leader a write discovered: it goes to the endpoint in turn, and a 307 (a node that knows
     * no leader to forward to) is followed for that read only.
     */
    @Test
    void readsGoToTheEndpointInTurnNotToTheLeaderAWriteFound() throws IOException {
        FakeNode leader = node().reply(200, "{\"clientId\":7}").reply(200, "{\"key\":\"k\",\"version\":1}")
                .reply(200, "{\"key\":\"k\",\"found\":true,\"value\":\"from-leader\",\"version\":1}");
        String redirect = "{\"error\":\"not_leader\",\"outcome\":\"failed\",\"leader\":2,\"leaderUrl\":\""
                + leader.endpoint().url() + "\"}";
        FakeNode follower = node().reply(307, redirect)
                .reply(200, "{\"key\":\"k\",\"found\":true,\"value\":\"v\",\"version\":1}")
                .reply(307, redirect);
        try (RaftKvClient client = client(Duration.ofSeconds(5), follower.endpoint(), leader.endpoint())) {
            assertEquals(new Outcome.Ok<>(1L), client.put("k", "v".getBytes(StandardCharsets.UTF_8)));
            assertEquals("v", client.get("k").value().orElseThrow().utf8(), "the follower answered the read");
            assertEquals("from-leader", client.get("k").value().orElseThrow().utf8(), "a redirected read followed");
        }
        assertEquals(List.of("POST /v1/sessions seq=null client=null", "GET /v1/kv/k seq=null client=null",
                "GET /v1/kv/k seq=null client=null"), follower.requests(),
                "the session's redirect, then both reads at the follower first");
        assertEquals(List.of("POST /v1/sessions seq=null client=null", "PUT /v1/kv/k seq=1 client=7",
                "GET /v1/kv/k seq=null client=null", "DELETE /v1/sessions/7 seq=null client=null"), leader.requests(),
                "session, write, only the redirected read, and the session's close");
    }

    /** A read given up before it was confirmed had no effect: retried, and the retry's answer is the outcome. */
    @Test
    void anAbortedReadIsRetriedAndCertain() throws IOException {
        FakeNode follower = node().reply(503, error(Api.READ_ABORTED, Api.OUTCOME_FAILED))
                .reply(200, "{\"key\":\"k\",\"found\":true,\"value\":\"v\",\"version\":2}");
        try (RaftKvClient client = client(Duration.ofSeconds(5), follower.endpoint())) {
            assertEquals("v", client.get("k").value().orElseThrow().utf8());
        }
        assertEquals(2, follower.requests().size(), follower.requests().toString());
        FakeNode aborting = node().reply(503, error(Api.READ_ABORTED, Api.OUTCOME_FAILED));
        try (RaftKvClient client = client(Duration.ofMillis(300), aborting.endpoint())) {
            Outcome<Optional<VersionedValue>> never = client.get("k");
            Outcome.Failed<?> failed = assertInstanceOf(Outcome.Failed.class, never, never.describe());
            assertEquals(Api.TIMEOUT, failed.error(), "certain: no aborted attempt can have had an effect");
        }
        assertTrue(aborting.requests().size() >= 2, "retried until the deadline: " + aborting.requests());
    }
}
