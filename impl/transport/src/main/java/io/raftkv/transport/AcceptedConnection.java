package io.raftkv.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.raftkv.core.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection a peer opened to this node: it carries that peer's messages to this node. The first
 * frame must be the peer's HELLO; this end answers with its own HELLO, or with a REJECT naming the
 * mismatch and closes. Afterwards every frame must be a message from that peer to this node, of the
 * agreed version. This end never sends a message on it (each node sends on connections it dialed).
 */
final class AcceptedConnection extends ConnectionHandler {
    private static final Logger log = LoggerFactory.getLogger(AcceptedConnection.class);

    /** The peer's id once its handshake was accepted; 0 (no node has it) before. */
    private int peerId;
    /** The id a refused HELLO claimed, for the log line; 0 when none was read. */
    private int claimedId;

    AcceptedConnection(LocalEndpoint endpoint, FrameDecoder decoder) {
        super(endpoint, decoder);
    }

    @Override
    void onFrame(ChannelHandlerContext ctx, int version, int type, ByteBuf payload) throws ProtocolException {
        if (peerId == 0) {
            onHandshake(ctx, version, type, payload);
        } else {
            onMessage(ctx, version, type, payload);
        }
    }

    @Override
    String describe(ChannelHandlerContext ctx) {
        if (peerId != 0) {
            return "connection from node " + peerId + " at " + ctx.channel().remoteAddress();
        }
        String claim = claimedId == 0 ? "" : " (claiming to be node " + claimedId + ")";
        return "connection from " + ctx.channel().remoteAddress() + claim;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (peerId != 0) {
            endpoint.acceptedClosed(peerId, ctx.channel());
            log.info("node {}: {} closed", endpoint.selfId, describe(ctx));
        }
        super.channelInactive(ctx);
    }

    private void onHandshake(ChannelHandlerContext ctx, int version, int type, ByteBuf payload)
            throws ProtocolException {
        if (type != Protocol.HELLO) {
            throw new ProtocolException("expected a HELLO as the first frame, got a %s frame", Protocol.typeName(type));
        }
        Handshake.Hello hello = Handshake.readHello(version, payload);
        String refusal = Handshake.refusalOfDialer(hello, endpoint.config.clusterId(), endpoint.selfId,
                endpoint.peerIds);
        if (refusal != null) {
            claimedId = hello.nodeId();
            refuse(ctx, refusal);
            return;
        }
        peerId = hello.nodeId();
        handshakeCompleted();
        decoder.raiseLimit(endpoint.config.frameBytesMax());
        ctx.writeAndFlush(Handshake.encodeHello(ctx.alloc(), Protocol.VERSION, endpoint.selfId,
                endpoint.config.clusterId()));
        endpoint.acceptedEstablished(peerId, ctx.channel());
        log.info("node {}: accepted {}", endpoint.selfId, describe(ctx));
    }

    private void onMessage(ChannelHandlerContext ctx, int version, int type, ByteBuf payload) throws ProtocolException {
        if (version != Protocol.VERSION) {
            throw new ProtocolException("frame of protocol version %d on a connection that agreed on version %d",
                    version, Protocol.VERSION);
        }
        if (type == Protocol.REJECT) {
            refusedByPeer(ctx, Handshake.readReject(payload));
            return;
        }
        int frameBytes = Protocol.LENGTH_PREFIX_BYTES + Protocol.HEADER_BYTES + payload.readableBytes();
        MessageCodec.Decoded decoded = MessageCodec.decode(type, payload);
        Message message = decoded.message();
        if (message.from() != peerId || message.to() != endpoint.selfId) {
            throw new ProtocolException("a message from node %d to node %d on the connection from node %d to node %d",
                    message.from(), message.to(), peerId, endpoint.selfId);
        }
        endpoint.counters.framesReceived.increment();
        endpoint.counters.bytesReceived.add(frameBytes);
        endpoint.deliver(message, decoded.lamport());
    }
}
