package io.raftkv.node;

import io.raftkv.core.Message;

/**
 * Sends a message to its destination ({@code message.to()}). Delivery is best effort: a transport
 * may drop, delay, duplicate or reorder, and Raft tolerates all of it (paper §5.1). It must not
 * block the node loop for long and must not throw for a lost peer.
 */
@FunctionalInterface
public interface Transport {
    void send(Message message);
}
