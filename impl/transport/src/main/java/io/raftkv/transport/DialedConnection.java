package io.raftkv.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * A connection this node opened to one peer: it carries this node's messages to that peer. This
 * end sends its HELLO as soon as TCP connects and waits for the peer's HELLO (checked: cluster id,
 * version, and that the node answering is the one this link is for) or its REJECT. Only then does
 * the link start draining its queue, so nothing is written to a peer that will refuse it. The peer
 * sends nothing after its HELLO except, at most, a REJECT.
 */
final class DialedConnection extends ConnectionHandler {
    private final PeerLink link;
    private boolean established;

    DialedConnection(LocalEndpoint endpoint, FrameDecoder decoder, PeerLink link) {
        super(endpoint, decoder);
        this.link = link;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        ctx.writeAndFlush(Handshake.encodeHello(ctx.alloc(), Protocol.VERSION, endpoint.selfId,
                endpoint.config.clusterId()));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            link.scheduleDrain();
        }
        super.channelWritabilityChanged(ctx);
    }

    /**
     * Writer idle for stallTimeoutMillis: harmless when there was nothing to send, a stall when
     * bytes are waiting. TCP would retransmit after a partition heals, but with a backoff that can
     * reach minutes; a fresh connection gets through as soon as the peer is reachable.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE && established
                && link.hasBytesInFlight()) {
            stalled(ctx, "nothing written for " + endpoint.config.stallTimeoutMillis() + " ms with bytes waiting");
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    void onFrame(ChannelHandlerContext ctx, int version, int type, ByteBuf payload) throws ProtocolException {
        if (type == Protocol.REJECT && established) {
            closedByPeer(ctx, Handshake.readReject(payload));
            return;
        }
        if (type == Protocol.REJECT) {
            refusedByPeer(ctx, Handshake.readReject(payload));
            link.refused();
            return;
        }
        if (established) {
            throw new ProtocolException("unexpected %s frame from the peer after the handshake",
                    Protocol.typeName(type));
        }
        if (type != Protocol.HELLO) {
            throw new ProtocolException("expected a HELLO or REJECT in answer, got a %s frame",
                    Protocol.typeName(type));
        }
        Handshake.Hello hello = Handshake.readHello(version, payload);
        String refusal = Handshake.refusalOfAcceptor(hello, endpoint.config.clusterId(), link.peerId);
        if (refusal != null) {
            refuse(ctx, refusal);
            link.refused();
            return;
        }
        established = true;
        handshakeCompleted();
        link.established(ctx.channel());
    }

    @Override
    String describe(ChannelHandlerContext ctx) {
        return "connection to node " + link.peerId + " at " + link.address;
    }
}
