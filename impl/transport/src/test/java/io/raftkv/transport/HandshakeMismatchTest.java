package io.raftkv.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.transport.TestNodes.Node;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes that must not talk refuse each other, and each side says why in one WARN line: two real
 * transports of different clusters (which keep retrying, so the test also shows the line is not
 * repeated), a peer of another protocol version on either end of the connection, and a node that
 * answers at a peer's address under another id.
 */
class HandshakeMismatchTest {
    private LogCapture logs;

    @BeforeEach
    void capture() {
        logs = new LogCapture();
    }

    @AfterEach
    void release() {
        logs.close();
    }

    @Test
    void nodesOfDifferentClustersRefuseEachOtherWithOneLineEachSide() {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        try (Node one = TestNodes.start(TestNodes.config("prod"), 1, members);
                Node two = TestNodes.start(TestNodes.config("test"), 2, members)) {
            one.transport().send(new RequestVoteRequest(1, 2, 1, false, 0, 0), 1);
            // Both dial, both are refused, both retry (at the longest backoff, 100 ms here).
            Await.until(() -> one.transport().stats().connectAttempts() >= 4
                    && two.transport().stats().connectAttempts() >= 4, () -> "a few retries");
            String mismatch = "cluster id mismatch: the peer is in cluster ";
            assertEquals(1, logs.warnings("node 1: refusing connection from", "(claiming to be node 2)", mismatch)
                    .size(), () -> "" + logs.all());
            assertEquals(1, logs.warnings("node 1: connection to node 2 at", "refused the handshake", mismatch).size());
            assertEquals(1, logs.warnings("node 2: refusing connection from", "(claiming to be node 1)", mismatch)
                    .size());
            assertEquals(1, logs.warnings("node 2: connection to node 1 at", "refused the handshake", mismatch).size());
            assertEquals(0, one.transport().stats().connectionsOutbound());
            assertEquals(0, two.transport().stats().connectionsInbound());
            assertEquals(0, two.inbox().size());
            assertTrue(one.transport().stats().handshakesRefused() >= 4);
        }
    }

    @Test
    void aDialerOfAnotherVersionIsToldWhichVersionThisNodeSpeaks() throws Exception {
        Map<Integer, InetSocketAddress> members = TestNodes.members(3);
        try (Node two = TestNodes.start(TestNodes.config("prod"), 2, members);
                RawPeer three = RawPeer.connect(3, members.get(2))) {
            three.hello(Protocol.VERSION + 1, 3, "prod");
            String expected = "protocol version mismatch: the peer speaks version " + (Protocol.VERSION + 1)
                + ", this node speaks version " + Protocol.VERSION;
            assertEquals(expected, three.readReject());
            assertTrue(three.awaitClosed(Duration.ofSeconds(5)));
            assertEquals(1, logs.warnings("node 2: refusing connection from /127.0.0.3:", expected).size());
            assertEquals(1, two.transport().stats().handshakesRefused());
        }
    }

    @Test
    void anAcceptorOfAnotherVersionIsRefusedAndToldSo() throws Exception {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        try (ServerSocket fakeTwo = new ServerSocket(members.get(2).getPort(), 5, TestNodes.loopback(2));
                Node one = TestNodes.start(TestNodes.config("prod"), 1, members);
                RawPeer dialed = RawPeer.accept(fakeTwo)) {
            assertEquals(1, dialed.readHello().nodeId());
            dialed.hello(Protocol.VERSION + 1, 2, "prod");
            String expected = "protocol version mismatch: the peer speaks version " + (Protocol.VERSION + 1)
                + ", this node speaks version " + Protocol.VERSION;
            assertEquals(expected, dialed.readReject(), "the dialer tells the acceptor why");
            assertTrue(dialed.awaitClosed(Duration.ofSeconds(5)));
            assertEquals(1, logs.warnings("node 1: refusing connection to node 2 at", expected).size(),
                    () -> "" + logs.all());
            assertEquals(0, one.transport().stats().connectionsOutbound());
        }
    }

    @Test
    void aNodeAnsweringAtAPeersAddressUnderAnotherIdIsRefused() throws Exception {
        Map<Integer, InetSocketAddress> members = TestNodes.members(3);
        try (ServerSocket fakeTwo = new ServerSocket(members.get(2).getPort(), 5, TestNodes.loopback(2));
                Node one = TestNodes.start(TestNodes.config("prod"), 1, members);
                RawPeer dialed = RawPeer.accept(fakeTwo)) {
            dialed.readHello();
            dialed.hello(Protocol.VERSION, 3, "prod");
            assertEquals("the peer answered as node 3, expected node 2", dialed.readReject());
            assertEquals(1, logs.warnings("node 1: refusing connection to node 2", "answered as node 3").size());
            assertEquals(0, one.transport().stats().connectionsOutbound());
        }
    }
}
