package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkv.client.Endpoint;
import io.raftkv.client.NodeStatus;
import io.raftkv.client.Outcome;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.VersionedValue;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input from outside never hurts a running node (DESIGN.md "Errors"): against a real 3-node
 * cluster (started once for the class, bodies limited to 4096 bytes), malformed JSON, an oversized
 * body, unknown paths and methods, bad session headers, garbage bytes on the HTTP port and on the
 * peer port, and a peer handshake with the wrong cluster id each get a clear error or a dropped
 * connection, on the leader and on a follower. After each, the keys acknowledged before are still
 * there with their values and the node still serves: a new put is acknowledged and read back. The
 * session headers are checked here too, on the same cluster: a retried sequence number is applied
 * once and answered with the first result, an acknowledged one is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BadInputTest {
    static final int MAX_BODY_BYTES = 4096;
    static final ObjectMapper JSON = new ObjectMapper();

    TestCluster cluster;
    RaftKvClient client;
    final TreeMap<String, String> acknowledged = new TreeMap<>();

    @BeforeAll
    void startCluster(@TempDir Path dir) {
        cluster = TestCluster.start(dir, 3, "--max-body-bytes=" + MAX_BODY_BYTES);
        client = cluster.client();
        for (int k = 0; k < 20; k++) {
            putAndRemember("before-" + k, "value-" + k);
        }
    }

    @AfterAll
    void stopCluster() {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void malformedJsonIsRefusedWith400() throws IOException {
        for (Endpoint node : leaderAndFollower()) {
            Reply reply = exchange(node, "POST /v1/cas/before-1 HTTP/1.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 13\r\n\r\n{\"expected\": ");
            assertEquals(400, reply.status(), reply.toString());
            assertEquals("bad_request", reply.json().path("error").asText(), reply.toString());
            assertEquals("failed", reply.json().path("outcome").asText(), reply.toString());
            Reply notObject = exchange(node, "PUT /v1/kv/x HTTP/1.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 7\r\n\r\n[1,2,3]");
            assertEquals(400, notObject.status(), notObject.toString());
        }
        stillServing();
    }

    @Test
    void oversizedBodyIsRefusedWith413AndTheConnectionClosed() throws IOException {
        for (Endpoint node : leaderAndFollower()) {
            byte[] value = new byte[MAX_BODY_BYTES * 4];
            Arrays.fill(value, (byte) 'x');
            Reply reply = exchange(node, "PUT /v1/kv/big HTTP/1.1\r\nContent-Length: " + value.length + "\r\n\r\n"
                    + new String(value, StandardCharsets.ISO_8859_1));
            assertEquals(413, reply.status(), reply.toString());
            assertEquals("payload_too_large", reply.json().path("error").asText(), reply.toString());
            assertTrue(reply.closed(), "the connection is closed after a 413");
        }
        assertTrue(client.get("big").value().isEmpty(), "nothing of the oversized put reached the log");
        stillServing();
    }

    @Test
    void unknownPathsMethodsAndBadSessionHeadersGetClearErrors() throws IOException {
        for (Endpoint node : leaderAndFollower()) {
            assertError(exchange(node, "GET /nope HTTP/1.1\r\n\r\n"), 404, "not_found");
            assertError(exchange(node, "PATCH /v1/kv/a HTTP/1.1\r\n\r\n"), 405, "method_not_allowed");
            assertError(exchange(node, "GET /v1/kv/%zz HTTP/1.1\r\n\r\n"), 400, "bad_request");
            assertError(exchange(node, "GET /v1/kv/a HTTP/1.1\r\nRaftkv-Client-Id: 1\r\nRaftkv-Sequence: x\r\n\r\n"),
                    400, "bad_request");
            assertError(exchange(node, "GET /v1/kv/a?consistency=eventual HTTP/1.1\r\n\r\n"), 400, "bad_request");
        }
        stillServing();
    }

    @Test
    void garbageOnTheHttpPortGets400AndAClosedConnection() throws IOException {
        byte[] garbage = new byte[512];
        new SplittableRandom(7).nextBytes(garbage);
        for (Endpoint node : leaderAndFollower()) {
            try (Socket socket = connect(new InetSocketAddress(node.host(), node.port()))) {
                socket.getOutputStream().write(garbage);
                socket.getOutputStream().write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(readToEnd(socket.getInputStream()), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 400"), "answer: " + answer);
                assertTrue(answer.contains("\"bad_request\""), "answer: " + answer);
            }
        }
        stillServing();
    }

    @Test
    void garbageOnThePeerPortDropsTheConnection() throws IOException {
        byte[] garbage = new byte[4096];
        new SplittableRandom(11).nextBytes(garbage);
        for (int id : new int[] {leader().id(), follower()}) {
            try (Socket socket = connect(cluster.peerAddress(id))) {
                socket.getOutputStream().write(garbage);
                readToEnd(socket.getInputStream()); // returns only once the node closed the connection
            } catch (java.net.SocketException reset) {
                // A reset is a dropped connection too.
            }
        }
        stillServing();
    }

    @Test
    void aPeerHandshakeWithTheWrongClusterIdIsRejected() throws IOException {
        for (int id : new int[] {leader().id(), follower()}) {
            try (Socket socket = connect(cluster.peerAddress(id))) {
                socket.getOutputStream().write(hello(id == 1 ? 2 : 1, "some-other-cluster"));
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] frame = new byte[in.readInt()];
                in.readFully(frame);
                assertEquals(0x02, frame[1], "a REJECT frame");
                String reason = new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8);
                assertTrue(reason.contains("some-other-cluster"), "the reason names the cluster id: " + reason);
                assertEquals(-1, in.read(), "then the connection is closed");
            }
        }
        stillServing();
    }

    /** The session headers keep their promise: a retried sequence is applied once, an acknowledged one refused. */
    @Test
    void aRetriedSessionRequestIsAppliedOnceAndAnAcknowledgedOneRefused() throws IOException {
        Endpoint leader = cluster.endpoint(leader().id());
        long clientId = exchange(leader, "POST /v1/sessions HTTP/1.1\r\nContent-Length: 0\r\n\r\n").json()
                .path("clientId").asLong();
        assertTrue(clientId > 0, "a client id");
        String first = sessionPut(clientId, 1, 0, "first");
        Reply applied = exchange(leader, first);
        Reply retried = exchange(leader, sessionPut(clientId, 1, 0, "retry"));
        assertEquals(200, applied.status(), applied.toString());
        assertEquals(applied.json().path("version"), retried.json().path("version"), "the retry gets the first result");
        assertEquals("first", client.get("exactly-once").value().orElseThrow().utf8());
        assertEquals(200, exchange(leader, sessionPut(clientId, 2, 1, "second")).status());
        assertError(exchange(leader, first), 409, "stale_sequence");
        assertEquals("second", client.get("exactly-once").value().orElseThrow().utf8());
        stillServing();
    }

    // ------------------------------------------------------------------------------------------

    private static String sessionPut(long clientId, long sequence, long acknowledged, String value) {
        return "PUT /v1/kv/exactly-once HTTP/1.1\r\nRaftkv-Client-Id: " + clientId + "\r\nRaftkv-Sequence: "
                + sequence + "\r\nRaftkv-Acknowledged-Through: " + acknowledged + "\r\nContent-Length: "
                + value.length() + "\r\n\r\n" + value;
    }

    /** A reply read off a raw socket, and whether the server closed the connection after it. */
    record Reply(int status, JsonNode json, boolean closed, String text) {}

    private Endpoint[] leaderAndFollower() {
        return new Endpoint[] {cluster.endpoint(leader().id()), cluster.endpoint(follower())};
    }

    private NodeStatus leader() {
        return cluster.awaitLeader();
    }

    private int follower() {
        return leader().id() % 3 + 1;
    }

    /** Every key acknowledged so far reads back; a new put is acknowledged and reads back; all nodes run. */
    private void stillServing() {
        for (var put : acknowledged.entrySet()) {
            Outcome<Optional<VersionedValue>> read = client.get(put.getKey());
            assertEquals(put.getValue(), read.value().map(VersionedValue::utf8).orElse("<absent>"), put.getKey());
        }
        putAndRemember("after-" + acknowledged.size(), "value-" + acknowledged.size());
        var statuses = cluster.statuses();
        assertEquals(3, statuses.size(), "every node answers: " + statuses);
        assertTrue(statuses.values().stream().allMatch(NodeStatus::running), "every node runs: " + statuses);
    }

    private void putAndRemember(String key, String value) {
        Outcome<Long> put = client.put(key, value.getBytes(StandardCharsets.UTF_8));
        assertTrue(put.isOk(), "put " + key + ": " + put.describe());
        acknowledged.put(key, value);
    }

    private static void assertError(Reply reply, int status, String error) {
        assertEquals(status, reply.status(), reply.toString());
        assertEquals(error, reply.json().path("error").asText(), reply.toString());
        assertTrue(reply.json().path("message").asText().length() > 10, "a message that says why: " + reply);
    }

    /** Sends {@code request} on a fresh connection and reads one response (Content-Length framed). */
    private static Reply exchange(Endpoint node, String request) throws IOException {
        try (Socket socket = connect(new InetSocketAddress(node.host(), node.port()))) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            int status = Integer.parseInt(head.split(" ")[1]);
            int length = Integer.parseInt(head.replaceAll("(?si).*content-length: *(\\d+).*", "$1"));
            byte[] body = in.readNBytes(length);
            boolean closed = head.toLowerCase().contains("connection: close") && readToEnd(in).length == 0;
            return new Reply(status, JSON.readTree(body), closed, head + new String(body, StandardCharsets.UTF_8));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before a full response head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout((int) TestCluster.DEADLINE.toMillis());
        return socket;
    }

    /** Reads until the peer closes; a read timeout (the node kept the connection open) fails the test. */
    private static byte[] readToEnd(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the node did not close the connection within " + TestCluster.DEADLINE);
        }
    }

    /**
     * A HELLO frame as the transport's package-info describes it: length, the protocol version the
     * servers speak (5: forwarded reads), type 1, magic, id, cluster; otherwise valid, so what the
     * node refuses is the cluster id, not the version.
     */
    private static byte[] hello(int nodeId, String clusterId) {
        byte[] id = clusterId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(4 + 2 + 4 + 4 + 1 + id.length);
        frame.putInt(2 + 4 + 4 + 1 + id.length).put((byte) 5).put((byte) 0x01).putInt(0x524B5654).putInt(nodeId)
                .put((byte) id.length).put(id);
        return frame.array();
    }
}
