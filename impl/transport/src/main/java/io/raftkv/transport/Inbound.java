package io.raftkv.transport;

import io.raftkv.core.Message;

/**
 * Where received messages go. Called on a Netty I/O thread, so it must not block: hand the message
 * to the node loop's queue (dropping it when that is full is fine, Raft tolerates loss). Messages of
 * one connection arrive in the order they were sent; different peers' connections may be served
 * by different I/O threads, so calls can be concurrent.
 */
@FunctionalInterface
public interface Inbound {
    /**
     * @param message a message whose {@code from} is the peer that completed the handshake on this
     *                connection and whose {@code to} is this node (both checked)
     * @param lamport the Lamport clock value the sender attached
     */
    void receive(Message message, long lamport);

    /**
     * The connection on which {@code peer} sent to this node closed after its handshake, and no newer
     * one from that peer replaced it: the peer's process exited or closed it (a FIN or a reset came),
     * or this end closed it on bad input or on shutdown. A partition or a stopped process shows no
     * such sign. Called on a Netty I/O thread; the default ignores it.
     */
    default void peerDisconnected(int peer) {}
}
