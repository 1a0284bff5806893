package io.raftkv.transport;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.raftkv.core.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Real transports on loopback for tests: node N on 127.0.0.N (all of 127/8 is local on Linux), each
 * on a port that was free when the test started, each with an inbox its Inbound fills.
 */
final class TestNodes {
    private TestNodes() {}

    /** What an Inbound received. */
    record Received(Message message, long lamport) {}

    /**
     * A running transport, the messages it received and, in order, the peers whose connection to it
     * closed (Inbound.peerDisconnected).
     */
    record Node(PeerTransport transport, LinkedBlockingQueue<Received> inbox, LinkedBlockingQueue<Integer> disconnects)
            implements AutoCloseable {
        Received next() {
            return next(Await.DEFAULT);
        }

        Received next(Duration timeout) {
            try {
                Received received = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(received, "node " + transport.selfId() + " received nothing within " + timeout);
                return received;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        @Override
        public void close() {
            transport.close();
        }
    }

    static InetAddress loopback(int nodeId) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) nodeId});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port on 127.0.0.N that nothing listens on right now. */
    static int freePort(int nodeId) {
        try (ServerSocket probe = new ServerSocket(0, 1, loopback(nodeId))) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Members 1..n, node N at 127.0.0.N on a free port. */
    static Map<Integer, InetSocketAddress> members(int n) {
        Map<Integer, InetSocketAddress> members = new TreeMap<>();
        for (int id = 1; id <= n; id++) {
            members.put(id, new InetSocketAddress(loopback(id), freePort(id)));
        }
        return members;
    }

    /**
     * A test configuration: short handshake timeout and backoff so that tests finish fast; a stall
     * timeout longer than any test that keeps a peer from reading, except the one about stalls.
     */
    static TransportConfig config(String clusterId) {
        return TransportConfig.defaults(clusterId)
                .withTimeouts(1000, 500, 30_000)
                .withReconnectBackoffMillis(10, 100)
                .withSeed(42);
    }

    static Node start(TransportConfig config, int selfId, Map<Integer, InetSocketAddress> members) {
        LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Integer> disconnects = new LinkedBlockingQueue<>();
        PeerTransport transport = PeerTransport.start(config, selfId, members, new Inbound() {
            @Override
            public void receive(Message message, long lamport) {
                inbox.add(new Received(message, lamport));
            }

            @Override
            public void peerDisconnected(int peer) {
                disconnects.add(peer);
            }
        });
        return new Node(transport, inbox, disconnects);
    }
}
