package io.raftkv.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.transport.TestNodes.Node;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input against a running transport. Node 2 runs for real and node 1, a well-behaved peer, is
 * connected to it; a raw socket from 127.0.0.3 then sends one kind of bad input. Each case must end
 * with: that connection closed, one WARN line on node 2 that names the problem, and node 1's
 * connection untouched (no reconnect) with its messages before and after all delivered.
 */
class BadInputTest {
    private static final int FRAME_BYTES_MAX = 64 << 10;

    /** One kind of bad input, sent by a raw peer on a fresh connection. */
    @FunctionalInterface
    interface BadInput {
        void send(RawPeer peer) throws Exception;
    }

    private Map<Integer, InetSocketAddress> members;
    private Node one;
    private Node two;
    private LogCapture logs;

    @BeforeEach
    void startTwoWellBehavedNodes() {
        logs = new LogCapture();
        members = TestNodes.members(3);
        TransportConfig config = TestNodes.config("prod").withFrameBytesMax(FRAME_BYTES_MAX);
        two = TestNodes.start(config, 2, members);
        one = TestNodes.start(config, 1, members);
        one.transport().send(vote(1), 1);
        assertEquals(1, two.next().message().term());
    }

    @AfterEach
    void stop() {
        one.close();
        two.close();
        logs.close();
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                bad("garbage bytes", peer -> peer.write("GET / HTTP/1.1\r\nHost: raftkv\r\n\r\n".getBytes()),
                        "frame of 1195725856 bytes exceeds the limit of 1024 bytes"),
                bad("a truncated frame", peer -> {
                    handshake(peer);
                    peer.write(Arrays.copyOf(RawPeer.message(new RequestVoteRequest(3, 2, 1, false, 0, 0), 0), 9));
                    peer.socket.shutdownOutput();
                }, "connection closed in the middle of a frame (5 of 10 payload bytes)"),
                bad("an oversized frame", peer -> {
                    handshake(peer);
                    peer.write(new byte[] {0, 1, 0, 1, 1, 0x10});
                }, "frame of 65537 bytes exceeds the limit of 65536 bytes"),
                bad("an oversized frame before the handshake", peer -> peer.write(new byte[] {0, 0, 8, 0}),
                        "frame of 2048 bytes exceeds the limit of 1024 bytes"),
                bad("a wrong cluster id", peer -> {
                    peer.hello(Protocol.VERSION, 3, "test");
                    assertTrue(peer.readReject().startsWith("cluster id mismatch"));
                }, "(claiming to be node 3): cluster id mismatch: the peer is in cluster 'test', this node in "
                        + "cluster 'prod'"),
                bad("an unknown node id", peer -> peer.hello(Protocol.VERSION, 9, "prod"), "unknown node id 9"),
                bad("this node's own id", peer -> peer.hello(Protocol.VERSION, 2, "prod"),
                        "claims this node's own id 2"),
                bad("an unknown message type", peer -> {
                    handshake(peer);
                    peer.write(RawPeer.frame(Protocol.VERSION, 0x7f, new byte[] {0, 3, 2, 1}));
                }, "unknown type 0x7f is not a message frame"),
                bad("a frame before the handshake", peer -> peer.write(RawPeer.message(new RequestVoteRequest(3, 2, 1,
                        false, 0, 0), 0)), "expected a HELLO as the first frame, got a RequestVoteRequest frame"),
                bad("a malformed body", peer -> {
                    handshake(peer);
                    byte[] body = {0, 3, 2, 1, 7};
                    peer.write(RawPeer.frame(Protocol.VERSION, Protocol.REQUEST_VOTE_REQUEST, body));
                }, "prevote must be 0 or 1, got 7"),
                bad("a truncated forwarded read", peer -> {
                    handshake(peer);
                    peer.write(RawPeer.frame(Protocol.VERSION, Protocol.READ_INDEX_REQUEST, new byte[] {0, 3, 2, 1}));
                }, "truncated ctx"),
                bad("a read answer with bytes left over", peer -> {
                    handshake(peer);
                    peer.write(RawPeer.frame(Protocol.VERSION, Protocol.READ_INDEX_RESPONSE,
                            new byte[] {0, 3, 2, 1, 9, 8, 7}));
                }, "1 bytes left over after a ReadIndexResponse"),
                bad("a forged sender", peer -> {
                    handshake(peer);
                    peer.write(RawPeer.message(new RequestVoteRequest(1, 2, 1, false, 0, 0), 0));
                    assertTrue(peer.readReject().startsWith("a message from node 1 to node 2"), "told why");
                }, "a message from node 1 to node 2 on the connection from node 3 to node 2"),
                bad("another version after the handshake", peer -> {
                    handshake(peer);
                    peer.write(RawPeer.frame(Protocol.VERSION + 1, Protocol.REQUEST_VOTE_REQUEST,
                            new byte[] {0, 3, 2, 1, 0, 0, 0}));
                }, "frame of protocol version " + (Protocol.VERSION + 1) + " on a connection that agreed on version "
                        + Protocol.VERSION),
                bad("a second HELLO", peer -> {
                    handshake(peer);
                    peer.hello(Protocol.VERSION, 3, "prod");
                }, "HELLO is not a message frame"),
                bad("silence", peer -> { }, "no handshake within 500 ms"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputClosesOnlyItsConnection(String name, BadInput input, String expectedLine) throws Exception {
        TransportStats before = two.transport().stats();
        try (RawPeer peer = RawPeer.connect(3, members.get(2))) {
            input.send(peer);
            assertTrue(peer.awaitClosed(Duration.ofSeconds(5)), "node 2 closed the connection after " + name);
        }
        Await.until(() -> !logs.warnings("node 2: ", expectedLine).isEmpty(),
                () -> "a WARN line on node 2 containing \"" + expectedLine + "\"; got " + logs.all());
        TransportStats after = two.transport().stats();
        assertEquals(1, after.protocolErrors() + after.handshakesRefused() - before.protocolErrors()
                - before.handshakesRefused(), "exactly one connection counted as refused");

        one.transport().send(vote(2), 2);
        assertEquals(2, two.next().message().term(), "the well-behaved peer still gets through");
        assertEquals(1, one.transport().stats().peers().get(2).connectionsEstablished(), "node 1 never reconnected");
        // Node 2 may see its side of a handshaked bad connection end after the raw peer saw the close.
        Await.until(() -> two.transport().stats().connectionsInbound() == 1, () -> "only node 1's connection is left");
        assertEquals(0, two.inbox().size(), "nothing from the bad connection was delivered");
    }

    @Test
    void connectionsBeyondTheInboundLimitAreClosedAtOnce() throws Exception {
        two.close();
        TransportConfig config = TestNodes.config("prod").withInboundConnectionsMax(2).withTimeouts(1000, 60_000, 30_000);
        two = TestNodes.start(config, 2, members);
        Await.until(() -> two.transport().stats().connectionsInbound() == 1, () -> "node 1 reconnected");
        try (RawPeer three = RawPeer.connect(3, members.get(2))) {
            handshake(three); // now it surely holds the second slot
            try (RawPeer over = RawPeer.connect(3, members.get(2))) {
                assertTrue(over.awaitClosed(Duration.ofSeconds(5)), "the third connection is closed");
            }
            assertTrue(!three.awaitClosed(Duration.ofMillis(200)), "the second one is still open");
            assertEquals(1, logs.warnings("node 2: refusing a connection", "inboundConnectionsMax").size());
            one.transport().send(vote(5), 5);
            assertEquals(5, two.next().message().term());
        }
    }

    @Test
    void aDialerLogsTheReasonAnAcceptorGivesForClosing() throws Exception {
        try (ServerSocket fakeThree = new ServerSocket(members.get(3).getPort(), 5, TestNodes.loopback(3));
                RawPeer dialed = RawPeer.accept(fakeThree)) {
            int dialer = dialed.readHello().nodeId();
            dialed.hello(Protocol.VERSION, 3, "prod");
            dialed.write(RawPeer.bytes(Handshake.encodeReject(UnpooledByteBufAllocator.DEFAULT, "your frame was bad")));
            assertTrue(dialed.awaitClosed(Duration.ofSeconds(5)));
            Await.until(() -> logs.warnings("node " + dialer + ": the peer closed connection to node 3 at",
                    "your frame was bad").size() == 1, () -> "" + logs.all());
        }
    }

    private static Arguments bad(String name, BadInput input, String expectedLine) {
        return Arguments.of(name, input, expectedLine);
    }

    private static void handshake(RawPeer peer) throws Exception {
        peer.hello(Protocol.VERSION, 3, "prod");
        assertEquals(new Handshake.Hello(Protocol.VERSION, 2, "prod"), peer.readHello());
    }

    private static RequestVoteRequest vote(long term) {
        return new RequestVoteRequest(1, 2, term, false, 0, 0);
    }
}
