package io.raftkv.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.core.Entry;
import io.raftkv.core.EntryType;
import io.raftkv.core.Message;
import io.raftkv.core.Message.AppendEntriesRequest;
import io.raftkv.core.Message.AppendEntriesResponse;
import io.raftkv.core.Message.ReadIndexRequest;
import io.raftkv.core.Message.ReadIndexResponse;
import io.raftkv.core.Message.RequestVoteRequest;
import io.raftkv.core.Message.RequestVoteResponse;
import io.raftkv.transport.TestNodes.Node;
import io.raftkv.transport.TestNodes.Received;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Real transports over loopback sockets, node N on 127.0.0.N: messages of every type reach the
 * right node with their Lamport values, in order; three nodes talk pairwise; a restarted peer is
 * reconnected to and gets what was queued for it; outgoing connections leave from the node's own
 * address; sending never throws for a peer that is down, and close is clean.
 */
class PeerTransportTest {

    @Test
    void twoTransportsExchangeEveryMessageTypeWithItsLamportValue() {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        try (Node one = TestNodes.start(TestNodes.config("prod"), 1, members);
                Node two = TestNodes.start(TestNodes.config("prod"), 2, members)) {
            List<Message> toTwo = everyType(1, 2);
            List<Message> toOne = everyType(2, 1);
            for (int k = 0; k < toTwo.size(); k++) {
                one.transport().send(toTwo.get(k), 100 + k);
                two.transport().send(toOne.get(k), 200 + k);
            }
            assertReceivedInOrder(two, toTwo, 100);
            assertReceivedInOrder(one, toOne, 200);
            Await.until(() -> one.transport().stats().framesSent() == toTwo.size(), () -> "" + one.transport().stats());
            TransportStats stats = one.transport().stats();
            assertEquals(toOne.size(), stats.framesReceived());
            assertEquals(0, stats.framesDropped());
            assertEquals(1, stats.connectionsOutbound());
            assertEquals(1, stats.connectionsInbound());
        }
    }

    @Test
    void threeTransportsTalkPairwise() {
        Map<Integer, InetSocketAddress> members = TestNodes.members(3);
        List<Node> nodes = new ArrayList<>();
        try {
            for (int id = 1; id <= 3; id++) {
                nodes.add(TestNodes.start(TestNodes.config("prod"), id, members));
            }
            int rounds = 50;
            for (int round = 0; round < rounds; round++) {
                for (int from = 1; from <= 3; from++) {
                    for (int to = 1; to <= 3; to++) {
                        if (from != to) {
                            nodes.get(from - 1).transport().send(
                                    new RequestVoteRequest(from, to, round, false, round, round), round);
                        }
                    }
                }
            }
            for (Node node : nodes) {
                Map<Integer, Long> nextTermBySender = new TreeMap<>();
                for (int k = 0; k < 2 * rounds; k++) {
                    Message message = node.next().message();
                    assertEquals(node.transport().selfId(), message.to());
                    long expected = nextTermBySender.getOrDefault(message.from(), 0L);
                    assertEquals(expected, message.term(), "messages of one sender arrive in order");
                    nextTermBySender.put(message.from(), expected + 1);
                }
            }
        } finally {
            nodes.forEach(Node::close);
        }
    }

    @Test
    void aRestartedPeerIsReconnectedToAndGetsWhatWasQueuedForIt() {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        try (Node one = TestNodes.start(TestNodes.config("prod"), 1, members)) {
            Node two = TestNodes.start(TestNodes.config("prod"), 2, members);
            one.transport().send(vote(1, 2, 1), 1);
            assertEquals(1, two.next().message().term());
            two.close();
            Await.until(() -> one.transport().stats().connectionsOutbound() == 0, () -> "node 1 sees node 2 gone");

            // While node 2 is down, sends queue up instead of failing.
            for (long term = 2; term <= 4; term++) {
                one.transport().send(vote(1, 2, term), term);
            }
            assertEquals(3, one.transport().stats().peers().get(2).queuedMessages());

            try (Node restarted = TestNodes.start(TestNodes.config("prod"), 2, members)) {
                for (long term = 2; term <= 4; term++) {
                    Received received = restarted.next();
                    assertEquals(term, received.message().term());
                    assertEquals(term, received.lamport());
                }
                assertTrue(one.transport().stats().connectAttempts() >= 2);
            }
        }
    }

    @Test
    void aPeerThatConnectsIsDialedAtOnceInsteadOfAfterTheBackoffDelay() {
        // Every reconnect waits 30 to 60 s: only the peer's own connection can make node 1 dial sooner.
        TransportConfig slowRetries = TestNodes.config("prod").withReconnectBackoffMillis(60_000, 60_000);
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        try (Node one = TestNodes.start(slowRetries, 1, members)) {
            Node two = TestNodes.start(slowRetries, 2, members);
            one.transport().send(vote(1, 2, 1), 1);
            assertEquals(1, two.next().message().term());
            two.close();
            // Node 1's connection closed; its next attempt waits out the backoff delay.
            Await.until(() -> one.transport().stats().connectionsOutbound() == 0, () -> "node 1 sees node 2 gone");
            one.transport().send(vote(1, 2, 7), 7);
            long attempts = one.transport().stats().connectAttempts();
            try (Node restarted = TestNodes.start(slowRetries, 2, members)) {
                restarted.transport().send(vote(2, 1, 1), 1); // it dials node 1, which learns that node 2 is up
                assertEquals(1, one.next().message().term());
                Received queued = restarted.next(); // within Await.DEFAULT, far below the 30 s delay
                assertEquals(7, queued.message().term());
                assertEquals(attempts + 1, one.transport().stats().connectAttempts(), "one attempt, at once");
            }
        }
    }

    @Test
    void aPeerThatGoesAwayIsReportedOnceAndAReplacedConnectionIsNot() throws InterruptedException {
        Map<Integer, InetSocketAddress> members = TestNodes.members(3);
        try (Node two = TestNodes.start(TestNodes.config("prod"), 2, members)) {
            Node one = TestNodes.start(TestNodes.config("prod"), 1, members);
            Node three = TestNodes.start(TestNodes.config("prod"), 3, members);
            one.transport().send(vote(1, 2, 1), 1);
            three.transport().send(vote(3, 2, 1), 1);
            assertEquals(1, two.next().message().term());
            assertEquals(1, two.next().message().term());
            assertTrue(two.disconnects().isEmpty(), "nobody left yet: " + two.disconnects());

            one.close(); // its process exits: the kernel closes the connection it had dialed
            assertEquals(1, two.disconnects().poll(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS),
                    "node 2 is told that node 1's connection closed");

            // Node 1 comes back: its new connection replaces nothing and reports nothing.
            try (Node again = TestNodes.start(TestNodes.config("prod"), 1, members)) {
                again.transport().send(vote(1, 2, 2), 2);
                assertEquals(2, two.next().message().term());
                three.close();
                assertEquals(3, two.disconnects().poll(Await.DEFAULT.toMillis(), TimeUnit.MILLISECONDS));
                assertTrue(two.disconnects().isEmpty(), "one report per closed connection: " + two.disconnects());
            }
        }
    }

    @Test
    void outgoingConnectionsLeaveFromTheNodesOwnAddress() throws Exception {
        // Node 3 dials node 2. Unbound, the kernel would pick 127.0.0.1 as the source.
        Map<Integer, InetSocketAddress> members = TestNodes.members(3);
        try (ServerSocket fakeTwo = new ServerSocket(members.get(2).getPort(), 5, TestNodes.loopback(2));
                Node three = TestNodes.start(TestNodes.config("prod"), 3, members);
                RawPeer dialed = RawPeer.accept(fakeTwo)) {
            assertEquals(3, three.transport().selfId());
            assertEquals(TestNodes.loopback(3), dialed.socket.getInetAddress());
            Handshake.Hello hello = dialed.readHello();
            assertEquals(new Handshake.Hello(Protocol.VERSION, 3, "prod"), hello);
        }
    }

    @Test
    void sendingToADownOrUnknownPeerNeverThrowsAndIsCounted() {
        Map<Integer, InetSocketAddress> members = TestNodes.members(3);
        TransportConfig config = TestNodes.config("prod").withQueueLimits(4, 4, 1 << 20);
        try (Node one = TestNodes.start(config, 1, members)) {
            for (int k = 0; k < 10; k++) {
                one.transport().send(vote(1, 2, k), k);
            }
            one.transport().send(vote(1, 9, 1), 1);
            TransportStats stats = one.transport().stats();
            assertEquals(4, stats.peers().get(2).queuedMessages());
            assertEquals(6, stats.framesDroppedQueueFull());
            assertEquals(6, stats.peers().get(2).framesDropped());
            assertEquals(1, stats.framesDroppedUnknownPeer());
            assertEquals(7, stats.framesDropped());

            assertThrows(IllegalArgumentException.class, () -> one.transport().send(vote(2, 3, 1), 0), "forged sender");
            assertThrows(IllegalArgumentException.class, () -> one.transport().send(vote(1, 1, 1), 0), "to itself");
        }
    }

    @Test
    void anAppendOverTheFrameLimitIsDroppedAtTheSender() {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        TransportConfig config = TestNodes.config("prod").withFrameBytesMax(4096);
        try (Node one = TestNodes.start(config, 1, members)) {
            List<Entry> large = List.of(Entry.command(1, 1, new byte[5000]));
            one.transport().send(new AppendEntriesRequest(1, 2, 1, 0, 0, large, 0), 0);
            assertEquals(1, one.transport().stats().framesDroppedOversized());
            assertEquals(0, one.transport().stats().peers().get(2).queuedMessages());
        }
    }

    @Test
    void closeIsIdempotentReleasesThePortAndCountsLaterSends() {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        Node one = TestNodes.start(TestNodes.config("prod"), 1, members);
        one.transport().send(vote(1, 2, 1), 1);
        one.close();
        one.close();
        one.transport().send(vote(1, 2, 2), 2);
        assertEquals(2, one.transport().stats().framesDroppedClosed(), "one queued at close, one sent after");
        // The port is free again: a new transport binds it.
        try (Node again = TestNodes.start(TestNodes.config("prod"), 1, members)) {
            assertEquals(members.get(1), again.transport().listenAddress());
        }
    }

    @Test
    void aListenAddressInUseFailsTheStartWithTheAddress() throws Exception {
        Map<Integer, InetSocketAddress> members = TestNodes.members(2);
        try (ServerSocket taken = new ServerSocket(members.get(1).getPort(), 5, TestNodes.loopback(1))) {
            assertTrue(taken.isBound());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TestNodes.start(TestNodes.config("prod"), 1, members));
            assertTrue(e.getMessage().contains(members.get(1).toString()), e.getMessage());
        }
    }

    private static List<Message> everyType(int from, int to) {
        List<Entry> entries = List.of(Entry.noop(5, 3), Entry.command(6, 3, "set x 1".getBytes()),
                new Entry(7, 3, EntryType.CONFIG, new byte[] {1, 2, 3}), Entry.command(8, 3, new byte[100_000]));
        return List.of(
                new RequestVoteRequest(from, to, 3, true, 4, 2),
                new RequestVoteResponse(from, to, 3, true, true),
                new AppendEntriesRequest(from, to, 3, 4, 2, entries, 6),
                new AppendEntriesRequest(from, to, 3, 8, 3, List.of(), 8),
                new AppendEntriesResponse(from, to, 3, false, 4, 2, 3),
                new ReadIndexRequest(from, to, 3, 1L << 40),
                new ReadIndexResponse(from, to, 3, 1L << 40, 8),
                new RequestVoteRequest(from, to, 4, false, 8, 3));
    }

    /**
     * Control messages may overtake an append with entries (by design), so the order is checked
     * within each class.
     */
    private static void assertReceivedInOrder(Node node, List<Message> sent, long firstLamport) {
        List<Received> received = new ArrayList<>();
        for (int k = 0; k < sent.size(); k++) {
            received.add(node.next());
        }
        for (boolean bulk : new boolean[] {false, true}) {
            List<Received> expected = new ArrayList<>();
            for (int k = 0; k < sent.size(); k++) {
                if (OutboundQueue.isBulk(sent.get(k)) == bulk) {
                    expected.add(new Received(sent.get(k), firstLamport + k));
                }
            }
            assertEquals(expected, received.stream().filter(r -> OutboundQueue.isBulk(r.message()) == bulk).toList());
        }
    }

    private static RequestVoteRequest vote(int from, int to, long term) {
        return new RequestVoteRequest(from, to, term, false, 0, 0);
    }
}
