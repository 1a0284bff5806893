package io.raftkv.server;

import io.raftkv.core.Message;
import io.raftkv.node.Transport;
import io.raftkv.node.real.NodeRunner;
import io.raftkv.transport.Inbound;
import io.raftkv.transport.PeerTransport;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Joins the node to the peer transport in both directions. The node and the transport each need
 * the other to exist first (the node sends through the transport, the transport delivers to the
 * node), so both are attached after construction; until then, messages are dropped, which Raft
 * tolerates like any loss.
 *
 * <p>It also keeps this process's Lamport clock (DESIGN.md "Trace vocabulary"): every message
 * carries the clock, which ticks on each send and jumps past the sender's value on each receive,
 * so per-node traces can be merged in an order consistent with causality. The node's trace writer
 * ticks the same clock for every event it writes.
 */
final class PeerLinks implements Transport, Inbound {
    private final AtomicLong lamport;
    private volatile PeerTransport transport;
    private volatile NodeRunner runner;

    PeerLinks(AtomicLong lamport) {
        this.lamport = lamport;
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
            current.send(message, lamport.incrementAndGet());
        }
    }

    @Override
    public void receive(Message message, long senderLamport) {
        lamport.accumulateAndGet(senderLamport, (mine, theirs) -> Math.max(mine, theirs) + 1);
        NodeRunner current = runner;
        if (current != null) {
            current.deliver(message);
        }
    }
}
