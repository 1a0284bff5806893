package io.raftkv.transport;

import java.util.SortedMap;

/**
 * A snapshot of the transport's counters (each read atomically, the set not as a whole). Frames
 * are counted when written to the socket (sent) or decoded (received); a frame the sender gave up on
 * is counted in exactly one of the dropped counters.
 *
 * @param framesSent                  message frames written to a socket
 * @param framesReceived              message frames decoded and handed to {@link Inbound}
 * @param bytesSent                   bytes of those frames, length prefixes included
 * @param bytesReceived               likewise for received frames
 * @param framesDroppedQueueFull      sends refused because the peer's queue was full
 * @param framesDroppedOversized      sends refused because the frame exceeded frameBytesMax
 * @param framesDroppedUnknownPeer    sends to an id that is not a peer
 * @param framesDroppedClosed         sends after close, and messages still queued at close
 * @param framesLostInFlight          frames handed to a connection that closed before writing them
 * @param connectionsOutbound         peers with an established outbound connection now
 * @param connectionsInbound          peers with an established inbound connection now
 * @param connectAttempts             outbound TCP connects started
 * @param handshakesRefused           connections closed because the handshake did not match (either
 *                                    side's refusal: cluster id, version, node id)
 * @param protocolErrors              connections closed for bad input (malformed, truncated, oversized,
 *                                    unexpected frames, no handshake in time) or over inboundConnectionsMax
 * @param connectionsStalled          outbound connections closed because they wrote nothing for
 *                                    stallTimeoutMillis while bytes waited (partition, paused or deaf peer)
 * @param inboundFailures             exceptions thrown by {@link Inbound#receive} (logged, swallowed)
 * @param peers                       per peer, ascending by id
 */
public record TransportStats(
        long framesSent,
        long framesReceived,
        long bytesSent,
        long bytesReceived,
        long framesDroppedQueueFull,
        long framesDroppedOversized,
        long framesDroppedUnknownPeer,
        long framesDroppedClosed,
        long framesLostInFlight,
        int connectionsOutbound,
        int connectionsInbound,
        long connectAttempts,
        long handshakesRefused,
        long protocolErrors,
        long connectionsStalled,
        long inboundFailures,
        SortedMap<Integer, PeerStats> peers) {

    /**
     * One peer's outbound side.
     *
     * @param connected      an outbound connection to it has completed its handshake
     * @param connectionsEstablished outbound connections to it whose handshake completed, ever
     *                       (more than one means the link was lost and reconnected)
     * @param queuedMessages messages waiting in its queues
     * @param queuedBytes    their frame bytes
     * @param inFlightBytes  bytes handed to its connection and not yet written to the socket
     * @param framesSent     frames written to its socket
     * @param framesDropped  sends to it refused because its queue was full
     */
    public record PeerStats(boolean connected, long connectionsEstablished, int queuedMessages, long queuedBytes,
            long inFlightBytes, long framesSent, long framesDropped) {}

    /** Every frame the caller gave up on, whatever the reason. */
    public long framesDropped() {
        return framesDroppedQueueFull + framesDroppedOversized + framesDroppedUnknownPeer + framesDroppedClosed;
    }
}
