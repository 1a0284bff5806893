package io.raftkv.server;

import io.raftkv.core.Message;
import io.raftkv.node.Transport;
import io.raftkv.node.real.HybridClock;
import io.raftkv.node.real.NodeRunner;
import io.raftkv.transport.Inbound;
import io.raftkv.transport.PeerTransport;

/**
 * Joins the node to the peer transport in both directions. The node and the transport each need
 * the other to exist first (the node sends through the transport, the transport delivers to the
 * node), so both are attached after construction; until then, messages are dropped, which Raft
 * tolerates like any loss.
 *
 * <p>Every message carries a stamp of the node's {@link HybridClock} (DESIGN.md "Trace
 * vocabulary"), taken as it is sent; a received message's stamp goes with it to the node's runner,
 * which moves the clock past it when the loop takes the message. The node's trace writer stamps
 * every event from the same clock, so per-node traces merge in an order consistent with causality.
 */
final class PeerLinks implements Transport, Inbound {
    private final HybridClock stamps;
    private volatile PeerTransport transport;
    private volatile NodeRunner runner;

    PeerLinks(HybridClock stamps) {
        this.stamps = stamps;
    }

    void attach(PeerTransport peerTransport) {
        this.transport = peerTransport;
    }

    void attach(NodeRunner nodeRunner) {
        this.runner = nodeRunner;
    }

    @Override
    public void send(Message message) {
        PeerTransport current = transport;
        if (current != null) {
            current.send(message, stamps.stamp());
        }
    }

    @Override
    public void receive(Message message, long senderStamp) {
        NodeRunner current = runner;
        if (current != null) {
            current.deliver(message, senderStamp);
        }
    }

    @Override
    public void peerDisconnected(int peer) {
        NodeRunner current = runner;
        if (current != null) {
            current.peerDisconnected(peer);
        }
    }
}
