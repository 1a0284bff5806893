package io.raftkv.transport;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Every limit of the peer transport, validated once here (STYLE.md habit 4). All bounds are per
 * peer unless they say otherwise; together they cap the transport's memory at roughly
 * peers x (controlQueueMessagesMax x 100 B + bulkQueueBytesMax + inFlightBytesMax + frameBytesMax).
 *
 * @param clusterId                 names the cluster in the handshake (1..255 bytes of UTF-8): nodes
 *                                  of different clusters refuse each other
 * @param frameBytesMax             largest frame accepted or sent, length prefix excluded; must
 *                                  exceed the core's maxMessageBytes plus entry overheads, or large
 *                                  appends are dropped at the sender (counted as oversized)
 * @param controlQueueMessagesMax   queued small messages (votes, responses, heartbeats: appends
 *                                  without entries) per peer; more are dropped and counted
 * @param bulkQueueMessagesMax      queued appends with entries per peer; more are dropped
 * @param bulkQueueBytesMax         bytes of queued appends with entries per peer (one message larger
 *                                  than this is still queued when the bulk queue is empty)
 * @param inFlightBytesMax          bytes handed to a connection and not yet written to its socket
 *                                  before the transport stops handing it more (Netty's high water
 *                                  mark; the low one is half): what a small message may have to wait
 *                                  behind, besides the kernel's socket buffer
 * @param connectTimeoutMillis      a TCP connect that takes longer fails and is retried
 * @param handshakeTimeoutMillis    a connection without a completed handshake after this is closed,
 *                                  on either side
 * @param stallTimeoutMillis        an outbound connection with bytes waiting that writes none for this
 *                                  long is closed and redialed: after a partition heals, TCP's own
 *                                  retransmission backoff could otherwise keep the link silent for
 *                                  minutes, and a paused or deaf peer would hold the connection forever
 * @param reconnectBackoffMillisMin first retry delay ceiling after a failure; it doubles per failure
 * @param reconnectBackoffMillisMax the largest retry delay ceiling; each delay is drawn uniformly from
 *                                  [ceiling / 2, ceiling] by the transport's seeded random
 * @param inboundConnectionsMax     accepted connections at once (members reconnecting and strangers);
 *                                  more are closed at once
 * @param ioThreads                 Netty event-loop threads
 * @param seed                      seeds the reconnect jitter (each link derives its own generator)
 */
public record TransportConfig(
        String clusterId,
        int frameBytesMax,
        int controlQueueMessagesMax,
        int bulkQueueMessagesMax,
        long bulkQueueBytesMax,
        int inFlightBytesMax,
        int connectTimeoutMillis,
        int handshakeTimeoutMillis,
        int stallTimeoutMillis,
        int reconnectBackoffMillisMin,
        int reconnectBackoffMillisMax,
        int inboundConnectionsMax,
        int ioThreads,
        long seed) {

    /** The largest frameBytesMax allowed: a frame, prefix included, must fit one Netty buffer. */
    public static final int FRAME_BYTES_LIMIT = 1 << 30;

    public TransportConfig {
        Objects.requireNonNull(clusterId, "clusterId");
        int clusterIdBytes = clusterId.getBytes(StandardCharsets.UTF_8).length;
        require(clusterIdBytes >= 1 && clusterIdBytes <= Protocol.CLUSTER_ID_BYTES_MAX,
                "clusterId must be 1..255 bytes of UTF-8, got " + clusterIdBytes);
        require(frameBytesMax >= Protocol.HANDSHAKE_FRAME_BYTES_MAX && frameBytesMax <= FRAME_BYTES_LIMIT,
                "frameBytesMax must be in [" + Protocol.HANDSHAKE_FRAME_BYTES_MAX + ", " + FRAME_BYTES_LIMIT + "], got "
                        + frameBytesMax);
        require(controlQueueMessagesMax >= 1, "controlQueueMessagesMax must be >= 1, got " + controlQueueMessagesMax);
        require(bulkQueueMessagesMax >= 1, "bulkQueueMessagesMax must be >= 1, got " + bulkQueueMessagesMax);
        require(bulkQueueBytesMax >= 1, "bulkQueueBytesMax must be >= 1, got " + bulkQueueBytesMax);
        require(inFlightBytesMax >= 2, "inFlightBytesMax must be >= 2, got " + inFlightBytesMax);
        require(connectTimeoutMillis >= 1, "connectTimeoutMillis must be >= 1, got " + connectTimeoutMillis);
        require(handshakeTimeoutMillis >= 1, "handshakeTimeoutMillis must be >= 1, got " + handshakeTimeoutMillis);
        require(stallTimeoutMillis >= 1, "stallTimeoutMillis must be >= 1, got " + stallTimeoutMillis);
        require(reconnectBackoffMillisMin >= 1 && reconnectBackoffMillisMin <= reconnectBackoffMillisMax,
                "reconnect backoff must satisfy 1 <= min <= max, got [" + reconnectBackoffMillisMin + ", "
                        + reconnectBackoffMillisMax + "]");
        require(inboundConnectionsMax >= 1, "inboundConnectionsMax must be >= 1, got " + inboundConnectionsMax);
        require(ioThreads >= 1, "ioThreads must be >= 1, got " + ioThreads);
    }

    /**
     * Defaults: 16 MiB frames (the core's default maxMessageBytes is 1 MiB), 1024 control and 256
     * bulk messages or 32 MiB queued per peer, 256 KiB in flight per connection, 1 s connect, 2 s
     * handshake, 3 s stall, reconnect backoff 50 ms doubling to 2 s, 64 inbound connections, 2 I/O
     * threads, seed 0.
     */
    public static TransportConfig defaults(String clusterId) {
        return new TransportConfig(clusterId, 16 << 20, 1024, 256, 32L << 20, 256 << 10, 1000, 2000, 3000, 50, 2000,
                64, 2, 0);
    }

    public TransportConfig withFrameBytesMax(int bytes) {
        return new TransportConfig(clusterId, bytes, controlQueueMessagesMax, bulkQueueMessagesMax, bulkQueueBytesMax,
                inFlightBytesMax, connectTimeoutMillis, handshakeTimeoutMillis, stallTimeoutMillis,
                reconnectBackoffMillisMin, reconnectBackoffMillisMax, inboundConnectionsMax, ioThreads, seed);
    }

    public TransportConfig withQueueLimits(int controlMessages, int bulkMessages, long bulkBytes) {
        return new TransportConfig(clusterId, frameBytesMax, controlMessages, bulkMessages, bulkBytes,
                inFlightBytesMax, connectTimeoutMillis, handshakeTimeoutMillis, stallTimeoutMillis,
                reconnectBackoffMillisMin, reconnectBackoffMillisMax, inboundConnectionsMax, ioThreads, seed);
    }

    public TransportConfig withInFlightBytesMax(int bytes) {
        return new TransportConfig(clusterId, frameBytesMax, controlQueueMessagesMax, bulkQueueMessagesMax,
                bulkQueueBytesMax, bytes, connectTimeoutMillis, handshakeTimeoutMillis, stallTimeoutMillis,
                reconnectBackoffMillisMin, reconnectBackoffMillisMax, inboundConnectionsMax, ioThreads, seed);
    }

    public TransportConfig withTimeouts(int connectMillis, int handshakeMillis, int stallMillis) {
        return new TransportConfig(clusterId, frameBytesMax, controlQueueMessagesMax, bulkQueueMessagesMax,
                bulkQueueBytesMax, inFlightBytesMax, connectMillis, handshakeMillis, stallMillis,
                reconnectBackoffMillisMin, reconnectBackoffMillisMax, inboundConnectionsMax, ioThreads, seed);
    }

    public TransportConfig withReconnectBackoffMillis(int min, int max) {
        return new TransportConfig(clusterId, frameBytesMax, controlQueueMessagesMax, bulkQueueMessagesMax,
                bulkQueueBytesMax, inFlightBytesMax, connectTimeoutMillis, handshakeTimeoutMillis, stallTimeoutMillis,
                min, max, inboundConnectionsMax, ioThreads, seed);
    }

    public TransportConfig withInboundConnectionsMax(int connections) {
        return new TransportConfig(clusterId, frameBytesMax, controlQueueMessagesMax, bulkQueueMessagesMax,
                bulkQueueBytesMax, inFlightBytesMax, connectTimeoutMillis, handshakeTimeoutMillis, stallTimeoutMillis,
                reconnectBackoffMillisMin, reconnectBackoffMillisMax, connections, ioThreads, seed);
    }

    public TransportConfig withIoThreads(int threads) {
        return new TransportConfig(clusterId, frameBytesMax, controlQueueMessagesMax, bulkQueueMessagesMax,
                bulkQueueBytesMax, inFlightBytesMax, connectTimeoutMillis, handshakeTimeoutMillis, stallTimeoutMillis,
                reconnectBackoffMillisMin, reconnectBackoffMillisMax, inboundConnectionsMax, threads, seed);
    }

    public TransportConfig withSeed(long newSeed) {
        return new TransportConfig(clusterId, frameBytesMax, controlQueueMessagesMax, bulkQueueMessagesMax,
                bulkQueueBytesMax, inFlightBytesMax, connectTimeoutMillis, handshakeTimeoutMillis, stallTimeoutMillis,
                reconnectBackoffMillisMin, reconnectBackoffMillisMax, inboundConnectionsMax, ioThreads, newSeed);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
