package io.raftkv.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * The HELLO and REJECT frames and the rules that decide whether a connection may carry messages.
 * Their layouts (in {@code package-info.java}) are frozen across protocol versions, so that two
 * nodes of different versions can always read each other's HELLO and say which versions they
 * speak instead of failing on garbage.
 */
final class Handshake {
    private Handshake() {}

    /** A decoded HELLO: the protocol version, node id and cluster id the other end claims. */
    record Hello(int version, int nodeId, String clusterId) {}

    static ByteBuf encodeHello(ByteBufAllocator allocator, int version, int nodeId, String clusterId) {
        byte[] cluster = clusterId.getBytes(StandardCharsets.UTF_8);
        if (cluster.length < 1 || cluster.length > Protocol.CLUSTER_ID_BYTES_MAX) {
            throw new IllegalArgumentException("cluster id must be 1.." + Protocol.CLUSTER_ID_BYTES_MAX
                    + " bytes of UTF-8, got " + cluster.length);
        }
        int payload = Protocol.HEADER_BYTES + 4 + 4 + 1 + cluster.length;
        ByteBuf out = allocator.buffer(Protocol.LENGTH_PREFIX_BYTES + payload);
        out.writeInt(payload);
        out.writeByte(version);
        out.writeByte(Protocol.HELLO);
        out.writeInt(Protocol.MAGIC);
        out.writeInt(nodeId);
        out.writeByte(cluster.length);
        out.writeBytes(cluster);
        return out;
    }

    static ByteBuf encodeReject(ByteBufAllocator allocator, String reason) {
        String cut = reason.length() > Protocol.REJECT_REASON_CHARS_MAX
                ? reason.substring(0, Protocol.REJECT_REASON_CHARS_MAX) : reason;
        byte[] text = cut.getBytes(StandardCharsets.UTF_8);
        int payload = Protocol.HEADER_BYTES + 2 + text.length;
        ByteBuf out = allocator.buffer(Protocol.LENGTH_PREFIX_BYTES + payload);
        out.writeInt(payload);
        out.writeByte(Protocol.VERSION);
        out.writeByte(Protocol.REJECT);
        out.writeShort(text.length);
        out.writeBytes(text);
        return out;
    }

    /** Reads a HELLO's fields after its version and type bytes. */
    static Hello readHello(int version, ByteBuf in) throws ProtocolException {
        if (in.readableBytes() < 4) {
            throw new ProtocolException("truncated handshake");
        }
        int magic = in.readInt();
        if (magic != Protocol.MAGIC) {
            throw new ProtocolException("not a raftkv handshake (magic 0x%08x, expected 0x%08x)", magic,
                    Protocol.MAGIC);
        }
        if (in.readableBytes() < 5) {
            throw new ProtocolException("truncated handshake");
        }
        int nodeId = in.readInt();
        int length = in.readUnsignedByte();
        if (length < 1 || length > in.readableBytes()) {
            throw new ProtocolException("handshake cluster id of %d bytes, %d left", length, in.readableBytes());
        }
        String clusterId = in.readCharSequence(length, StandardCharsets.UTF_8).toString();
        // A later version may append fields to its HELLO; this one must not.
        if (version == Protocol.VERSION && in.isReadable()) {
            throw new ProtocolException("%d bytes left over after the handshake", in.readableBytes());
        }
        return new Hello(version, nodeId, clusterId);
    }

    /** Reads a REJECT's reason after its version and type bytes. */
    static String readReject(ByteBuf in) throws ProtocolException {
        if (in.readableBytes() < 2) {
            throw new ProtocolException("truncated REJECT");
        }
        int length = in.readUnsignedShort();
        if (length != in.readableBytes()) {
            throw new ProtocolException("REJECT reason of %d bytes in %d", length, in.readableBytes());
        }
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    /** Why an acceptor refuses the HELLO a dialer sent, or null if it is acceptable. */
    static String refusalOfDialer(Hello hello, String clusterId, int selfId, Collection<Integer> peerIds) {
        String common = refusal(hello, clusterId);
        if (common != null) {
            return common;
        }
        if (hello.nodeId() == selfId) {
            return "the peer claims this node's own id " + selfId;
        }
        if (!peerIds.contains(hello.nodeId())) {
            return "unknown node id " + hello.nodeId() + " (this node's peers are " + peerIds + ")";
        }
        return null;
    }

    /** Why a dialer refuses the HELLO an acceptor answered with, or null if it is acceptable. */
    static String refusalOfAcceptor(Hello hello, String clusterId, int expectedNodeId) {
        String common = refusal(hello, clusterId);
        if (common != null) {
            return common;
        }
        if (hello.nodeId() != expectedNodeId) {
            return "the peer answered as node " + hello.nodeId() + ", expected node " + expectedNodeId;
        }
        return null;
    }

    private static String refusal(Hello hello, String clusterId) {
        if (hello.version() != Protocol.VERSION) {
            return "protocol version mismatch: the peer speaks version " + hello.version()
                    + ", this node speaks version " + Protocol.VERSION;
        }
        if (!hello.clusterId().equals(clusterId)) {
            return "cluster id mismatch: the peer is in cluster '" + hello.clusterId() + "', this node in cluster '"
                    + clusterId + "'";
        }
        return null;
    }
}
